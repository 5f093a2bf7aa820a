/*
 * Driver for a64-errno: the kernel's -errno convention, seen from both
 * sides. libc_style() is fed boundary values straight (arithmetic is the
 * oracle there), then real system calls go through raw_syscall3() in the
 * agent, and their effects and answers are checked from here: the bytes
 * in the judge's pipe, the judge's own pid, the judge's own openat of the
 * same missing path. The agent is an ARM64 program (under qemu-aarch64 on
 * this x86-64 judge), so the syscall numbers passed to it are ARM64's,
 * written out below; errno values are the generic ones on both.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The asm-generic table (ARM64), not the judge's. */
#define A64_OPENAT 56
#define A64_WRITE 64
#define A64_GETPPID 173

/* What *err holds before each call: libc leaves errno alone on success,
 * and so must libc_style. */
#define UNTOUCHED (-7777)

/* Bits of arg[4]: this argument is the agent's copy of the request bytes. */
#define PTR_A 1
#define PTR_B 2

/* Feeds one value to libc_style and reports what a libc would have done. */
static void expect_libc_style(long raw)
{
	char what[96];
	struct kata_args a = { .arg = { raw, UNTOUCHED } };
	const struct kata_reply *r = kata_call("libc_style", &a);
	/* the rule, as arithmetic: -4095..-1 are errors, anything else a value */
	int is_error = (unsigned long)raw > (unsigned long)-4096L;
	snprintf(what, sizeof(what), "libc_style(%ld): return value", raw);
	kata_expect_i64(what, is_error ? -1 : raw, r->ret[0]);
	snprintf(what, sizeof(what), "libc_style(%ld): *err", raw);
	kata_expect_i64(what, is_error ? -raw : UNTOUCHED, (int)r->ret[1]);
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

struct sc {
	const char *label;
	long n, a, b, c;
	unsigned ptr;      /* PTR_*: which arguments are the request bytes */
	const void *in;
	size_t in_len;
	int fd;            /* a judge descriptor passed along, or -1 */
};

/*
 * One real call through the learner's raw_syscall3() in the agent, whose
 * raw answer must be `raw_expected`; then that raw answer through their
 * libc_style(), which must turn it into what a libc returns.
 */
static void expect_call(const struct sc *s, long raw_expected)
{
	char what[128];
	struct kata_args a = { .arg = { s->n, s->a, s->b, s->c, s->ptr, kata_magic() },
			       .in = s->in, .in_len = s->in_len };
	if (s->fd >= 0) {
		a.fd[0] = s->fd;
		a.nfd = 1;
	}
	const struct kata_reply *r = kata_call("raw_syscall3", &a);
	long raw = (long)r->ret[0];
	snprintf(what, sizeof(what), "raw_syscall3(%s): raw return value", s->label);
	kata_expect_i64(what, raw_expected, raw);
	int64_t args[3] = { s->ptr & PTR_A ? KATA_ANY : s->a, s->ptr & PTR_B ? KATA_ANY : s->b, s->c };
	kata_expect_syscall(what, r, s->n, 3, args, raw_expected);

	int is_error = (unsigned long)raw > (unsigned long)-4096L;
	struct kata_args b = { .arg = { raw, UNTOUCHED } };
	const struct kata_reply *q = kata_call("libc_style", &b);
	snprintf(what, sizeof(what), "libc_style(raw_syscall3(%s)): return value", s->label);
	kata_expect_i64(what, is_error ? -1 : raw, q->ret[0]);
	snprintf(what, sizeof(what), "libc_style(raw_syscall3(%s)): *err", s->label);
	kata_expect_i64(what, is_error ? -raw : UNTOUCHED, (int)q->ret[1]);
}

static void ebadf(void)
{
	/* 800..899: never open in the agent (passed descriptors start at 900) */
	long fd = (long)kata_rand_range(800, 899);
	kata_note("write(%ld (closed), \"abc\", 3): EBADF", fd);
	struct sc s = { "write to a closed fd", A64_WRITE, fd, 0, 3, PTR_B, "abc", 3, -1 };
	expect_call(&s, -EBADF);
}

static void efault(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	/* page 0 is never mapped */
	long bad = (long)kata_rand_range(1, 4095);
	kata_note("write(pipe, (void *)%ld (unmapped), 8): EFAULT", bad);
	struct sc s = { "write from an unmapped address", A64_WRITE, KATA_AGENT_FD_BASE, bad, 8, 0, NULL, 0, fds[1] };
	expect_call(&s, -EFAULT);
	close(fds[0]);
	close(fds[1]);
}

static void enoent(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/nonexistent-%016llx/file",
		 (unsigned long long)kata_rand());
	/* the oracle: the judge's own openat of the same path */
	errno = 0;
	int own = openat(AT_FDCWD, path, O_RDONLY);
	if (own >= 0)
		kata_setup_failed("a path that should not exist exists");
	long want = -errno;
	kata_note("openat(AT_FDCWD, \"%s\", O_RDONLY): ENOENT", path);
	struct sc s = { "openat of a missing path", A64_OPENAT, AT_FDCWD, 0, O_RDONLY, PTR_B, path, strlen(path) + 1, -1 };
	expect_call(&s, want);
}

static void success(void)
{
	int fds[2];
	unsigned char buf[256], got[256];
	size_t len = kata_rand_range(1, sizeof(buf));
	kata_rand_bytes(buf, len);
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	kata_note("getppid(), then write(pipe, %zu bytes): values, not errors", len);
	/* the agent is the judge's child (under qemu, qemu is) */
	struct sc g = { "getppid", A64_GETPPID, 0, 0, 0, 0, NULL, 0, -1 };
	expect_call(&g, getpid());
	struct sc w = { "write to a pipe", A64_WRITE, KATA_AGENT_FD_BASE, 0, (long)len, PTR_B, buf, len, fds[1] };
	expect_call(&w, (long)len);
	close(fds[1]);
	ssize_t n = read(fds[0], got, sizeof(got));
	kata_expect_bytes("bytes read back from the pipe", buf, len, got, n < 0 ? 0 : (size_t)n);
	close(fds[0]);
}

const struct kata_case kata_cases[] = {
	{ "error-range", error_range, 0 },
	{ "not-errors", not_errors, 0 },
	{ "ebadf", ebadf, 0 },
	{ "efault", efault, 0 },
	{ "enoent", enoent, 0 },
	{ "success", success, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
