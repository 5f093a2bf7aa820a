/*
 * Shared judge cases for the errno katas (x86-errno, a64-errno): the
 * kernel's -errno convention and libc's -1/errno, seen from both sides.
 *
 * libc_style() is fed values straight from the generator, on both sides of
 * the boundary (-4095 is an error, -4096 is not), and the kernel's answers
 * to real system calls made through raw_syscall3() in the agent. Oracles:
 * the rule itself (arithmetic) for the pure values; for the real calls,
 * libc's syscall() and errno here in the judge, on the same kind of
 * arguments, the effects on the judge's side (the bytes in its pipe, its
 * own pid), and the one syscall the judge saw the agent make. The numbers
 * passed to the agent are its architecture's (cases/agent-syscalls.h);
 * errno values are the generic ones on both. The agent's side is
 * cases/errno-agent.c.
 */
#define _GNU_SOURCE
#include "kata.h"
#include "cases/agent-syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The rule: -4095..-1 (-MAX_ERRNO..-1) are errors, anything else a value. */
static int is_error(long raw)
{
	return (unsigned long)raw > -4096UL;
}

/* A value libc_style() must leave alone when there is no error: no errno is
 * in this range, so a stray write to *err shows. */
static int sentinel(void)
{
	return (int)kata_rand_range(100000, 999999);
}

/* libc_style(raw) in the agent, against the rule. */
static void judge(long raw)
{
	char what[96];
	int before = sentinel();
	struct kata_args a = { .arg = { raw, before } };
	const struct kata_reply *r = kata_call("libc_style", &a);
	if (r->traced && r->nsc_total != 0) {
		snprintf(what, sizeof(what), "libc_style(%ld) made %ld syscall(s): it only converts a value", raw,
			 r->nsc_total);
		kata_expect_true("libc_style makes no system call", 0, what);
	}
	snprintf(what, sizeof(what), "libc_style(%ld) return value", raw);
	kata_expect_i64(what, is_error(raw) ? -1 : raw, r->ret[0]);
	snprintf(what, sizeof(what), "*err after libc_style(%ld)%s", raw, is_error(raw) ? "" : " (no error: left alone)");
	kata_expect_i64(what, is_error(raw) ? -raw : before, (int)r->ret[1]);
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
	judge(-5000);
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
	judge((long)kata_rand_range(1, 4096));
	for (int i = 0; i < 3; i++)
		judge((long)kata_rand_range(1, LONG_MAX));
}

/* One real call through raw_syscall3(n, a[0], a[1], a[2]) in the agent. */
struct call3 {
	const char *label;  /* what the call is, as the learner reads it */
	long n, a[3];       /* the agent's syscall number and arguments */
	int nargs;          /* how many of them the syscall takes */
	unsigned ptr;       /* bit i: a[i] is the agent's copy of in[0..in_len) */
	const void *in;
	size_t in_len;
	int fd;             /* a judge descriptor passed along, or -1 */
	const char *result; /* what the value is: "the kernel's answer, as is" */
};

/* raw_syscall3 must return the kernel's answer `want` as is, from one
 * syscall; then libc_style(want) must do what libc does with it. */
static void expect_call(const struct call3 *s, long want)
{
	char what[160];
	int64_t magic = kata_magic();
	struct kata_args x = { .arg = { s->n, s->a[0], s->a[1], s->a[2], s->ptr, magic }, .in = s->in,
			       .in_len = s->in_len };
	if (s->fd >= 0) {
		x.fd[0] = s->fd;
		x.nfd = 1;
	}
	const struct kata_reply *r = kata_call("syscall3", &x);
	/* The syscall first: when the value is wrong, it says why. */
	int64_t args[3];
	for (int i = 0; i < 3; i++)
		args[i] = (s->ptr >> i) & 1 ? KATA_ANY : s->a[i];
	snprintf(what, sizeof(what), "raw_syscall3(%s)", s->label);
	kata_expect_syscall(what, r, s->n, s->nargs, args, want);
	snprintf(what, sizeof(what), "raw_syscall3(%s) return value (%s)", s->label, s->result);
	kata_expect_i64(what, want, r->ret[0]);
	kata_expect_clobbers("raw_syscall3", r, magic);
	judge(want);
}

/* The kernel's answer as libc's syscall() reported it here: -errno or the value. */
static long libc_answer(long libc_ret, int e)
{
	return libc_ret == -1 ? -e : libc_ret;
}

