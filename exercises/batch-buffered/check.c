/*
 * Driver for batch-buffered: the learner's out_byte()/out_str()/out_flush()
 * over a buffer of their own, and in_read(), which flushes before it reads.
 *
 * The judge encodes a random stream of small records (keys, values, raw
 * bytes 0-255), the agent replays it through the learner's functions into
 * a pipe the judge holds, and the judge reads back what arrived: byte for
 * byte its own copy, in at most ceil(bytes / 4096) + 1 write-like syscalls,
 * all to that pipe (counted from the trace of the call). In "prompt" the
 * judge answers each prompt only once it has arrived (a thread of the
 * judge's reads the pipe while the agent runs): output still in the buffer
 * while in_read() waits is a program whose user never sees the question.
 * The benches time one out_byte() per byte into /dev/null against the
 * judge's own buffered writer and against one write(2) per byte.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

/* ---- the record stream --------------------------------------------------- */

struct stream {
	unsigned char enc[KATA_WIRE_MAX_BYTES]; /* what the agent replays */
	size_t enc_len;
	unsigned char want[KATA_WIRE_MAX_BYTES]; /* what must come out */
	size_t want_len;
	size_t ops;
};

static struct stream S;

static int put_byte(struct stream *s, unsigned char b)
{
	if (s->enc_len + 2 > sizeof(s->enc))
		return 0;
	s->enc[s->enc_len++] = 'b';
	s->enc[s->enc_len++] = b;
	s->want[s->want_len++] = b;
	s->ops++;
	return 1;
}

static int put_str(struct stream *s, const char *str, size_t n)
{
	if (s->enc_len + n + 2 > sizeof(s->enc))
		return 0;
	s->enc[s->enc_len++] = 's';
	memcpy(s->enc + s->enc_len, str, n);
	s->enc_len += n;
	s->enc[s->enc_len++] = 0;
	memcpy(s->want + s->want_len, str, n);
	s->want_len += n;
	s->ops++;
	return 1;
}

static void random_text(char *out, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[kata_rand_range(0, k - 1)];
}

/* One record, all or nothing; 0 when the encoding has no room left. */
static int put_record(struct stream *s)
{
	size_t enc_len = s->enc_len, want_len = s->want_len, ops = s->ops;
	char text[64];
	int ok = 1;
	switch (kata_rand_range(0, 7)) {
	case 6: /* raw bytes, any value: 0, 0xff, '\n', signed-char traps */
		for (uint64_t i = kata_rand_range(1, 8); i > 0 && ok; i--)
			ok = put_byte(s, (unsigned char)kata_rand_range(0, 255));
		break;
	case 7: /* an empty string between two bytes */
		ok = put_byte(s, '[') && put_str(s, "", 0) && put_byte(s, ']');
		break;
	default: { /* key=value\n */
		size_t kn = kata_rand_range(1, 16);
		random_text(text, kn, "abcdefghijklmnopqrstuvwxyz_");
		ok = put_str(s, text, kn) && put_byte(s, '=');
		if (ok && kata_rand_range(0, 1)) {
			for (uint64_t d = kata_rand_range(1, 10); d > 0 && ok; d--)
				ok = put_byte(s, (unsigned char)('0' + kata_rand_range(0, 9)));
		} else if (ok) {
			size_t vn = kata_rand_range(1, 48);
			random_text(text, vn, " !#$%&()*+,-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz~");
			ok = put_str(s, text, vn);
		}
		ok = ok && put_byte(s, '\n');
	}
	}
	if (!ok) {
		s->enc_len = enc_len;
		s->want_len = want_len;
		s->ops = ops;
	}
	return ok;
}

/* Records until `target` bytes would come out (or the encoding is full),
 * then single bytes up to exactly `target` when `exact`. */
static void make_stream(struct stream *s, size_t target, int exact)
{
	s->enc_len = s->want_len = s->ops = 0;
	while (s->want_len + 64 < target && put_record(s))
		;
	while (s->want_len < target && (exact || s->want_len + 8 < target))
		if (!put_byte(s, (unsigned char)kata_rand_range(0, 255)))
			break;
}

/* ---- reading what arrived ----------------------------------------------- */

