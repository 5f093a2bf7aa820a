/*
 * Kata batch-mmsg — many datagrams per system call.
 *
 * send_datagrams() sends n UDP datagrams on a connected socket, msgs[i]
 * being datagram i, in order; it returns n, or -errno.
 * recv_datagrams() receives the next n datagrams into bufs[0..n-1] (one
 * datagram per buffer, its length in lens[i]); it returns n, or -errno.
 *
 * The budget: at most ceil(n/64) + 1 system calls each way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

long send_datagrams(int fd, const struct iovec *msgs, size_t n);
long recv_datagrams(int fd, struct iovec *bufs, size_t n, size_t *lens);

long send_datagrams(int fd, const struct iovec *msgs, size_t n)
{
	/*
	 * TODO: this is one system call per datagram. sendmmsg() takes an array
	 * of struct mmsghdr (each a struct msghdr plus msg_len) and sends them
	 * all in one call; it may send fewer than you asked for.
	 */
	for (size_t i = 0; i < n; i++)
		if (send(fd, msgs[i].iov_base, msgs[i].iov_len, 0) < 0)
			return -errno;
	return (long)n;
}

long recv_datagrams(int fd, struct iovec *bufs, size_t n, size_t *lens)
{
	/*
	 * TODO: the same for receiving: recvmmsg() fills an array of
	 * struct mmsghdr, and each msg_len says how long that datagram was.
	 */
	for (size_t i = 0; i < n; i++) {
		ssize_t r = recv(fd, bufs[i].iov_base, bufs[i].iov_len, 0);
		if (r < 0)
			return -errno;
		lens[i] = (size_t)r;
	}
	return (long)n;
}
