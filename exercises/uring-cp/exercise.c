/*
 * uring-cp: copy a file through io_uring.
 *
 * uring_copy(in_fd, out_fd, depth, block): copy everything in the file
 * in_fd (from offset 0 to its end) to out_fd, which is an empty file or a
 * pipe. Blocks of `block` bytes, up to `depth` operations in flight, every
 * read and write an SQE (no read(2)/write(2) of your own). Return the bytes
 * copied, or -errno.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/stat.h>

long uring_copy(int in_fd, int out_fd, unsigned depth, unsigned block)
{
	/* TODO: fstat(in_fd) for the size; fstat(out_fd): a pipe (S_ISFIFO) has no offsets. */
	/* TODO: io_uring_queue_init(depth, &ring, 0) and depth buffers of `block` bytes. */
	/* TODO: per window of depth blocks: a read SQE each, io_uring_submit_and_wait,
	 *       take every CQE (res < asked: read the rest); then the writes, likewise,
	 *       in order for a pipe (IOSQE_IO_LINK), short ones finished. */
	/* TODO: io_uring_queue_exit, and return the bytes copied. */
	(void)in_fd, (void)out_fd, (void)depth, (void)block;
	return -ENOSYS;
}