/* A pipe whose read end does not block, room for 1 MiB in it. */
static void big_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	if (fcntl(fds[0], F_SETPIPE_SZ, 1 << 20) < 0)
		kata_setup_failed("F_SETPIPE_SZ");
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

/* ---- what the kernel saw ------------------------------------------------- */

/* At most ceil(bytes / 4096) + 1 write-like syscalls in the call, every
 * one to the descriptor given to out_init() (the agent's fd[0]). */
static void expect_writes(const struct kata_reply *r, size_t bytes)
{
	if (!r->traced) {
		kata_note("under emulation the call is not traced: the counting run counts the writes");
		return;
	}
	long n = 0, astray = 0, astray_fd = -1;
	long per[16][2];
	int kinds = 0;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *sc = &r->sc[i];
		if (sc->compat || !kata_is_write_like(sc->nr) || (long)sc->arg[0] == KATA_AGENT_CHANNEL_FD)
			continue;
		n++;
		if ((long)sc->arg[0] != KATA_AGENT_FD_BASE) {
			astray++;
			astray_fd = (long)sc->arg[0];
		}
		int k = 0;
		while (k < kinds && per[k][0] != sc->nr)
			k++;
		if (k == kinds && kinds < 16) {
			per[kinds][0] = sc->nr;
			per[kinds++][1] = 0;
		}
		if (k < kinds)
			per[k][1]++;
	}
	/* Beyond the first KATA_MAX_TRACED syscalls the trace keeps only a total:
	 * the rest are counted as writes (what else would a buffer make?). */
	long unseen = r->nsc_total > r->nsc ? r->nsc_total - r->nsc : 0;
	long total = n + unseen;
	long budget = (long)((bytes + BLOCK - 1) / BLOCK) + 1;
	/* Beyond the traced ones, a lone kind of write takes the rest. */
	if (kinds == 1)
		per[0][1] += unseen;
	char names[256] = "", detail[512], what[160];
	size_t used = 0;
	for (int k = 0; k < kinds && used < sizeof(names); k++) {
		const char *nm = kata_syscall_name(per[k][0], 0);
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s %ld", k ? ", " : "", nm ? nm : "?",
					 per[k][1]);
	}
	if (unseen && kinds != 1 && used < sizeof(names))
		snprintf(names + used, sizeof(names) - used, "%s%ld untraced", kinds ? ", " : "", unseen);
	kata_note("%zu bytes out in %ld write-like syscall%s (%s); budget ceil(%zu / %d) + 1 = %ld", bytes, total,
		  total == 1 ? "" : "s", total ? names : "none", bytes, BLOCK, budget);
	snprintf(what, sizeof(what), "write-like syscalls for %zu bytes: at most ceil(%zu / %d) + 1 = %ld", bytes, bytes,
		 BLOCK, budget);
	const char *why = total >= (long)bytes && bytes > 1 ? ": one write per byte?"
			  : total > budget ? ": write only when the buffer is full (4096 bytes or more), and once more when flushed"
					   : "";
	if (kinds == 1)
		snprintf(detail, sizeof(detail), "%s: %ld calls, budget <= %ld%s", kata_syscall_name(per[0][0], 0), total,
			 budget, why);
	else
		snprintf(detail, sizeof(detail), "%ld calls (%s), budget <= %ld%s", total, names, budget, why);
	kata_expect_true(what, total <= budget, detail);
	if (astray) {
		snprintf(detail, sizeof(detail), "%ld write-like syscall%s went to fd %ld, not to the descriptor out_init() was given (%d)",
			 astray, astray == 1 ? "" : "s", astray_fd, KATA_AGENT_FD_BASE);
		kata_expect_true("every write goes to the descriptor given to out_init()", 0, detail);
	}
}

/* ---- the record cases ------------------------------------------------------ */

static unsigned char got[KATA_WIRE_MAX_BYTES + 4096];

static void emit(size_t target, int exact, const char *what)
{
	make_stream(&S, target, exact);
	int fds[2];
	big_pipe(fds);
	kata_note("%s: %zu out_byte()/out_str() calls, %zu bytes, then out_flush()", what, S.ops, S.want_len);
	struct kata_args a = { .in = S.enc, .in_len = S.enc_len, .fd = { fds[1] }, .nfd = 1 };
	const struct kata_reply *r = kata_call("emit", &a);
	close(fds[1]);
	size_t n = kata_drain(fds[0], got, 0, sizeof(got));
	close(fds[0]);
	if (r->ret[1] != 0 || r->ret[0] != (int64_t)S.ops)
		kata_setup_failed("the agent's replay of the records");
	kata_expect_bytes("bytes read back from the pipe", S.want, S.want_len, got, n);
	expect_writes(r, S.want_len);
}

