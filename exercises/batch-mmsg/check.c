/*
 * Driver for batch-mmsg: many UDP datagrams per system call over loopback.
 *
 * The judge makes both ends (two UDP sockets bound to 127.0.0.1 and
 * connected to each other) and passes the agent one of them:
 *  - send: the learner's send_datagrams() sends the judge's N datagrams; the
 *    judge reads its own socket and compares each one, in order;
 *  - receive: the judge sends N datagrams first, the learner's
 *    recv_datagrams() receives them and the agent hands them back.
 * The receiving socket's buffer is sized by the judge to hold all N (and the
 * kernel's drop counter for it, in /proc/net/udp, must stay 0): loopback
 * does not reorder or lose datagrams unless a receive buffer overflows.
 * Traced, each call may make at most ceil(N/64) + 1 write-like (read-like)
 * syscalls.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_N 1200
#define MAX_SIZE 160

struct batch {
	size_t n;
	uint16_t len[MAX_N];
	unsigned char data[MAX_N][MAX_SIZE];
};

/* N datagrams, as many as `room` bytes of receive buffer hold (the kernel
 * charges ~830 bytes per small datagram on loopback here: 1 KiB is taken). */
static void make_batch(struct batch *b, long room)
{
	b->n = kata_rand_range(200, MAX_N);
	if (room > 0 && b->n > (size_t)room / 1024)
		b->n = (size_t)room / 1024;
	/* Past 512 datagrams, smaller ones: the whole batch travels in one message to the agent. */
	size_t biggest = b->n > 512 ? 48 : MAX_SIZE;
	for (size_t i = 0; i < b->n; i++) {
		b->len[i] = (uint16_t)kata_rand_range(1, biggest);
		kata_rand_bytes(b->data[i], b->len[i]);
	}
}

/* The wire form, for the agent: u16 count, u16 lengths, then the payloads. */
static size_t pack(const struct batch *b, unsigned char *out)
{
	size_t k = 0;
	uint16_t n = (uint16_t)b->n;
	memcpy(out, &n, 2);
	k = 2;
	memcpy(out + k, b->len, 2 * b->n);
	k += 2 * b->n;
	for (size_t i = 0; i < b->n; i++) {
		memcpy(out + k, b->data[i], b->len[i]);
		k += b->len[i];
	}
	return k;
}

static int udp_socket(struct sockaddr_in *addr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		kata_setup_failed("socket(AF_INET, SOCK_DGRAM)");
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof(*addr);
	if (bind(s, (struct sockaddr *)addr, sizeof(*addr)) != 0 || getsockname(s, (struct sockaddr *)addr, &l) != 0)
		kata_setup_failed("bind(127.0.0.1:0)");
	return s;
}

/* Two sockets on loopback, each connected to the other. */
static void udp_pair(int *judge, int *agent)
{
	struct sockaddr_in ja, aa;
	*judge = udp_socket(&ja);
	*agent = udp_socket(&aa);
	if (connect(*judge, (struct sockaddr *)&aa, sizeof(aa)) != 0 ||
	    connect(*agent, (struct sockaddr *)&ja, sizeof(ja)) != 0)
		kata_setup_failed("connect() on loopback");
}

/* Room for every datagram of the batch, with the kernel's overhead per
 * datagram (a few hundred bytes of sk_buff each): 8 MiB is plenty. */
static long big_receive_buffer(int s)
{
	int want = 8 << 20, got = 0;
	socklen_t l = sizeof(got);
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) != 0)
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)); /* up to net.core.rmem_max */
	if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &l) != 0 || got < 200 * 1024)
		kata_setup_failed("a receive buffer of at least 200 KiB");
	return got;
}

/* The kernel's count of datagrams dropped on socket `s` (the last column of
 * its line in /proc/net/udp), or -1 if not found. */
