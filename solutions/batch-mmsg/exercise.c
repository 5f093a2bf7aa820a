/*
 * Kata batch-mmsg — reference solution.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

long send_datagrams(int fd, const struct iovec *msgs, size_t n);
long recv_datagrams(int fd, struct iovec *bufs, size_t n, size_t *lens);

#define BATCH 64

long send_datagrams(int fd, const struct iovec *msgs, size_t n)
{
	struct mmsghdr h[BATCH];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < BATCH ? n - done : BATCH;
		memset(h, 0, sizeof(h[0]) * k);
		for (size_t i = 0; i < k; i++) {
			h[i].msg_hdr.msg_iov = (struct iovec *)&msgs[done + i];
			h[i].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(fd, h, (unsigned)k, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)r; /* it may send fewer than k: the rest go next turn */
	}
	return (long)n;
}

long recv_datagrams(int fd, struct iovec *bufs, size_t n, size_t *lens)
{
	struct mmsghdr h[BATCH];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < BATCH ? n - done : BATCH;
		memset(h, 0, sizeof(h[0]) * k);
		for (size_t i = 0; i < k; i++) {
			h[i].msg_hdr.msg_iov = &bufs[done + i];
			h[i].msg_hdr.msg_iovlen = 1;
		}
		/* Blocks for the first; MSG_WAITFORONE takes what is queued after it. */
		int r = recvmmsg(fd, h, (unsigned)k, MSG_WAITFORONE, NULL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < r; i++)
			lens[done + (size_t)i] = h[i].msg_len;
		done += (size_t)r;
	}
	return (long)n;
}