/* Tens of KiB of records: many full buffers. */
static void records(void)
{
	emit(kata_rand_range(60000, 80000), 0, "records");
}

/* Less than one buffer: one write, at the flush. */
static void few_bytes(void)
{
	emit(kata_rand_range(1, 300), 0, "a few records");
}

/* Exactly 4096 * m - 1, 4096 * m or 4096 * m + 1 bytes: the edges of a full buffer. */
static void page_edges(void)
{
	size_t m = kata_rand_range(1, 3);
	size_t target = BLOCK * m + kata_rand_range(0, 2) - 1;
	emit(target, 1, "records up to a buffer's edge");
}

/* Nothing to write: out_flush() alone. */
static void nothing(void)
{
	emit(0, 1, "no records");
}

/* ---- the conversation ------------------------------------------------------ */

#define ROUNDS 3

static struct talk {
	int out_rd, in_wr;
	int wait_ms;
	size_t prefix[ROUNDS];       /* bytes that come before answer i */
	char answer[ROUNDS][48];
	size_t answer_len[ROUNDS];
	unsigned char got[8192];
	size_t got_len;
	size_t seen[ROUNDS];         /* what had arrived when the judge answered */
	long waited_ms[ROUNDS];
	int arrived[ROUNDS];
} T;

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The judge's other thread: the user at the terminal. It answers prompt i
 * when the output so far has reached it, or gives up waiting and answers
 * anyway (so that the agent goes on), noting that it never saw it. */
static void *talker(void *unused)
{
	(void)unused;
	int missed = 0;
	for (int i = 0; i < ROUNDS; i++) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		long limit = missed ? 200 : T.wait_ms, waited = 0;
		while ((T.got_len = kata_drain(T.out_rd, T.got, T.got_len, sizeof(T.got))) < T.prefix[i]) {
			waited = ms_since(&t0);
			if (waited >= limit)
				break;
			struct pollfd p = { T.out_rd, POLLIN, 0 };
			if (poll(&p, 1, (int)(limit - waited)) > 0 && (p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN))
				break; /* the agent is gone */
		}
		T.waited_ms[i] = ms_since(&t0);
		T.seen[i] = T.got_len;
		T.arrived[i] = T.got_len >= T.prefix[i];
		missed |= !T.arrived[i];
		if (write(T.in_wr, T.answer[i], T.answer_len[i]) < 0)
			break;
	}
	return NULL;
}

