/*
 * Kata batch-short-writes — short writes, -EAGAIN and -EINTR.
 *
 * write_all() must hand every one of `len` bytes to the kernel, exactly once
 * and in order, and return `len`; on a real error it returns -errno (for
 * example -EPIPE when the reader has gone). The harness gives it a small
 * pipe with a slow reader on the other end, and interrupts your process
 * with signals whose handler does not restart system calls.
 *
 * You may use libc's write() and poll(); errno tells you why a call failed.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <unistd.h>

long write_all(int fd, const void *buf, size_t len);

long write_all(int fd, const void *buf, size_t len)
{
	/*
	 * TODO: one write() is not enough. It may
	 *  - take fewer bytes than you gave it (a short write): send the rest;
	 *  - fail with EINTR (a signal arrived before anything was written): try again;
	 *  - fail with EAGAIN (a non-blocking descriptor with no room): wait with
	 *    poll() for POLLOUT, then try again. Do not spin on write();
	 *  - fail for real (EPIPE, EBADF...): return -errno.
	 */
	ssize_t n = write(fd, buf, len);
	return n < 0 ? -errno : (long)n;
}
