/*
 * Driver for x86-errno: the kernel's -errno convention and libc's -1/errno.
 *
 * libc_style() is fed values straight from the generator, on both sides of
 * the boundary (-4095 is an error, -4096 is not), and the kernel's answers
 * to real system calls made through raw_syscall3() in the agent. Oracles:
 * the rule itself (arithmetic) for the pure values; for the real calls,
 * libc's syscall() and errno here in the judge, on the same kind of
 * arguments, and the one syscall the judge saw the agent make.
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

/* A value libc_style() must leave alone when there is no error: no errno is
 * in this range, so a stray write to *err shows. */
static int sentinel(void)
{
	return (int)kata_rand_range(100000, 999999);
}

/* libc_style(raw) in the agent; ret[0] its result, ret[1] *err after. */
static const struct kata_reply *call_libc_style(long raw, int before)
{
	struct kata_args a = { .arg = { raw, before } };
	const struct kata_reply *r = kata_call("libc_style", &a);
	if (r->traced && r->nsc_total != 0) {
		char detail[128];
		snprintf(detail, sizeof(detail), "libc_style(%ld) made %ld syscall(s): it only converts a value", raw,
			 r->nsc_total);
		kata_expect_true("libc_style makes no system call", 0, detail);
	}
	return r;
}

/* libc_style(raw) against the rule: -4095..-1 is an error. */
static void judge(long raw)
{
	char what[96];
	int before = sentinel();
	int is_error = (unsigned long)raw > -4096UL;
	const struct kata_reply *r = call_libc_style(raw, before);
	snprintf(what, sizeof(what), "libc_style(%ld) return value", raw);
	kata_expect_i64(what, is_error ? -1 : raw, r->ret[0]);
	snprintf(what, sizeof(what), "*err after libc_style(%ld)%s", raw, is_error ? "" : " (no error: left alone)");
	kata_expect_i64(what, is_error ? -raw : before, (int)r->ret[1]);
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

/* raw_syscall3(n, a, b, c) in the agent. `ptr_mask` bit i (1..3): argument i
 * is the agent's copy of in[0..in_len). */
static const struct kata_reply *call_syscall3(long n, long a, long b, long c, int ptr_mask, const void *in,
					     size_t in_len, int fd, int64_t magic)
{
	struct kata_args x = { .arg = { n, a, b, c, ptr_mask, magic }, .in = in, .in_len = in_len };
	if (fd >= 0) {
		x.fd[0] = fd;
		x.nfd = 1;
	}
	return kata_call("syscall3", &x);
}

/* Checks raw_syscall3's reply: the kernel's answer `want`, as is, from one
 * syscall `n` with arguments `args`. */
static void check_raw(const char *what, const struct kata_reply *r, long n, const int64_t *args, long want,
		      int64_t magic)
{
	kata_expect_i64(what, want, r->ret[0]);
	kata_expect_syscall("raw_syscall3", r, n, 3, args, want);
	kata_expect_clobbers("raw_syscall3", r, magic);
}

/* A real failing call: raw_syscall3 must return -e, libc_style turn it into
 * -1 with *err = e, where e is what libc's syscall() put in errno here. */
static void then_libc_style(long libc_ret, int e)
{
	int before = sentinel();
	const struct kata_reply *l = call_libc_style(-e, before);
	kata_expect_i64("libc_style(that) return value", libc_ret, l->ret[0]);
	kata_expect_i64("*err after libc_style(that)", e, (int)l->ret[1]);
}

static void ebadf(void)
{
	int fd = (int)kata_rand_range(800, 899); /* surely closed, in both processes */
	errno = 0;
	long libc_ret = syscall(SYS_write, fd, "abc", 3);
	int e = errno;
	kata_note("write(%d (closed), \"abc\", 3): libc's syscall() gave %ld, errno %d (%s)", fd, libc_ret, e,
		  strerror(e));
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_syscall3(SYS_write, fd, 0, 3, 1 << 2, "abc", 3, -1, magic);
	int64_t args[3] = { fd, KATA_ANY, 3 };
	check_raw("raw_syscall3 return value (the kernel's answer, as is)", r, SYS_write, args, -e, magic);
	then_libc_style(libc_ret, e);
}

static void efault(void)
{
	int fds[2];
	long page = sysconf(_SC_PAGESIZE);
	/* A page nobody may read: the kernel cannot copy from it either. One
	 * here for the oracle, one in the agent for the call. */
	unsigned char *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(fds) != 0)
		kata_setup_failed("mmap() and pipe()");
	long off = (long)kata_rand_range(0, page - 64);
	long len = (long)kata_rand_range(1, 64);
	errno = 0;
	long libc_ret = syscall(SYS_write, fds[1], (long)(p + off), len);
	int e = errno;
	munmap(p, page);
	const struct kata_reply *m = kata_call("prot-none-page", NULL);
	long agent_page = m->ret[0];
	if ((unsigned long)agent_page > -4096UL)
		kata_setup_failed("a PROT_NONE page in the agent");
	long bad = agent_page + off;
	kata_note("write(pipe, %#lx (a PROT_NONE page), %ld): libc's syscall() gave %ld, errno %d (%s)", bad, len,
		  libc_ret, e, strerror(e));
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_syscall3(SYS_write, KATA_AGENT_FD_BASE, bad, len, 0, NULL, 0, fds[1], magic);
	int64_t args[3] = { KATA_AGENT_FD_BASE, bad, len };
	check_raw("raw_syscall3 return value (the kernel's answer, as is)", r, SYS_write, args, -e, magic);
	close(fds[0]);
	close(fds[1]);
	then_libc_style(libc_ret, e);
}

