/*
 * Driver for batch-writev: send_message() sends a header, a body and a
 * trailer, three buffers apart, as one message with one writev(2) and no
 * other write. The judge passes a pipe ("pipe", "big-body") or a file
 * ("file"), reads back what arrived, and checks in the trace of each call
 * that the kernel saw exactly one writev, to that descriptor, and nothing
 * else that writes. In "big-body" the body is many times the pipe's
 * buffer: a thread of the judge's drains the pipe while the writev sleeps
 * in the kernel, which goes on until the whole message is in (a blocking
 * pipe, no signals: no short write here; that is batch-short-writes).
 * The benches time messages into /dev/null against the judge's own
 * writev and against three write(2) calls per message.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- one message ---------------------------------------------------------- */

struct message {
	size_t hl, bl, tl;
	unsigned char bytes[KATA_WIRE_MAX_BYTES]; /* header, body, trailer */
};

static struct message M;

/* Random parts, each empty now and then, never all three. */
static void make_message(struct message *m, size_t body_lo, size_t body_hi)
{
	do {
		m->hl = kata_rand_range(0, 3) ? kata_rand_range(1, 64) : 0;
		m->bl = kata_rand_range(0, 3) ? kata_rand_range(body_lo, body_hi) : 0;
		m->tl = kata_rand_range(0, 3) ? kata_rand_range(1, 32) : 0;
	} while (m->hl + m->bl + m->tl == 0);
	kata_rand_bytes(m->bytes, m->hl + m->bl + m->tl);
}

/* The call: ret[0] = send_message()'s answer, ret[1] = its errno. */
static const struct kata_reply *send_one(int fd, const struct message *m)
{
	struct kata_args a = { .arg = { (int64_t)m->hl, (int64_t)m->bl, (int64_t)m->tl },
			       .in = m->bytes,
			       .in_len = m->hl + m->bl + m->tl,
			       .fd = { fd },
			       .nfd = 1 };
	const struct kata_reply *r = kata_call("message", &a);
	if (r->ret[0] == -2)
		kata_setup_failed("the agent's copy of the message");
	return r;
}

/* What the kernel saw: one writev, to the descriptor given, with an iovec
 * per part at most, and nothing else that writes. */
static void expect_one_writev(const struct kata_reply *r, const struct message *m, int index)
{
	char what[96], detail[400];
	size_t total = m->hl + m->bl + m->tl;
	snprintf(what, sizeof(what), "message %d: send_message() return value (bytes written)", index);
	kata_expect_i64(what, (long long)total, r->ret[0] < 0 ? -r->ret[1] : r->ret[0]);
	if (!r->traced)
		return;
	long writevs = 0, others = 0, other_nr = -1, fd = -1, iovcnt = -1;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *sc = &r->sc[i];
		if (sc->compat || !kata_is_write_like(sc->nr) || (long)sc->arg[0] == KATA_AGENT_CHANNEL_FD)
			continue;
		if (sc->nr == SYS_writev) {
			if (!writevs++) {
				fd = (long)sc->arg[0];
				iovcnt = (long)sc->arg[2];
			}
		} else {
			others++;
			other_nr = sc->nr;
		}
	}
	const char *other = other_nr >= 0 ? kata_syscall_name(other_nr, 0) : "write";
	long unseen = r->nsc_total > r->nsc ? r->nsc_total - r->nsc : 0;
	if (writevs == 1 && others == 0 && unseen == 0)
		detail[0] = 0;
	else if (writevs == 0 && others >= 2)
		snprintf(detail, sizeof(detail),
			 "%s: %ld calls and no writev for one message of %zu + %zu + %zu bytes: one syscall per part; "
			 "one writev with an iovec per part sends them together",
			 other, others, m->hl, m->bl, m->tl);
	else if (writevs == 0 && others == 1)
		snprintf(detail, sizeof(detail),
			 "one %s and no writev: copying the parts into one buffer sends them in one syscall, but copies "
			 "every byte once more; writev gathers them from where they are",
			 other);
	else if (writevs == 0)
		snprintf(detail, sizeof(detail), "no writev (and no other write) for a message of %zu bytes", total);
	else
		snprintf(detail, sizeof(detail), "writev: %ld calls, %s: %ld calls%s for one message: one writev is enough",
			 writevs, other, others, unseen ? " (and more untraced)" : "");
	snprintf(what, sizeof(what), "message %d: exactly one writev, and no other write", index);
	kata_expect_true(what, detail[0] == 0, detail);
	if (writevs == 1) {
		snprintf(what, sizeof(what), "message %d: writev's descriptor", index);
		kata_expect_i64(what, KATA_AGENT_FD_BASE, fd);
		/* An iovec per non-empty part at least: fewer means the parts were copied together first. */
		long parts = (m->hl > 0) + (m->bl > 0) + (m->tl > 0);
		snprintf(what, sizeof(what), "message %d: writev's iovcnt (an iovec per part)", index);
		if (iovcnt < parts)
			snprintf(detail, sizeof(detail),
				 "iovcnt %ld for %ld non-empty parts: the parts were copied into fewer buffers first, every "
				 "byte once more; writev gathers them from where they are",
				 iovcnt, parts);
		else
			snprintf(detail, sizeof(detail), "iovcnt %ld for three parts", iovcnt);
		kata_expect_true(what, iovcnt >= parts && iovcnt >= 1 && iovcnt <= 3, detail);
	}
}

