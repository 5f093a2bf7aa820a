/*
 * The shared harness: main(), the seeded generator, the results channel and
 * the batch timer. Linked into every kata program except the -nostdlib ones
 * (those use start-<arch>.S and report through their exit status alone).
 *
 * Usage (the runner's, not the learner's):
 *   prog cases <seed>
 *   prog bench <seed> <name> <epochs>
 *   prog count <seed> <name> <iterations>
 *
 * Records go to fd 3 when the runner opened it, else to stdout, so that a
 * learner can run the program by hand and read what it says.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL_VERSION 1
#define RESULTS_FD 3

static int results_fd = RESULTS_FD;

/* ---- results channel -------------------------------------------------- */

struct out {
	char buf[8192];
	size_t len;
};

static void out_raw(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - 2 - o->len)
		n = sizeof(o->buf) - 2 - o->len; /* truncate rather than overflow */
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_raw(o, s, strlen(s));
}

/* A JSON string literal; bytes >= 0x80 are escaped so the line stays valid UTF-8. */
static void out_json(struct out *o, const char *s, size_t n)
{
	out_raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			out_raw(o, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			out_raw(o, esc, 6);
		} else {
			out_raw(o, (const char *)&c, 1);
		}
	}
	out_raw(o, "\"", 1);
}

static void out_jstr(struct out *o, const char *s)
{
	out_json(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_raw(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* One record, one write(2): a crash can lose a record but never split one. */
static void out_send(struct out *o)
{
	o->buf[o->len++] = '\n';
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(results_fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3); /* the runner went away: nothing left to report to */
		off += (size_t)n;
	}
	o->len = 0;
}

static const char *current_case = "";

static void record_begin(struct out *o, const char *type)
{
	o->len = 0;
	out_str(o, "{\"t\":");
	out_jstr(o, type);
}

static void record_case_field(struct out *o)
{
	out_str(o, ",\"case\":");
	out_jstr(o, current_case);
}

/* ---- observations ----------------------------------------------------- */

void kata_expect_i64(const char *what, long long expected, long long got)
{
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_fmt(&o, ",\"kind\":\"i64\",\"expected\":\"%lld\",\"got\":\"%lld\"}", expected, got);
	out_send(&o);
}

static void out_hex(struct out *o, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	out_raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char pair[2] = { digits[b[i] >> 4], digits[b[i] & 15] };
		out_raw(o, pair, 2);
	}
	out_raw(o, "\"", 1);
}

void kata_expect_bytes(const char *what, const void *expected, size_t expected_len,
		       const void *got, size_t got_len)
{
	/* Long buffers are compared here and summarised, so records stay small. */
	enum { SHOWN = 1024 };
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_str(&o, ",\"kind\":\"bytes\"");
	if (expected_len <= SHOWN && got_len <= SHOWN) {
		out_str(&o, ",\"expected\":");
		out_hex(&o, expected, expected_len);
		out_str(&o, ",\"got\":");
		out_hex(&o, got, got_len);
	} else {
		size_t first_diff = 0;
		size_t common = expected_len < got_len ? expected_len : got_len;
		while (first_diff < common &&
		       ((const unsigned char *)expected)[first_diff] ==
			       ((const unsigned char *)got)[first_diff])
			first_diff++;
		int same = expected_len == got_len && first_diff == common;
		out_fmt(&o, ",\"expected\":\"%zu bytes\",\"got\":\"%zu bytes%s\"", expected_len,
			got_len, same ? "" : " (different)");
		if (!same)
			out_fmt(&o, ",\"detail\":\"first difference at byte %zu\"", first_diff);
	}
	out_str(&o, "}");
	out_send(&o);
}

void kata_expect_true(const char *what, int ok, const char *detail)
{
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_str(&o, ",\"kind\":\"bool\",\"expected\":\"true\",\"got\":");
	out_jstr(&o, ok ? "true" : "false");
	if (detail) {
		out_str(&o, ",\"detail\":");
		out_jstr(&o, detail);
	}
	out_str(&o, "}");
	out_send(&o);
}

void kata_note(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct out o;
	record_begin(&o, "note");
	record_case_field(&o);
	out_str(&o, ",\"text\":");
	out_jstr(&o, text);
	out_str(&o, "}");
	out_send(&o);
}

/* ---- seeded generator (splitmix64: tiny, good enough for test inputs) -- */

static uint64_t rng_state;

uint64_t kata_rand(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t kata_rand_range(uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;
	return span == 0 ? kata_rand() : lo + kata_rand() % span;
}

void kata_rand_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)kata_rand();
}

/* ---- batch timer ------------------------------------------------------ */

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct epoch {
	double wall_ns_per_call;
	double cpu_ns_per_call;
};

static struct epoch time_epoch(kata_loop_fn fn, uint64_t iters)
{
	uint64_t w0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	fn(iters);
	uint64_t c1 = now_ns(CLOCK_THREAD_CPUTIME_ID), w1 = now_ns(CLOCK_MONOTONIC);
	struct epoch e = { (double)(w1 - w0) / (double)iters, (double)(c1 - c0) / (double)iters };
	return e;
}

