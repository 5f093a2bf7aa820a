/*
 * Shared cases for the write(2) katas (x86-write, a64-write, portable-write):
 * random bytes through the learner's raw_write(), read back with libc (the
 * oracle) and compared by the runner. Each of those katas' check.c includes
 * this file: the cases are the same on every arch, the lesson differs.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

long raw_write(int fd, const void *buf, unsigned long len);

static void pipe_roundtrip(void)
{
	unsigned char sent[512], got[512];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	kata_rand_bytes(sent, len);
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("raw_write(pipe, %zu random bytes)", len);
	kata_expect_i64("return value (bytes written)", (long long)len, raw_write(fds[1], sent, len));
	close(fds[1]);
	ssize_t n = read(fds[0], got, sizeof(got));
	close(fds[0]);
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
}

static void file_roundtrip(void)
{
	static unsigned char sent[70000], got[70000];
	size_t len = kata_rand_range(4097, sizeof(sent)); /* more than one page */
	int fd = memfd_create("raw-write", 0);
	if (fd < 0)
		return kata_expect_true("memfd_create() for the test", 0, "the harness could not make a file");
	kata_rand_bytes(sent, len);
	kata_note("raw_write(file, %zu random bytes)", len);
	kata_expect_i64("return value (bytes written)", (long long)len, raw_write(fd, sent, len));
	ssize_t n = pread(fd, got, sizeof(got), 0);
	close(fd);
	kata_expect_bytes("file contents", sent, len, got, n < 0 ? 0 : (size_t)n);
}

static void zero_length(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("raw_write(pipe, buf, 0)");
	kata_expect_i64("return value", 0, raw_write(fds[1], "x", 0));
	close(fds[0]);
	close(fds[1]);
}

static void bad_fd(void)
{
	/* A descriptor that is surely closed: the kernel answers -EBADF (in rax
	 * on x86-64, in x0 on ARM64). No errno here: that is libc's invention,
	 * and there is no libc. */
	int fd = (int)kata_rand_range(900, 1000);
	kata_note("raw_write(%d (closed), buf, 3)", fd);
	kata_expect_i64("return value", -EBADF, raw_write(fd, "abc", 3));
}

const struct kata_case kata_cases[] = {
	{ "pipe", pipe_roundtrip },
	{ "file", file_roundtrip },
	{ "zero-length", zero_length },
	{ "bad-fd", bad_fd },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
