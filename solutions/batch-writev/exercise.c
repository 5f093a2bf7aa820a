/*
 * Kata batch-writev — reference solution: one writev, an iovec per part.
 * (A short write is possible in general, on a pipe interrupted by a
 * signal or a non-blocking descriptor; batch-short-writes deals with it.)
 */
#include <errno.h>
#include <stddef.h>
#include <sys/uio.h>

long send_message(int fd, const void *hdr, size_t hlen, const void *body, size_t blen, const void *trl, size_t tlen)
{
	struct iovec iov[3] = {
		{ (void *)hdr, hlen },
		{ (void *)body, blen },
		{ (void *)trl, tlen },
	};
	ssize_t n;
	do
		n = writev(fd, iov, 3);
	while (n < 0 && errno == EINTR);
	return n;
}