static void prompt(void)
{
	static const char *asks[] = { "name", "quest", "colour", "port", "user", "host", "file", "seed" };
	char prompts[ROUNDS * 40];
	size_t plen = 0;
	unsigned char want[sizeof(T.got)];
	size_t wlen = 0;
	memset(&T, 0, sizeof(T));
	for (int i = 0; i < ROUNDS; i++) {
		int n = snprintf(prompts + plen, 40, "%s %d? ", asks[kata_rand_range(0, 7)], i + 1);
		memcpy(want + wlen, prompts + plen, (size_t)n);
		wlen += (size_t)n;
		plen += (size_t)n + 1;
		T.prefix[i] = wlen;
		size_t an = kata_rand_range(1, 30);
		random_text(T.answer[i], an, "abcdefghijklmnopqrstuvwxyz0123456789 ");
		T.answer[i][an++] = '\n';
		T.answer_len[i] = an;
		memcpy(want + wlen, "you said: ", 10);
		wlen += 10;
		memcpy(want + wlen, T.answer[i], an);
		wlen += an;
	}
	int out[2], in[2];
	big_pipe(out);
	if (pipe2(in, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	T.out_rd = out[0];
	T.in_wr = in[1];
	T.wait_ms = kata_emulated() ? 4000 : 1500;
	kata_note("%d rounds: a prompt (out_str), in_read() for the answer, the answer echoed; the judge answers only "
		  "once the prompt has reached it (waiting up to %d ms)",
		  ROUNDS, T.wait_ms);
	kata_agent_pid(); /* the agent starts before the judge's user starts waiting */
	pthread_t th;
	if (pthread_create(&th, NULL, talker, NULL) != 0)
		kata_setup_failed("pthread_create()");
	struct kata_args a = { .arg = { ROUNDS }, .in = prompts, .in_len = plen, .fd = { out[1], in[0] }, .nfd = 2 };
	const struct kata_reply *r = kata_call("dialogue", &a);
	pthread_join(th, NULL);
	close(out[1]);
	close(in[0]);
	T.got_len = kata_drain(out[0], T.got, T.got_len, sizeof(T.got));
	close(out[0]);
	close(in[1]);
	for (int i = 0; i < ROUNDS; i++) {
		char what[96], detail[400];
		snprintf(what, sizeof(what), "prompt %d had reached the judge before it answered", i + 1);
		snprintf(detail, sizeof(detail),
			 "after waiting %ld ms the judge had %zu of the %zu bytes that come before answer %d: "
			 "the prompt was still in your buffer while in_read() waited for the answer (flush before you read)",
			 T.waited_ms[i], T.seen[i], T.prefix[i], i + 1);
		kata_expect_true(what, T.arrived[i], detail);
	}
	if (r->ret[0] != ROUNDS)
		kata_expect_i64("in_read() answer (bytes read)", (long long)T.answer_len[r->ret[0]], r->ret[1]);
	kata_expect_bytes("the whole conversation, read back from the pipe", want, wlen, T.got, T.got_len);
}

/* ---- the benches -------------------------------------------------------------- */

/* The judge's own buffered writer: the same interface, a 4096-byte
 * buffer, called through a pointer so that each byte is a real call, as
 * the learner's out_byte() is in the timed loop. */
static unsigned char ref_buf[BLOCK];
static size_t ref_len;
static int ref_fd;

__attribute__((noipa)) static void ref_flush(void)
{
	size_t off = 0;
	while (off < ref_len) {
		ssize_t n = write(ref_fd, ref_buf + off, ref_len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	ref_len = 0;
}

__attribute__((noipa)) static void ref_byte(int c)
{
	if (ref_len == sizeof(ref_buf))
		ref_flush();
	ref_buf[ref_len++] = (unsigned char)c;
}

static void (*volatile ref_byte_p)(int) = ref_byte;

/* The benches' set-up: /dev/null, opened before anything is timed. */
static void open_null(void)
{
	ref_fd = kata_dev_null();
}

static void reference_buffered(uint64_t iters)
{
	void (*put)(int) = ref_byte_p;
	for (uint64_t i = 0; i < iters; i++)
		put((unsigned char)i);
	ref_flush();
}

/* The loop the kata replaces: one write(2) per byte. */
static void reference_per_byte(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		unsigned char c = (unsigned char)i;
		kata_sink(write(ref_fd, &c, 1));
	}
}


/*
 * Each timed call of the loop must have written every byte it was given:
 * the kernel's count of bytes written grows by exactly the iterations since
 * the last call's reading (the judge checks after the timing, so reading
 * /proc costs no figure anything).
 */
static const char *check_written(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static long long last = -1;
	static char why[300];
	(void)ret, (void)before_ns, (void)after_ns;
	if (kata_emulated())
		return NULL;
	long long now = kata_agent_written(), prev = last, want = (long long)iters;
	last = now;
	if (now < 0 || prev < 0 || now - prev == want)
		return NULL;
	snprintf(why, sizeof(why),
		 "while timed, %lld out_byte() calls, each loop ended by out_flush(), wrote %lld bytes (the kernel's "
		 "count, /proc/<pid>/io): every byte must reach the descriptor",
		 want, now - prev);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "records", records, 0 },
	{ "few-bytes", few_bytes, 0 },
	{ "page-edges", page_edges, 0 },
	{ "nothing", nothing, 0 },
	{ "prompt", prompt, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "buffered", "bytes-loop", reference_buffered, open_null, check_written },
	{ "per-byte", "bytes-loop", reference_per_byte, open_null, check_written },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "bytes", "bytes-loop", NULL },
	{ 0 },
};