/* Grow the batch until one epoch lasts at least 1 ms, so timer resolution
 * and call overhead of the clock itself vanish in the batch. */
static uint64_t calibrate(kata_loop_fn fn)
{
	const uint64_t min_epoch_ns = 1000000;
	uint64_t iters = 1;
	for (;;) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);
		fn(iters);
		uint64_t spent = now_ns(CLOCK_MONOTONIC) - t0;
		if (spent >= min_epoch_ns || iters >= (1ull << 32))
			return iters;
		/* aim a little past the target so the next try usually lands */
		uint64_t next = spent ? (uint64_t)((double)iters * 1.4 * (double)min_epoch_ns / (double)spent)
				      : iters * 16;
		iters = next > iters * 16 ? iters * 16 : (next <= iters ? iters * 2 : next);
	}
}

static void out_epochs(struct out *o, const char *key, const struct epoch *e, int n, int cpu)
{
	out_fmt(o, ",\"%s\":[", key);
	for (int i = 0; i < n; i++)
		out_fmt(o, "%s%.3f", i ? "," : "", cpu ? e[i].cpu_ns_per_call : e[i].wall_ns_per_call);
	out_str(o, "]");
}

static int run_bench(const struct kata_bench *b, int epochs)
{
	enum { MAX_EPOCHS = 64 };
	struct epoch learner[MAX_EPOCHS], reference[MAX_EPOCHS];
	if (epochs < 1 || epochs > MAX_EPOCHS)
		epochs = 11;
	uint64_t li = calibrate(b->learner);
	uint64_t ri = calibrate(b->reference);
	time_epoch(b->learner, li); /* warm-up: caches, branch predictors, page faults */
	time_epoch(b->reference, ri);
	for (int i = 0; i < epochs; i++) { /* A B A B: drift lands on both */
		learner[i] = time_epoch(b->learner, li);
		reference[i] = time_epoch(b->reference, ri);
	}
	struct out o;
	record_begin(&o, "bench");
	out_str(&o, ",\"name\":");
	out_jstr(&o, b->name);
	out_fmt(&o, ",\"learnerIters\":%" PRIu64 ",\"referenceIters\":%" PRIu64, li, ri);
	out_epochs(&o, "learnerWallNs", learner, epochs, 0);
	out_epochs(&o, "learnerCpuNs", learner, epochs, 1);
	out_epochs(&o, "referenceWallNs", reference, epochs, 0);
	out_epochs(&o, "referenceCpuNs", reference, epochs, 1);
	out_str(&o, "}");
	out_send(&o);
	return 0;
}

/* ---- main ------------------------------------------------------------- */

static void hello(const char *mode)
{
	struct out o;
	record_begin(&o, "hello");
	out_fmt(&o, ",\"v\":%d,\"mode\":", PROTOCOL_VERSION);
	out_jstr(&o, mode);
#if defined(__x86_64__)
	out_str(&o, ",\"arch\":\"x86_64\"}");
#elif defined(__aarch64__)
	out_str(&o, ",\"arch\":\"aarch64\"}");
#else
	out_str(&o, ",\"arch\":\"other\"}");
#endif
	out_send(&o);
}

static void done(void)
{
	struct out o;
	current_case = "";
	record_begin(&o, "done");
	out_str(&o, "}");
	out_send(&o);
}

static void mark(const char *type, const char *name)
{
	struct out o;
	current_case = name;
	record_begin(&o, type);
	record_case_field(&o);
	out_str(&o, "}");
	out_send(&o);
}

static int usage(void)
{
	fprintf(stderr, "usage: prog cases <seed> | bench <seed> <name> <epochs> | count <seed> <name> <iterations>\n"
			"(the runner calls this; `syscall-katas check <id>` is the way to check a kata)\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (fcntl(RESULTS_FD, F_GETFD) < 0)
		results_fd = STDOUT_FILENO; /* run by hand: print the records */
	if (argc < 3)
		return usage();
	rng_state = strtoull(argv[2], NULL, 0);
	/* stdout is the learner's: keep their printf output apart from ours */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(argv[1], "cases") == 0) {
		hello("cases");
		for (const struct kata_case *c = kata_cases; c->name; c++) {
			mark("begin", c->name);
			c->run();
			mark("end", c->name);
		}
		done();
		return 0;
	}
	if (strcmp(argv[1], "bench") == 0 && argc >= 5) {
		hello("bench");
		for (const struct kata_bench *b = kata_benches; b->name; b++) {
			if (strcmp(b->name, argv[3]) != 0)
				continue;
			run_bench(b, atoi(argv[4]));
			done();
			return 0;
		}
		fprintf(stderr, "no bench named %s\n", argv[3]);
		return 2;
	}
	if (strcmp(argv[1], "count") == 0 && argc >= 5) {
		hello("count");
		for (const struct kata_count *c = kata_counts; c->name; c++) {
			if (strcmp(c->name, argv[3]) != 0)
				continue;
			fflush(stdout);
			c->run(strtoull(argv[4], NULL, 0));
			done();
			return 0;
		}
		fprintf(stderr, "no counting run named %s\n", argv[3]);
		return 2;
	}
	return usage();
}
