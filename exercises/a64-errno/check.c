/*
 * Driver for a64-errno: the kernel's -errno convention, seen from both
 * sides. libc_style() is fed boundary values straight (arithmetic is the
 * oracle there), then real system calls go through raw_syscall3() and
 * libc's syscall() + errno, which are the oracle for the rest.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

/* What *err holds before each call: libc leaves errno alone on success,
 * and so must libc_style. */
#define UNTOUCHED (-7777)

/* Feeds one value to libc_style and reports what a libc would have done. */
static void expect_libc_style(long raw)
{
	char what[96];
	int err = UNTOUCHED;
	long got = libc_style(raw, &err);
	/* the rule, as arithmetic: -4095..-1 are errors, anything else a value */
	int is_error = (unsigned long)raw > (unsigned long)-4096L;
	snprintf(what, sizeof(what), "libc_style(%ld): return value", raw);
	kata_expect_i64(what, is_error ? -1 : raw, got);
	snprintf(what, sizeof(what), "libc_style(%ld): *err", raw);
	kata_expect_i64(what, is_error ? -raw : UNTOUCHED, err);
}

static void error_range(void)
{
	long inside = -(long)kata_rand_range(2, 4094);
	kata_note("the error range is -4095..-1; values: -1, -4095 and %ld", inside);
	expect_libc_style(-1);
	expect_libc_style(-4095);
	expect_libc_style(inside);
}

static void not_errors(void)
{
	long positive = (long)kata_rand_range(1, LONG_MAX);
	long small = (long)kata_rand_range(1, 4096);
	/* an address in the top half, as a kernel pointer or a huge offset
	 * would look: negative as a long, but far below -4095 */
	long high = (long)(kata_rand() | (1ul << 63)) & ~0xffffL;
	kata_note("values that are not errors: -4096, -5000, LONG_MIN, 0, %ld, %ld, %ld", small,
		  positive, high);
	expect_libc_style(-4096);
	expect_libc_style(-5000);
	expect_libc_style(LONG_MIN);
	expect_libc_style(0);
	expect_libc_style(small);
	expect_libc_style(positive);
	expect_libc_style(high);
}

/*
 * One real call, twice: raw through the learner's raw_syscall3() and
 * through libc's syscall(), whose -1/errno is turned back into the
 * kernel's raw value for the comparison.
 */
static void expect_call(const char *label, long n, long a, long b, long c)
{
	char what[96];
	errno = 0;
	long lr = syscall(n, a, b, c);
	int le = errno;
	long raw_expected = lr == -1 ? -le : lr;

	long raw = raw_syscall3(n, a, b, c);
	snprintf(what, sizeof(what), "raw_syscall3(%s): raw return value", label);
	kata_expect_i64(what, raw_expected, raw);

	int err = UNTOUCHED;
	long got = libc_style(raw, &err);
	snprintf(what, sizeof(what), "libc_style(raw_syscall3(%s)): return value", label);
	kata_expect_i64(what, lr, got);
	snprintf(what, sizeof(what), "libc_style(raw_syscall3(%s)): *err", label);
	kata_expect_i64(what, lr == -1 ? le : UNTOUCHED, err);
}

static void ebadf(void)
{
	long fd = (long)kata_rand_range(900, 1000);
	kata_note("write(%ld (closed), \"abc\", 3): EBADF", fd);
	expect_call("write to a closed fd", SYS_write, fd, (long)"abc", 3);
}

static void efault(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	/* page 0 is never mapped */
	long bad = (long)kata_rand_range(1, 4095);
	kata_note("write(pipe, (void *)%ld (unmapped), 8): EFAULT", bad);
	expect_call("write from an unmapped address", SYS_write, fds[1], bad, 8);
	close(fds[0]);
	close(fds[1]);
}

static void enoent(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/nonexistent-%016llx/file",
		 (unsigned long long)kata_rand());
	kata_note("openat(AT_FDCWD, \"%s\", O_RDONLY): ENOENT", path);
	expect_call("openat of a missing path", SYS_openat, AT_FDCWD, (long)path, O_RDONLY);
}

static void success(void)
{
	int fds[2];
	unsigned char buf[256];
	size_t len = kata_rand_range(1, sizeof(buf));
	kata_rand_bytes(buf, len);
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("getppid(), then write(pipe, %zu bytes): values, not errors", len);
	expect_call("getppid", SYS_getppid, 0, 0, 0);
	expect_call("write to a pipe", SYS_write, fds[1], (long)buf, (long)len);
	close(fds[0]);
	close(fds[1]);
}

const struct kata_case kata_cases[] = {
	{ "error-range", error_range },
	{ "not-errors", not_errors },
	{ "ebadf", ebadf },
	{ "efault", efault },
	{ "enoent", enoent },
	{ "success", success },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