static long drops_of(int s)
{
	struct stat st;
	if (fstat(s, &st) != 0)
		return -1;
	FILE *f = fopen("/proc/net/udp", "re");
	if (!f)
		return -1;
	char line[512];
	long drops = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long inode = 0;
		long d = 0;
		/* sl local rem st tx:rx tr:when retr uid timeout inode ref pointer drops */
		if (sscanf(line, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %ld", &inode, &d) == 2 &&
		    inode == (unsigned long)st.st_ino) {
			drops = d;
			break;
		}
	}
	fclose(f);
	return drops;
}

/* The traced calls against ceil(n/64) + 1: the count, the names, the budget. */
static void check_calls(const struct kata_reply *r, size_t n, int (*family)(long), const char *what)
{
	if (!r->traced)
		return;
	long budget = (long)((n + 63) / 64) + 1;
	int count = 0;
	long by_nr[512] = { 0 };
	for (int i = 0; i < r->nsc; i++)
		if (!r->sc[i].compat && family(r->sc[i].nr)) {
			count++;
			if (r->sc[i].nr >= 0 && r->sc[i].nr < 512)
				by_nr[r->sc[i].nr]++;
		}
	char names[200] = "", d[400];
	size_t k = 0;
	for (int nr = 0; nr < 512; nr++)
		if (by_nr[nr] && k < sizeof(names) - 40)
			k += (size_t)snprintf(names + k, sizeof(names) - k, "%s%s %ld", k ? ", " : "", kata_syscall_name(nr, 0),
					      by_nr[nr]);
	int overflow = r->nsc_total > r->nsc;
	kata_note("%s syscalls: %d (%s)%s for %zu datagrams, budget %ld", what, count, k ? names : "none",
		  overflow ? " in the first 256" : "", n, budget);
	snprintf(d, sizeof(d), "%s (%s): %s%d calls for %zu datagrams%s, budget <= %ld (ceil(%zu/64) + 1)%s", what,
		 k ? names : "none", overflow ? "at least " : "", count, n,
		 overflow ? " (counted in the first 256 of its syscalls)" : "", budget, n,
		 overflow || (size_t)count * 2 >= n ? ": one syscall per datagram? Batch them with sendmmsg/recvmmsg" : "");
	kata_expect_true(what[0] == 'w' ? "write-like syscalls within ceil(N/64) + 1" : "read-like syscalls within ceil(N/64) + 1",
			 count <= budget, count <= budget ? NULL : d);
}

static void compare(const char *where, const struct batch *b, size_t got_n, const uint16_t *len,
		    const unsigned char *const *data)
{
	char what[160];
	if (got_n != b->n) {
		snprintf(what, sizeof(what), "datagrams %s", where);
		kata_expect_i64(what, (long long)b->n, (long long)got_n);
	}
	size_t m = got_n < b->n ? got_n : b->n;
	for (size_t i = 0; i < m; i++)
		if (len[i] != b->len[i] || !data[i] || memcmp(data[i], b->data[i], b->len[i]) != 0) {
			/* Which sent datagram this one is, if any: a reordering or a repeat shows. */
			long was = -1;
			for (size_t j = 0; j < b->n && was < 0; j++)
				if (data[i] && len[i] == b->len[j] && memcmp(data[i], b->data[j], b->len[j]) == 0)
					was = (long)j;
			char d[200];
			if (was >= 0)
				snprintf(d, sizeof(d), "datagram %zu (of %zu) is the one sent as %ld: order matters", i, b->n, was);
			else
				snprintf(d, sizeof(d), "datagram %zu (of %zu): %u bytes, expected %u bytes%s", i, b->n, len[i],
					 b->len[i], len[i] == b->len[i] ? " (different contents)" : "");
			snprintf(what, sizeof(what), "datagrams %s, in order", where);
			kata_expect_true(what, 0, d);
			return;
		}
	snprintf(what, sizeof(what), "datagrams %s, in order", where);
	kata_expect_true(what, got_n == b->n, NULL);
}

static unsigned char wire[KATA_WIRE_MAX_BYTES];