static unsigned char got[16 * KATA_WIRE_MAX_BYTES];

#define MESSAGES 12

/* Messages one by one into a pipe; the judge reads each back before the next. */
static void pipe_messages(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	kata_note("%d messages into a pipe, each a header (0-64 bytes), a body (0-3000) and a trailer (0-32); "
		  "any part may be empty", MESSAGES);
	for (int i = 1; i <= MESSAGES; i++) {
		make_message(&M, 1, 3000);
		const struct kata_reply *r = send_one(fds[1], &M);
		size_t n = kata_drain(fds[0], got, 0, sizeof(got));
		char what[96];
		snprintf(what, sizeof(what), "message %d (%zu + %zu + %zu bytes), read back from the pipe", i, M.hl, M.bl, M.tl);
		kata_expect_bytes(what, M.bytes, M.hl + M.bl + M.tl, got, n);
		expect_one_writev(r, &M, i);
	}
	close(fds[0]);
	close(fds[1]);
}

/* Messages into a file; the judge reads the file when they are all sent. */
static void file_messages(void)
{
	static unsigned char want[MESSAGES * 4096];
	size_t wlen = 0;
	int fd = memfd_create("batch-writev", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_note("%d messages into a file, one after the other", MESSAGES);
	for (int i = 1; i <= MESSAGES; i++) {
		make_message(&M, 1, 4000);
		size_t len = M.hl + M.bl + M.tl;
		memcpy(want + wlen, M.bytes, len);
		wlen += len;
		const struct kata_reply *r = send_one(fd, &M);
		expect_one_writev(r, &M, i);
	}
	ssize_t n = pread(fd, got, sizeof(got), 0);
	close(fd);
	kata_expect_bytes("the file, read back after the last message", want, wlen, got, n < 0 ? 0 : (size_t)n);
}

/* ---- a body many times the pipe's buffer --------------------------------------- */

static struct drainer {
	int fd;
	volatile int stop;
	size_t len;
} D;

/* The reader at the other end: takes what comes until told to stop. */
static void *drainer(void *unused)
{
	(void)unused;
	while (!D.stop) {
		struct pollfd p = { D.fd, POLLIN, 0 };
		if (poll(&p, 1, 20) > 0)
			D.len = kata_drain(D.fd, got, D.len, sizeof(got));
	}
	D.len = kata_drain(D.fd, got, D.len, sizeof(got));
	return NULL;
}

static void big_body(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fcntl(fds[0], F_SETPIPE_SZ, 4096);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	long cap = fcntl(fds[0], F_GETPIPE_SZ);
	do
		make_message(&M, 40000, KATA_WIRE_MAX_BYTES - 96);
	while (M.bl == 0);
	kata_note("one message of %zu + %zu + %zu bytes into a pipe that holds %ld; the judge reads while it is written",
		  M.hl, M.bl, M.tl, cap);
	memset(&D, 0, sizeof(D));
	D.fd = fds[0];
	kata_agent_pid();
	pthread_t th;
	if (pthread_create(&th, NULL, drainer, NULL) != 0)
		kata_setup_failed("pthread_create()");
	const struct kata_reply *r = send_one(fds[1], &M);
	D.stop = 1;
	pthread_join(th, NULL);
	close(fds[0]);
	close(fds[1]);
	kata_expect_bytes("the message, read back from the pipe", M.bytes, M.hl + M.bl + M.tl, got, D.len);
	expect_one_writev(r, &M, 1);
}

/* ---- the benches ----------------------------------------------------------------- */

static unsigned char ref_hdr[24] = "HDR:0123456789abcdefghi", ref_body[900], ref_trl[8] = "\r\n.END\r";

static int null_fd = -1;

/* The benches' set-up: /dev/null, opened before anything is timed. */
static void open_null(void)
{
	null_fd = kata_dev_null();
}

/* The judge's own: one writev per message, the agent loop's sizes. */
static void reference_writev(uint64_t iters)
{
	int fd = null_fd;
	for (uint64_t i = 0; i < iters; i++) {
		struct iovec iov[3] = { { ref_hdr, sizeof(ref_hdr) }, { ref_body, (i & 3) * 300 }, { ref_trl, sizeof(ref_trl) } };
		kata_sink(writev(fd, iov, 3));
	}
}

/* The loop the kata replaces: a write per part. */
static void reference_three_writes(uint64_t iters)
{
	int fd = null_fd;
	for (uint64_t i = 0; i < iters; i++) {
		kata_sink(write(fd, ref_hdr, sizeof(ref_hdr)));
		kata_sink(write(fd, ref_body, (i & 3) * 300));
		kata_sink(write(fd, ref_trl, sizeof(ref_trl)));
	}
}


/* The bytes of `n` messages of the loop: 24 + 8 each, and a body of
 * 300 * (i % 4) for message i. */
static long long loop_bytes(uint64_t n)
{
	long long b = 32 * (long long)n + (long long)(n / 4) * 1800;
	for (uint64_t i = 0; i < n % 4; i++)
		b += (long long)i * 300;
	return b;
}

/*
 * Every timed call sent every message whole, as the kernel counts bytes:
 * what it wrote since the last call's reading (the judge checks after the
 * timing, so reading /proc costs no figure anything).
 */
static const char *check_sent(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static long long last = -1;
	static char why[300];
	(void)ret, (void)before_ns, (void)after_ns;
	if (kata_emulated())
		return NULL;
	long long now = kata_agent_written(), prev = last, want = loop_bytes(iters);
	last = now;
	if (now < 0 || prev < 0 || now - prev == want)
		return NULL;
	snprintf(why, sizeof(why),
		 "while timed, %llu messages of %lld bytes in all made the kernel take %lld bytes (its count, "
		 "/proc/<pid>/io): every message must go out whole",
		 (unsigned long long)iters, want, now - prev);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "pipe", pipe_messages, 0 },
	{ "file", file_messages, 0 },
	{ "big-body", big_body, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "writev", "message-loop", reference_writev, open_null, check_sent },
	{ "three-writes", "message-loop", reference_three_writes, open_null, check_sent },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "messages", "message-loop", NULL },
	{ 0 },
};