static void ebadf(void)
{
	int fd = (int)kata_rand_range(800, 899); /* surely closed, in both processes */
	errno = 0;
	long libc_ret = syscall(SYS_write, fd, "abc", 3);
	int e = errno;
	kata_note("write(%d (closed), \"abc\", 3): libc's syscall() gave %ld, errno %d (%s)", fd, libc_ret, e,
		  strerror(e));
	struct call3 s = { "write to a closed fd", agent_nr.write, { fd, 0, 3 }, 3, 1 << 1, "abc", 3, -1,
			   "the kernel's answer, as is" };
	expect_call(&s, libc_answer(libc_ret, e));
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
	struct kata_args pa = { .arg = { page } };
	long agent_page = kata_call("prot-none-page", &pa)->ret[0];
	if (is_error(agent_page))
		kata_setup_failed("a PROT_NONE page in the agent");
	long bad = agent_page + off;
	kata_note("write(pipe, %#lx (a PROT_NONE page), %ld): libc's syscall() gave %ld, errno %d (%s)", bad, len,
		  libc_ret, e, strerror(e));
	struct call3 s = { "write from a PROT_NONE page", agent_nr.write, { KATA_AGENT_FD_BASE, bad, len }, 3, 0, NULL, 0,
			   fds[1], "the kernel's answer, as is" };
	expect_call(&s, libc_answer(libc_ret, e));

	/* page 0 is never mapped */
	long low = (long)kata_rand_range(1, 4095);
	errno = 0;
	libc_ret = syscall(SYS_write, fds[1], low, 8);
	e = errno;
	kata_note("write(pipe, (void *)%ld (unmapped), 8): libc's syscall() gave %ld, errno %d (%s)", low, libc_ret, e,
		  strerror(e));
	struct call3 u = { "write from an unmapped address", agent_nr.write, { KATA_AGENT_FD_BASE, low, 8 }, 3, 0, NULL, 0,
			   fds[1], "the kernel's answer, as is" };
	expect_call(&u, libc_answer(libc_ret, e));
	close(fds[0]);
	close(fds[1]);
}

static void enoent(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/nonexistent-%016llx/x", (unsigned long long)kata_rand());
	errno = 0;
	long libc_ret = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
	int e = errno;
	kata_note("openat(AT_FDCWD, \"%s\", O_RDONLY): libc's syscall() gave %ld, errno %d (%s)", path, libc_ret, e,
		  strerror(e));
	struct call3 s = { "openat of a missing path", agent_nr.openat, { AT_FDCWD, 0, O_RDONLY }, 3, 1 << 1, path,
			   strlen(path) + 1, -1, "the kernel's answer, as is" };
	expect_call(&s, libc_answer(libc_ret, e));
	if (agent_nr.open < 0)
		return; /* the agent's architecture has openat only */
	errno = 0;
	libc_ret = syscall(SYS_open, path, O_RDONLY, 0);
	e = errno;
	kata_note("open(\"%s\", O_RDONLY): libc's syscall() gave %ld, errno %d (%s)", path, libc_ret, e, strerror(e));
	struct call3 o = { "open of a missing path", agent_nr.open, { 0, O_RDONLY, 0 }, 3, 1 << 0, path, strlen(path) + 1,
			   -1, "the kernel's answer, as is" };
	expect_call(&o, libc_answer(libc_ret, e));
}

static void success(void)
{
	unsigned char sent[256], got[256];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	kata_rand_bytes(sent, len);
	kata_note("getppid(), then write(pipe, %zu random bytes) through raw_syscall3: values, not errors", len);
	/* the agent is the judge's child (under qemu, qemu is) */
	struct call3 g = { "getppid", agent_nr.getppid, { 0, 0, 0 }, 0, 0, NULL, 0, -1, "the judge's pid" };
	expect_call(&g, getpid());
	struct call3 w = { "write to a pipe", agent_nr.write, { KATA_AGENT_FD_BASE, 0, (long)len }, 3, 1 << 1, sent, len,
			   fds[1], "bytes written" };
	expect_call(&w, (long)len);
	close(fds[1]); /* so that the read below sees end-of-file, not a wait */
	ssize_t n = read(fds[0], got, sizeof(got));
	close(fds[0]);
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
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
	struct call3 s = { "lseek to the top half", agent_nr.lseek, { KATA_AGENT_FD_BASE, off, SEEK_SET }, 3, 0, NULL, 0,
			   fd, "the new offset" };
	expect_call(&s, libc_ret);
	close(fd);
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