static void send_case(void)
{
	static struct batch b;
	int js, as;
	udp_pair(&js, &as);
	long room = big_receive_buffer(js);
	make_batch(&b, room);
	size_t k = pack(&b, wire);
	kata_note("send_datagrams(connected UDP socket, %zu datagrams of 1-%d bytes); the judge's receive buffer: %ld bytes",
		  b.n, b.n > 512 ? 48 : MAX_SIZE, room);
	struct kata_args a = { .in = wire, .in_len = k, .fd = { as }, .nfd = 1 };
	const struct kata_reply *r = kata_call("send", &a);
	close(as);
	static unsigned char got[MAX_N + 1][MAX_SIZE + 1];
	static uint16_t len[MAX_N + 1];
	const unsigned char *ptr[MAX_N + 1];
	size_t n = 0;
	while (n <= MAX_N) {
		ssize_t m = recv(js, got[n], sizeof(got[n]), MSG_DONTWAIT);
		if (m < 0)
			break;
		len[n] = (uint16_t)m;
		ptr[n] = got[n];
		n++;
	}
	long drops = drops_of(js);
	close(js);
	if (drops > 0)
		kata_setup_failed("the judge's receive buffer overflowed (datagrams dropped)");
	compare("the judge received", &b, n, len, ptr);
	kata_expect_i64("return value (datagrams sent)", (long long)b.n, r->ret[0]);
	check_calls(r, b.n, kata_is_write_like, "write-like");
}

static void receive_case(void)
{
	static struct batch b;
	int js, as;
	udp_pair(&js, &as);
	long room = big_receive_buffer(as);
	make_batch(&b, room);
	for (size_t i = 0; i < b.n; i++)
		if (send(js, b.data[i], b.len[i], 0) != (ssize_t)b.len[i])
			kata_setup_failed("send() on the judge's socket");
	long drops = drops_of(as);
	close(js);
	if (drops != 0)
		kata_setup_failed(drops < 0 ? "no /proc/net/udp line for the agent's socket"
					    : "the agent's receive buffer overflowed before the call (datagrams dropped)");
	kata_note("recv_datagrams(UDP socket holding %zu datagrams of 1-%d bytes in a %ld-byte receive buffer, %zu buffers of "
		  "2048 bytes)", b.n, b.n > 512 ? 48 : MAX_SIZE, room, b.n);
	struct kata_args a = { .arg = { (int64_t)b.n }, .fd = { as }, .nfd = 1, .out_cap = sizeof(wire) };
	const struct kata_reply *r = kata_call("recv", &a);
	close(as);
	/* The agent's answer: u16 count, u16 lengths, payloads (what the learner's buffers held). */
	uint16_t len[MAX_N];
	const unsigned char *ptr[MAX_N];
	size_t n = 0;
	if (r->out_len >= 2) {
		uint16_t cnt;
		memcpy(&cnt, r->out, 2);
		size_t off = 2 + 2 * (size_t)cnt;
		if (cnt <= MAX_N && off <= r->out_len) {
			memcpy(len, r->out + 2, 2 * (size_t)cnt);
			for (n = 0; n < cnt; n++) {
				size_t take = len[n] > MAX_SIZE ? MAX_SIZE : len[n]; /* what the agent sends of each */
				ptr[n] = NULL; /* lengths always come back; a payload only while the reply has room */
				if (off + take <= r->out_len) {
					ptr[n] = r->out + off;
					off += take;
				}
			}
		}
	}
	kata_expect_i64("return value (datagrams received)", (long long)b.n, r->ret[0]);
	compare("recv_datagrams() received", &b, n, len, ptr);
	check_calls(r, b.n, kata_is_read_like, "read-like");
}

static void untraced_case(void)
{
	/* Both ways again, without the tracer in between. */
	receive_case();
	send_case();
}

const struct kata_case kata_cases[] = {
	{ "send", send_case, 0 },
	{ "receive", receive_case, 0 },
	{ "untraced", untraced_case, KATA_UNTRACED },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "send", "count-send" },
	{ "receive", "count-recv" },
	{ 0 },
};
