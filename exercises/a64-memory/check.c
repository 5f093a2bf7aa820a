/*
 * Driver for a64-memory: the learner's static inline raw_read() is inlined
 * into the probes of agent.c (the same unit, compiled at -O2), where the
 * optimiser acts on exactly what their asm statement tells it. An asm
 * statement that hides something from the compiler is then not merely
 * "technically wrong": the compiler's beliefs show up in the values the
 * agent sends back (see agent.c for what each case provokes).
 *
 * Oracles: the judge filled each pipe itself and knows its bytes.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Puts `len` bytes in a fresh pipe and returns the read end. */
static int pipe_with(const void *data, size_t len)
{
	int fds[2];
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	if (write(fds[1], data, len) != (ssize_t)len)
		kata_setup_failed("write() into the pipe");
	close(fds[1]);
	return fds[0];
}

static const struct kata_reply *call_with_pipe(const char *name, int fd, int64_t a0, int64_t a1, size_t out_cap)
{
	struct kata_args a = { .arg = { a0, a1 }, .out_cap = out_cap, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call(name, &a);
	close(fd);
	return r;
}

static void pipe_read(void)
{
	unsigned char sent[512];
	size_t len = kata_rand_range(1, sizeof(sent));
	kata_rand_bytes(sent, len);
	int fd = pipe_with(sent, len);
	kata_note("raw_read(pipe holding %zu random bytes, buf, %zu)", len, sizeof(sent));
	const struct kata_reply *r = call_with_pipe("pipe-read", fd, 0, 0, sizeof(sent));
	kata_expect_i64("return value (bytes read)", (long long)len, r->ret[0]);
	kata_expect_bytes("bytes read", sent, len, r->out, r->out_len);
}

static void fresh_word(void)
{
	uint64_t sent = kata_rand();
	int fd = pipe_with(&sent, sizeof(sent));
	kata_note("a uint64_t holding 0x%016llx, overwritten by raw_read(pipe, &word, 8)",
		  (unsigned long long)~sent);
	const struct kata_reply *r = call_with_pipe("fresh-word", fd, (int64_t)~sent, 0, 0);
	kata_expect_i64("return value (bytes read)", (long long)sizeof(sent), r->ret[0]);
	/* In hex, as the note shows it; and when it is the old value, say so. */
	uint64_t got = (uint64_t)r->ret[1];
	char detail[400];
	snprintf(detail, sizeof(detail), "expected 0x%016llx, got 0x%016llx%s", (unsigned long long)sent,
		 (unsigned long long)got,
		 got == ~sent ? ": that is the value before the call. The compiler kept what it had stored in the word "
				"across your asm: without a \"memory\" clobber it does not know the kernel writes through buf"
			      : "");
	kata_expect_true("the word after the call holds what the pipe held", got == sent, detail);
}

struct record {
	uint32_t id;
	uint16_t kind;
	uint8_t flags[2];
	uint64_t value;
};

static void fresh_record(void)
{
	struct record sent;
	kata_rand_bytes(&sent, sizeof(sent));
	int fd = pipe_with(&sent, sizeof(sent));
	kata_note("a zeroed 16-byte struct, filled by raw_read(pipe, &rec, 16)");
	const struct kata_reply *r = call_with_pipe("fresh-record", fd, 0, 0, 0);
	kata_expect_i64("return value (bytes read)", (long long)sizeof(sent), r->ret[0]);
	kata_expect_i64("rec.id", sent.id, r->ret[1]);
	kata_expect_i64("rec.kind", sent.kind, r->ret[2] & 0xffff);
	kata_expect_i64("rec.flags[1]", sent.flags[1], (r->ret[2] >> 16) & 0xff);
	kata_expect_i64("rec.value", (long long)sent.value, r->ret[3]);
}

static void back_to_back(void)
{
	unsigned char sent[400];
	/* 100..199: were a byte count ever used as the fd, it is not open */
	size_t la = kata_rand_range(100, 199), lb = kata_rand_range(1, 199);
	kata_rand_bytes(sent, la + lb);
	int fd = pipe_with(sent, la + lb);
	kata_note("pipe holding %zu bytes: raw_read(fd, a, %zu) then at once raw_read(fd, b, %zu)",
		  la + lb, la, lb);
	const struct kata_reply *r = call_with_pipe("back-to-back", fd, (int64_t)la, (int64_t)lb, la + lb);
	long na = (long)r->ret[0], nb = (long)r->ret[1];
	kata_expect_i64("first call: return value", (long long)la, na);
	kata_expect_i64("second call: return value", (long long)lb, nb);
	size_t ga = na < 0 ? 0 : (size_t)na > la ? la : (size_t)na;
	size_t gb = nb < 0 ? 0 : (size_t)nb > lb ? lb : (size_t)nb;
	if (ga + gb > r->out_len)
		ga = gb = 0; /* the agent sent less than it said: compare nothing */
	kata_expect_bytes("first call: bytes", sent, la, r->out, ga);
	kata_expect_bytes("second call: bytes", sent + la, lb, r->out + ga, gb);
}

static void bad_fd(void)
{
	/* 800..899: never open in the agent (passed descriptors start at 900) */
	int fd = (int)kata_rand_range(800, 899);
	kata_note("raw_read(%d (closed), buf, 8)", fd);
	struct kata_args a = { .arg = { fd } };
	kata_expect_i64("return value", -EBADF, kata_call("bad-fd", &a)->ret[0]);
}

const struct kata_case kata_cases[] = {
	{ "pipe-read", pipe_read, 0 },
	{ "fresh-word", fresh_word, 0 },
	{ "fresh-record", fresh_record, 0 },
	{ "back-to-back", back_to_back, 0 },
	{ "bad-fd", bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
