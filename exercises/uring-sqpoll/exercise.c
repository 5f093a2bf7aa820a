/*
 * uring-sqpoll: read n blocks of a file through a ring whose submission
 * queue a kernel thread polls: no syscall in the hot path. See README.md.
 */
#include <errno.h>
#include <liburing.h>
#include <string.h>

/*
 * Read block i (`block` bytes at offsets[i]) of fd into buf + i * block,
 * for i in 0..n-1, at most `depth` in flight, through a ring set up with
 * IORING_SETUP_SQPOLL. Return the sum of the CQEs' res, or the first
 * negative res (-errno). io_uring_queue_exit() before returning.
 */
long sqpoll_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth)
{
	/* TODO: struct io_uring_params with flags IORING_SETUP_SQPOLL and a short sq_thread_idle (10 ms),
	 *       io_uring_queue_init_params(depth, &ring, &params). */
	/* TODO: keep up to depth reads queued (io_uring_prep_read, user_data = i), io_uring_submit() them:
	 *       under SQPOLL it only enters the kernel when IORING_SQ_NEED_WAKEUP is set. */
	/* TODO: reap with io_uring_peek_cqe() / io_uring_cqe_seen(): never wait in the kernel. */
	(void)fd, (void)buf, (void)block, (void)n, (void)offsets, (void)depth;
	return -ENOSYS;
}
