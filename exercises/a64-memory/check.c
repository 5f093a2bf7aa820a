/*
 * Driver for a64-memory (build mode "include"): the learner's file is
 * #included, so their static inline raw_read() is inlined into the cases
 * below and the optimiser (-O2) acts on exactly what their asm statement
 * tells it. An asm statement that hides something from the compiler is
 * then not merely "technically wrong": the compiler's beliefs show up in
 * the results.
 *
 *   fresh-word, fresh-record: the destination holds known values before
 *     the call. Without a "memory" clobber (or a memory output) the asm
 *     has no visible effect on memory, so the compiler may answer later
 *     reads with the values it stored before the call.
 *   back-to-back: two reads from one fd with nothing in between. If x0 is
 *     only an input, the compiler believes x0 still holds the fd after the
 *     first svc and reuses it: the second call reads from "fd" = the first
 *     call's byte count, and the results are not what the kernel said.
 *
 * Oracles: libc write() put the bytes in the pipe; the driver knows them.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include KATA_LEARNER

/* Puts `len` bytes in a fresh pipe with libc and returns the read end. */
static int pipe_with(const void *data, size_t len)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	if (write(fds[1], data, len) != (ssize_t)len) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	return fds[0];
}

static void pipe_read(void)
{
	unsigned char sent[512], got[512];
	size_t len = kata_rand_range(1, sizeof(sent));
	kata_rand_bytes(sent, len);
	int fd = pipe_with(sent, len);
	if (fd < 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("raw_read(pipe holding %zu random bytes, buf, %zu)", len, sizeof(got));
	long n = raw_read(fd, got, sizeof(got));
	kata_expect_i64("return value (bytes read)", (long long)len, n);
	kata_expect_bytes("bytes read", sent, len, got, n < 0 ? 0 : (size_t)n);
	close(fd);
}

/*
 * The pattern the two "fresh" cases share: store values the compiler knows
 * right before the call and read the destination right after it, with no
 * other call in between. Any other call could, as far as the compiler
 * knows, change memory whose address has escaped (and passing &word to an
 * asm statement makes it escape), so a call in between would make it
 * reload from memory and hide the bug rather than show it.
 */
static void fresh_word(void)
{
	uint64_t sent = kata_rand();
	int fd = pipe_with(&sent, sizeof(sent));
	if (fd < 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("a uint64_t holding 0x%016llx, overwritten by raw_read(pipe, &word, 8)",
		  (unsigned long long)~sent);

	uint64_t word = ~sent; /* known to the compiler, and never the answer */
	long n = raw_read(fd, &word, sizeof(word));
	uint64_t after = word;

	kata_expect_i64("return value (bytes read)", (long long)sizeof(word), n);
	kata_expect_i64("the word after the call", (long long)sent, (long long)after);
	close(fd);
}

struct record {
	uint32_t id;
	uint16_t kind;
	uint8_t flags[2];
	uint64_t value;
};

static void fresh_record(void)
{
	struct record sent, rec;
	kata_rand_bytes(&sent, sizeof(sent));
	int fd = pipe_with(&sent, sizeof(sent));
	if (fd < 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("a zeroed 16-byte struct, filled by raw_read(pipe, &rec, 16)");

	memset(&rec, 0, sizeof(rec)); /* every field known to be 0 */
	long n = raw_read(fd, &rec, sizeof(rec));
	struct record after = rec;

	kata_expect_i64("return value (bytes read)", (long long)sizeof(rec), n);
	kata_expect_i64("rec.id", sent.id, after.id);
	kata_expect_i64("rec.kind", sent.kind, after.kind);
	kata_expect_i64("rec.flags[1]", sent.flags[1], after.flags[1]);
	kata_expect_i64("rec.value", (long long)sent.value, (long long)after.value);
	close(fd);
}

static void back_to_back(void)
{
	unsigned char sent[400], a[200], b[200];
	/* 100..199: were a byte count ever used as the fd, it is not open */
	size_t la = kata_rand_range(100, 199), lb = kata_rand_range(1, 199);
	kata_rand_bytes(sent, la + lb);
	int fd = pipe_with(sent, la + lb);
	if (fd < 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("pipe holding %zu bytes: raw_read(fd, a, %zu) then at once raw_read(fd, b, %zu)",
		  la + lb, la, lb);
	long na = raw_read(fd, a, la);
	long nb = raw_read(fd, b, lb);
	kata_expect_i64("first call: return value", (long long)la, na);
	kata_expect_i64("second call: return value", (long long)lb, nb);
	kata_expect_bytes("first call: bytes", sent, la, a, na < 0 ? 0 : (size_t)na);
	kata_expect_bytes("second call: bytes", sent + la, lb, b, nb < 0 ? 0 : (size_t)nb);
	close(fd);
}

static void bad_fd(void)
{
	char buf[8];
	int fd = (int)kata_rand_range(900, 1000);
	kata_note("raw_read(%d (closed), buf, 8)", fd);
	kata_expect_i64("return value", -EBADF, raw_read(fd, buf, sizeof(buf)));
}

const struct kata_case kata_cases[] = {
	{ "pipe-read", pipe_read },
	{ "fresh-word", fresh_word },
	{ "fresh-record", fresh_record },
	{ "back-to-back", back_to_back },
	{ "bad-fd", bad_fd },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
