/*
 * uring-raw: read n blocks of a file through an io_uring you set up and
 * drive yourself. No liburing, no libc: io_uring_setup (425) and
 * io_uring_enter (426) through your own syscall instruction, the rings
 * mapped with mmap (9), and the memory ordering that makes it correct.
 * See README.md.
 */
#include <linux/io_uring.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Read block i (`block` bytes at offsets[i]) of fd into buf + i * block,
 * for i in 0..n-1, through a ring of `depth` entries: at most depth SQEs
 * per io_uring_enter, which only submits; wait for the completions by
 * watching the CQ tail in memory. Return the sum of the CQEs' res, or the
 * first negative res (-errno). Unmap and close the ring before returning.
 */
long ring_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth)
{
	/* TODO: your raw syscall (inline asm: rax, rdi, rsi, rdx, r10, r8, r9; rcx and r11 clobbered). */
	/* TODO: io_uring_setup(depth, &params), then mmap the SQ ring, the CQ ring (or one mapping for both
	 *       with IORING_FEAT_SINGLE_MMAP) and the SQE array at IORING_OFF_SQ_RING / _CQ_RING / _SQES. */
	/* TODO: per batch: fill the SQEs and the SQ array, store-release the SQ tail, io_uring_enter(fd, count, 0, 0). */
	/* TODO: load-acquire the CQ tail, consume the CQEs up to it, store the CQ head; until the batch is done. */
	(void)fd, (void)buf, (void)block, (void)n, (void)offsets, (void)depth;
	return -38; /* -ENOSYS */
}
