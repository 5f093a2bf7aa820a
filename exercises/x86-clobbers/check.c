/*
 * Driver for x86-clobbers. The learner's static inline raw_syscall3() runs
 * in the agent, inlined into probes (exercises/x86-clobbers/agent.c) built
 * so that each missing clobber changes the code GCC generates in a way the
 * judge can see: a value kept in rcx or r11 that does not survive, a local
 * read before the kernel wrote it, stores deleted before the kernel read
 * them. Oracles: libc and the kernel on the judge's side, the pipe it
 * holds, and the syscalls it traced.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct kata_reply *call_syscall3(long n, long a, long b, long c, int ptr_mask, const void *in,
					     size_t in_len, int fd)
{
	struct kata_args x = { .arg = { n, a, b, c, ptr_mask, kata_magic() }, .in = in, .in_len = in_len };
	if (fd >= 0) {
		x.fd[0] = fd;
		x.nfd = 1;
	}
	return kata_call("syscall3", &x);
}

static void results(void)
{
	unsigned char sent[128], got[128];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	kata_rand_bytes(sent, len);
	/* The agent's parent is the judge. */
	const struct kata_reply *r = call_syscall3(SYS_getppid, 0, 0, 0, 0, NULL, 0, -1);
	kata_expect_i64("raw_syscall3(SYS_getppid, 0, 0, 0): the agent's parent, this judge", getpid(), r->ret[0]);
	kata_expect_syscall("raw_syscall3(SYS_getppid, 0, 0, 0)", r, SYS_getppid, 0, NULL, getpid());
	if (pipe2(fds, O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	kata_note("write(pipe, %zu random bytes)", len);
	r = call_syscall3(SYS_write, KATA_AGENT_FD_BASE, 0, (long)len, 1 << 2, sent, len, fds[1]);
	kata_expect_i64("return value (bytes written)", (long long)len, r->ret[0]);
	int64_t wargs[3] = { KATA_AGENT_FD_BASE, KATA_ANY, (int64_t)len };
	kata_expect_syscall("raw_syscall3(SYS_write, pipe, buf, len)", r, SYS_write, 3, wargs, (long)len);
	ssize_t n = read(fds[0], got, sizeof(got));
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
	close(fds[0]);
	close(fds[1]);
	int bad = (int)kata_rand_range(800, 899);
	r = call_syscall3(SYS_write, bad, 0, 1, 1 << 2, "x", 1, -1);
	kata_expect_i64("write to a closed descriptor", -EBADF, r->ret[0]);
	int64_t bargs[3] = { bad, KATA_ANY, 1 };
	kata_expect_syscall("raw_syscall3(SYS_write, closed fd, \"x\", 1)", r, SYS_write, 3, bargs, -EBADF);
}

/* Values kept in rcx (the magic) and r11 (its complement) across
 * raw_syscall3(n, 0, 0, 0), for three syscalls with no arguments. */
static void register_case(const char *reg, int which)
{
	static const struct {
		long nr;
		const char *name;
	} calls[] = { { SYS_getppid, "getppid" }, { SYS_getpid, "getpid" }, { SYS_getuid, "getuid" } };
	char what[96];
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int64_t magic = kata_magic();
		struct kata_args a = { .arg = { calls[i].nr, [5] = magic } };
		const struct kata_reply *r = kata_call("across", &a);
		snprintf(what, sizeof(what), "a value GCC kept in %s across raw_syscall3(SYS_%s)", reg, calls[i].name);
		if (which == 1)
			kata_expect_i64(what, magic, r->ret[1]);
		else
			kata_expect_i64(what, ~magic, r->ret[2]);
		snprintf(what, sizeof(what), "raw_syscall3(SYS_%s, 0, 0, 0)", calls[i].name);
		kata_expect_syscall(what, r, calls[i].nr, 0, NULL, r->traced && r->nsc ? r->sc[0].ret : r->ret[0]);
	}
}

static void rcx_survives(void)
{
	kata_note("rcx: `syscall` stores the return address there");
	register_case("rcx", 1);
}

static void r11_survives(void)
{
	kata_note("r11: `syscall` stores rflags there");
	register_case("r11", 2);
}

static void kernel_writes_memory(void)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	for (int i = 0; i < 3; i++) {
		unsigned long sent = kata_rand(), before = ~sent;
		if (write(fds[1], &sent, sizeof(sent)) != sizeof(sent))
			kata_setup_failed("write() to the judge's pipe");
		struct kata_args a = { .arg = { 0, (int64_t)before, [5] = kata_magic() }, .fd = { fds[0] }, .nfd = 1 };
		const struct kata_reply *r = kata_call("read-into-local", &a);
		kata_expect_i64("a local unsigned long after raw_syscall3(SYS_read, pipe, &it, 8)", (long)sent,
				r->ret[3]);
		int64_t args[3] = { KATA_AGENT_FD_BASE, KATA_ANY, 8 };
		kata_expect_syscall("raw_syscall3(SYS_read, pipe, &it, 8)", r, SYS_read, 3, args, 8);
	}
	close(fds[0]);
	close(fds[1]);
}

static void kernel_reads_memory(void)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	for (int i = 0; i < 3; i++) {
		unsigned long seed = kata_rand() | 1, want[4], got[4] = { 0 };
		for (int j = 0; j < 4; j++)
			want[j] = seed * (unsigned long)(2 * j + 3);
		struct kata_args a = { .arg = { 0, (int64_t)seed, [5] = kata_magic() }, .fd = { fds[1] }, .nfd = 1 };
		const struct kata_reply *r = kata_call("write-from-local", &a);
		kata_expect_i64("raw_syscall3(SYS_write, pipe, buf, 32) return value", 32, r->ret[0]);
		int64_t args[3] = { KATA_AGENT_FD_BASE, KATA_ANY, 32 };
		kata_expect_syscall("raw_syscall3(SYS_write, pipe, buf, 32)", r, SYS_write, 3, args, 32);
		ssize_t n = read(fds[0], got, sizeof(got));
		kata_expect_bytes("what the pipe received from a local buffer filled just before the call", want,
				  sizeof(want), got, n < 0 ? 0 : (size_t)n);
	}
	close(fds[0]);
	close(fds[1]);
}

const struct kata_case kata_cases[] = {
	{ "results", results, 0 },
	{ "rcx-survives", rcx_survives, 0 },
	{ "r11-survives", r11_survives, 0 },
	{ "kernel-writes-memory", kernel_writes_memory, 0 },
	{ "kernel-reads-memory", kernel_reads_memory, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
