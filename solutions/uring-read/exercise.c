/*
 * Kata uring-read — one read through the ring (reference solution).
 */
#include <errno.h>
#include <liburing.h>
#include <stddef.h>
#include <sys/types.h>

long uring_read(int fd, void *buf, size_t len, off_t offset);

long uring_read(int fd, void *buf, size_t len, off_t offset)
{
	struct io_uring ring;
	int err = io_uring_queue_init(4, &ring, 0);
	if (err < 0)
		return err; /* liburing returns -errno itself */

	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	if (!sqe) {
		io_uring_queue_exit(&ring);
		return -EBUSY;
	}
	io_uring_prep_read(sqe, fd, buf, (unsigned)len, (__u64)offset);
	sqe->user_data = 1;

	long ret = io_uring_submit(&ring);
	if (ret >= 0) {
		struct io_uring_cqe *cqe;
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret == 0) {
			ret = cqe->res; /* bytes read, or -errno: already the kernel's convention */
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	io_uring_queue_exit(&ring);
	return ret;
}
