/*
 * The agent side of batch-mmsg: the learner's send_datagrams() and
 * recv_datagrams() on the judge's loopback UDP sockets (cases), or on a pair
 * the agent makes itself (the counting runs, which get no descriptors:
 * Landlock confines TCP only, UDP on loopback is open to the agent).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

long send_datagrams(int fd, const struct iovec *msgs, size_t n);
long recv_datagrams(int fd, struct iovec *bufs, size_t n, size_t *lens);

#define MM_MAX 1536
#define MM_BUF 2048
static struct iovec mm_iov[MM_MAX];
static size_t mm_len[MM_MAX];
static unsigned char mm_space[1200][MM_BUF];

/* in = u16 count, u16 lengths, payloads. ret[0] = send_datagrams()'s answer. */
static void call_send(struct kata_call *c)
{
	uint16_t n;
	if (c->in_len < 2) {
		c->ret[0] = -EINVAL;
		return;
	}
	memcpy(&n, c->in, 2);
	size_t off = 2 + 2 * (size_t)n;
	if (n > 1200 || off > c->in_len) {
		c->ret[0] = -EINVAL;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint16_t len;
		memcpy(&len, c->in + 2 + 2 * i, 2);
		if (off + len > c->in_len) {
			c->ret[0] = -EINVAL;
			return;
		}
		mm_iov[i].iov_base = (void *)(c->in + off);
		mm_iov[i].iov_len = len;
		off += len;
	}
	c->ret[0] = send_datagrams(c->fd[0], mm_iov, n);
}

/* arg[0] = n. out = u16 count, u16 lengths, payloads (what the buffers hold). */
static void call_recv(struct kata_call *c)
{
	size_t n = (size_t)c->arg[0];
	if (n > 1200) {
		c->ret[0] = -EINVAL;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		mm_iov[i].iov_base = mm_space[i];
		mm_iov[i].iov_len = MM_BUF;
		mm_len[i] = 0;
	}
	long r = recv_datagrams(c->fd[0], mm_iov, n, mm_len);
	c->ret[0] = r;
	size_t got = r > 0 && (size_t)r <= n ? (size_t)r : 0;
	size_t off = 2 + 2 * got;
	if (off > c->out_cap)
		return;
	uint16_t cnt = (uint16_t)got;
	memcpy(c->out, &cnt, 2);
	for (size_t i = 0; i < got; i++) {
		/* The length as reported; at most 160 bytes of it (the judge's are no longer). */
		uint16_t len = (uint16_t)(mm_len[i] > 65535 ? 65535 : mm_len[i]);
		size_t take = len > 160 ? 160 : len;
		memcpy(c->out + 2 + 2 * i, &len, 2);
		if (off + take > c->out_cap)
			continue; /* the lengths all go back; the payloads while they fit */
		memcpy(c->out + off, mm_space[i], take);
		off += take;
	}
	c->out_len = off;
}

/* The counting runs' own pair: x sends to y. */
static int mm_pair(int *x, int *y)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, b = a;
	socklen_t l = sizeof(a);
	*x = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	*y = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*x < 0 || *y < 0 || bind(*x, (struct sockaddr *)&a, sizeof(a)) || bind(*y, (struct sockaddr *)&b, sizeof(b)) ||
	    getsockname(*x, (struct sockaddr *)&a, &l) || (l = sizeof(b), getsockname(*y, (struct sockaddr *)&b, &l)) ||
	    connect(*x, (struct sockaddr *)&b, sizeof(b)) || connect(*y, (struct sockaddr *)&a, sizeof(a)))
		return -errno;
	return 0;
}

static unsigned char mm_payload[256];

/* arg[0] = N datagrams (500-1500) of 1-200 bytes through send_datagrams(),
 * in one call. The receiver's buffer may overflow: only the sends count. */
static void call_count_send(struct kata_call *c)
{
	size_t n = (size_t)c->arg[0];
	int x, y;
	if (n > MM_MAX || mm_pair(&x, &y) != 0) {
		c->ret[0] = -EINVAL;
		return;
	}
	for (size_t i = 0; i < sizeof(mm_payload); i++)
		mm_payload[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < n; i++) {
		mm_iov[i].iov_base = mm_payload;
		mm_iov[i].iov_len = 1 + (i * 37) % 200;
	}
	c->ret[0] = send_datagrams(x, mm_iov, n);
	close(x);
	close(y);
}

/* arg[0] = N datagrams received through recv_datagrams(), in rounds of 256
 * (a multiple of 64): the agent sends a round (with send(), not counted:
 * this run counts read-like calls), then the learner receives it. 256 small
 * datagrams fit the receive buffer asked for, on any Linux default. */
static void call_count_recv(struct kata_call *c)
{
	size_t n = (size_t)c->arg[0];
	int x, y;
	if (n > MM_MAX || mm_pair(&x, &y) != 0) {
		c->ret[0] = -EINVAL;
		return;
	}
	int want = 4 << 20;
	setsockopt(y, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	long total = 0;
	for (size_t done = 0; done < n;) {
		size_t round = n - done < 256 ? n - done : 256;
		for (size_t i = 0; i < round; i++)
			send(x, mm_payload, 1 + (done + i) % 64, 0);
		for (size_t i = 0; i < round; i++) {
			mm_iov[i].iov_base = mm_space[i];
			mm_iov[i].iov_len = MM_BUF;
		}
		long r = recv_datagrams(y, mm_iov, round, mm_len);
		if (r < 0) {
			total = r;
			break;
		}
		total += r;
		done += round;
	}
	c->ret[0] = total;
	close(x);
	close(y);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "send", call_send },
	{ "recv", call_recv },
	{ "count-send", call_count_send },
	{ "count-recv", call_count_recv },
	{ 0 },
};
