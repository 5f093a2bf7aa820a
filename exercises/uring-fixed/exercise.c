/*
 * uring-fixed: registered files and fixed buffers.
 *
 * fixed_open(fd, area, len, depth): a ring of `depth` entries, with `fd`
 * registered as file 0 and the whole area as buffer 0. 0 or -errno.
 * fixed_read(offsets, n, block): block i (block bytes at offsets[i]) into
 * area + i * block, as IORING_OP_READ_FIXED SQEs on the registered file,
 * `depth` per io_uring_enter. The bytes read, or -errno.
 * fixed_close(): the ring goes (and its registrations with it).
 */
#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <sys/uio.h>

int fixed_open(int fd, void *area, size_t area_len, unsigned depth)
{
	/* TODO: io_uring_queue_init, io_uring_register_files, io_uring_register_buffers. */
	(void)fd, (void)area, (void)area_len, (void)depth;
	return -ENOSYS;
}

long fixed_read(const uint64_t *offsets, unsigned n, unsigned block)
{
	/* TODO: windows of depth io_uring_prep_read_fixed SQEs with IOSQE_FIXED_FILE,
	 *       io_uring_submit_and_wait, then the CQEs. */
	(void)offsets, (void)n, (void)block;
	return -ENOSYS;
}

void fixed_close(void)
{
	/* TODO: io_uring_queue_exit. */
}
