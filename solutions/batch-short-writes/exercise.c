/*
 * Kata batch-short-writes — reference solution.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <unistd.h>

long write_all(int fd, const void *buf, size_t len);

long write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0)
			return -EIO; /* a write of len > 0 that took nothing and said no error */
		if (errno == EINTR)
			continue; /* a signal arrived before anything was written: ask again */
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			/* Sleep until there is room; an interrupted poll is just another turn.
			 * POLLERR/POLLHUP come back too: the next write() reports the error. */
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		return -errno;
	}
	return (long)len;
}
