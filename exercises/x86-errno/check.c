/*
 * Driver for x86-errno: the kernel's -errno convention and libc's -1/errno.
 *
 * libc_style() is fed values straight from the generator, on both sides of
 * the boundary (-4095 is an error, -4096 is not), and the results of real
 * system calls made through raw_syscall3(). Oracles: the rule itself
 * (arithmetic) for the pure values, libc's syscall() and errno for the real
 * calls, and the kernel's own answer for /proc/self/mem's lseek.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

/* A value libc_style() must leave alone when there is no error: no errno is
 * in this range, so a stray write to *err shows. */
static int sentinel(void)
{
	return (int)kata_rand_range(100000, 999999);
}

/* libc_style(raw) against the rule: -4095..-1 is an error. */
static void judge(long raw)
{
	char what[96];
	int before = sentinel(), err = before;
	int is_error = (unsigned long)raw > -4096UL;
	long got = libc_style(raw, &err);
	snprintf(what, sizeof(what), "libc_style(%ld) return value", raw);
	kata_expect_i64(what, is_error ? -1 : raw, got);
	snprintf(what, sizeof(what), "*err after libc_style(%ld)%s", raw,
		 is_error ? "" : " (no error: left alone)");
	kata_expect_i64(what, is_error ? -raw : before, err);
}

static void errors_at_the_edges(void)
{
	kata_note("the kernel's error range is -4095..-1 (-MAX_ERRNO..-1)");
	judge(-1);
	judge(-4095);
	for (int i = 0; i < 4; i++)
		judge(-(long)kata_rand_range(1, 4095));
}

static void negative_but_valid(void)
{
	kata_note("negative as a long, but below -4095: a value, not an error");
	judge(-4096);
	judge(LONG_MIN);
	judge((long)0xffffffffff600000UL); /* an address in the top half */
	for (int i = 0; i < 3; i++)
		judge(-(long)kata_rand_range(4096, 1000000));
	long any = (long)(kata_rand() | (1ull << 63)); /* anywhere in the negative half */
	judge(any > -4096 ? -4097 : any);
}

static void zero_and_positive(void)
{
	judge(0);
	judge(LONG_MAX);
	for (int i = 0; i < 3; i++)
		judge((long)kata_rand_range(1, LONG_MAX));
}

/* A real failing call: raw_syscall3 must return -e, libc_style turn it into
 * -1 with *err = e, where e is what libc's syscall() put in errno. */
static void real_error(const char *call, long n, long a, long b, long c)
{
	errno = 0;
	long libc_ret = syscall(n, a, b, c);
	int e = errno;
	kata_note("%s: libc's syscall() gave %ld, errno %d (%s)", call, libc_ret, e, strerror(e));
	long raw = raw_syscall3(n, a, b, c);
	kata_expect_i64("raw_syscall3 return value (the kernel's answer, as is)", -e, raw);
	int before = sentinel(), err = before;
	kata_expect_i64("libc_style(that) return value", libc_ret, libc_style(raw, &err));
	kata_expect_i64("*err after libc_style(that)", e, err);
}

static void ebadf(void)
{
	int fd = (int)kata_rand_range(900, 1000); /* surely closed */
	char what[64];
	snprintf(what, sizeof(what), "write(%d (closed), \"abc\", 3)", fd);
	real_error(what, SYS_write, fd, (long)"abc", 3);
}

static void efault(void)
{
	int fds[2];
	long page = sysconf(_SC_PAGESIZE);
	/* A page nobody may read: the kernel cannot copy from it either. */
	unsigned char *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(fds) != 0)
		return kata_expect_true("mmap() and pipe() for the test", 0, "the harness could not set up");
	unsigned char *bad = p + kata_rand_range(0, page - 64);
	long len = (long)kata_rand_range(1, 64);
	char what[80];
	snprintf(what, sizeof(what), "write(pipe, %p (a PROT_NONE page), %ld)", (void *)bad, len);
	real_error(what, SYS_write, fds[1], (long)bad, len);
	munmap(p, page);
	close(fds[0]);
	close(fds[1]);
}

static void enoent(void)
{
	char path[64], what[96];
	snprintf(path, sizeof(path), "/nonexistent-%016llx/x", (unsigned long long)kata_rand());
	snprintf(what, sizeof(what), "open(\"%s\", O_RDONLY)", path);
	real_error(what, SYS_open, (long)path, O_RDONLY, 0);
}

static void success(void)
{
	unsigned char sent[256], got[256];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_rand_bytes(sent, len);
	kata_note("write(pipe, %zu random bytes) through raw_syscall3", len);
	long raw = raw_syscall3(SYS_write, fds[1], (long)sent, (long)len);
	kata_expect_i64("raw_syscall3 return value (bytes written)", (long long)len, raw);
	close(fds[1]); /* so that the read below sees end-of-file, not a wait */
	ssize_t n = read(fds[0], got, sizeof(got));
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
	int before = sentinel(), err = before;
	kata_expect_i64("libc_style(that) return value", (long long)len, libc_style(raw, &err));
	kata_expect_i64("*err after libc_style(that) (no error: left alone)", before, err);
	close(fds[0]);
}

/* A real system call whose successful result is negative as a long:
 * lseek on /proc/self/mem accepts any offset, including the top half of
 * the address space, and returns it. Treating "< 0" as an error breaks it. */
static void negative_success(void)
{
	long off = (long)((kata_rand() | (1ull << 63)) & ~0xfffull);
	if (off > -4096)
		off = -4096 * 2;
	int fd = open("/proc/self/mem", O_RDONLY);
	if (fd < 0) {
		kata_note("/proc/self/mem is not available here: judging libc_style(%ld) alone", off);
		judge(off);
		return;
	}
	errno = 0;
	long libc_ret = syscall(SYS_lseek, fd, off, SEEK_SET);
	kata_note("lseek(/proc/self/mem, %ld, SEEK_SET): libc's syscall() gave %ld, errno %d", off,
		  libc_ret, errno);
	long raw = raw_syscall3(SYS_lseek, fd, off, SEEK_SET);
	kata_expect_i64("raw_syscall3 return value (the new offset)", libc_ret, raw);
	int before = sentinel(), err = before;
	kata_expect_i64("libc_style(that) return value", libc_ret, libc_style(raw, &err));
	kata_expect_i64("*err after libc_style(that) (no error: left alone)", before, err);
	close(fd);
}

const struct kata_case kata_cases[] = {
	{ "errors-at-the-edges", errors_at_the_edges },
	{ "negative-but-valid", negative_but_valid },
	{ "zero-and-positive", zero_and_positive },
	{ "ebadf", ebadf },
	{ "efault", efault },
	{ "enoent", enoent },
	{ "success", success },
	{ "negative-success", negative_success },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