static void enoent(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/nonexistent-%016llx/x", (unsigned long long)kata_rand());
	errno = 0;
	long libc_ret = syscall(SYS_open, path, O_RDONLY, 0);
	int e = errno;
	kata_note("open(\"%s\", O_RDONLY): libc's syscall() gave %ld, errno %d (%s)", path, libc_ret, e, strerror(e));
	int64_t magic = kata_magic();
	const struct kata_reply *r =
		call_syscall3(SYS_open, 0, O_RDONLY, 0, 1 << 1, path, strlen(path) + 1, -1, magic);
	int64_t args[3] = { KATA_ANY, O_RDONLY, 0 };
	check_raw("raw_syscall3 return value (the kernel's answer, as is)", r, SYS_open, args, -e, magic);
	then_libc_style(libc_ret, e);
}

static void success(void)
{
	unsigned char sent[256], got[256];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	kata_rand_bytes(sent, len);
	kata_note("write(pipe, %zu random bytes) through raw_syscall3", len);
	int64_t magic = kata_magic();
	const struct kata_reply *r =
		call_syscall3(SYS_write, KATA_AGENT_FD_BASE, 0, (long)len, 1 << 2, sent, len, fds[1], magic);
	close(fds[1]); /* so that the read below sees end-of-file, not a wait */
	ssize_t n = read(fds[0], got, sizeof(got));
	close(fds[0]);
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
	int64_t args[3] = { KATA_AGENT_FD_BASE, KATA_ANY, (int64_t)len };
	check_raw("raw_syscall3 return value (bytes written)", r, SYS_write, args, (long)len, magic);
	int before = sentinel();
	const struct kata_reply *l = call_libc_style((long)len, before);
	kata_expect_i64("libc_style(that) return value", (long long)len, l->ret[0]);
	kata_expect_i64("*err after libc_style(that) (no error: left alone)", before, (int)l->ret[1]);
}

/* A real system call whose successful result is negative as a long: lseek
 * on /proc/<pid>/mem accepts any offset, including the top half of the
 * address space, and returns it. Treating "< 0" as an error breaks it. The
 * judge opens the agent's own mem file, read-only, and passes it. */
static void negative_success(void)
{
	long off = (long)((kata_rand() | (1ull << 63)) & ~0xfffull);
	if (off > -4096)
		off = -4096 * 2;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", kata_agent_pid());
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kata_note("%s is not available here: judging libc_style(%ld) alone", path, off);
		judge(off);
		return;
	}
	errno = 0;
	long libc_ret = syscall(SYS_lseek, fd, off, SEEK_SET);
	kata_note("lseek(the agent's /proc/<pid>/mem, %ld, SEEK_SET): libc's syscall() gave %ld, errno %d", off,
		  libc_ret, errno);
	syscall(SYS_lseek, fd, 0, SEEK_SET); /* the agent's call moves it back */
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_syscall3(SYS_lseek, KATA_AGENT_FD_BASE, off, SEEK_SET, 0, NULL, 0, fd, magic);
	close(fd);
	int64_t args[3] = { KATA_AGENT_FD_BASE, off, SEEK_SET };
	check_raw("raw_syscall3 return value (the new offset)", r, SYS_lseek, args, libc_ret, magic);
	int before = sentinel();
	const struct kata_reply *l = call_libc_style(libc_ret, before);
	kata_expect_i64("libc_style(that) return value", libc_ret, l->ret[0]);
	kata_expect_i64("*err after libc_style(that) (no error: left alone)", before, (int)l->ret[1]);
}

const struct kata_case kata_cases[] = {
	{ "errors-at-the-edges", errors_at_the_edges, 0 },
	{ "negative-but-valid", negative_but_valid, 0 },
	{ "zero-and-positive", zero_and_positive, 0 },
	{ "ebadf", ebadf, 0 },
	{ "efault", efault, 0 },
	{ "enoent", enoent, 0 },
	{ "success", success, 0 },
	{ "negative-success", negative_success, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
