/*
 * Kata uring-read — one read through the ring (liburing).
 *
 * uring_read(fd, buf, len, offset) reads up to len bytes of fd at offset
 * into buf, as pread(2) would, and returns the number of bytes read (0 at
 * or past the end of the file) or -errno (-EBADF, -EISDIR, ...). But the
 * read must go through an io_uring: no read(), pread() or sibling at all
 * (the count budget counts them). Today it is the pread it replaces.
 *
 * The six calls (liburing 2.3, <liburing.h>):
 *   io_uring_queue_init(entries, &ring, 0)   the rings (returns -errno)
 *   io_uring_get_sqe(&ring)                  a free submission entry
 *   io_uring_prep_read(sqe, fd, buf, len, offset)
 *   io_uring_submit(&ring)                   hands it to the kernel
 *   io_uring_wait_cqe(&ring, &cqe)           waits for its completion
 *   io_uring_cqe_seen(&ring, cqe)            gives the CQ slot back
 * and io_uring_queue_exit(&ring) when you are done with the ring.
 */
#include <errno.h>
#include <liburing.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

long uring_read(int fd, void *buf, size_t len, off_t offset);

long uring_read(int fd, void *buf, size_t len, off_t offset)
{
	/* TODO: replace this pread with one read through an io_uring. */
	ssize_t n = pread(fd, buf, len, offset);
	return n < 0 ? -errno : n;
}
