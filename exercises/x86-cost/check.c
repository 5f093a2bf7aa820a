/*
 * Driver for x86-cost: raw_getppid() must be right (the agent's parent is
 * this judge; across fork and across re-parenting, so a cached answer
 * fails), make exactly one getppid system call per call (traced and
 * counted by the judge), and cost no more than libc's syscall(SYS_getppid)
 * within the manifest's ratio.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static void matches_libc(void)
{
	long want = getpid(); /* the judge starts the agent: its parent is us */
	kata_note("the agent's parent is this judge, %ld", want);
	for (int i = 0; i < 3; i++) {
		int64_t magic = kata_magic();
		struct kata_args a = { .arg = { [5] = magic } };
		const struct kata_reply *r = kata_call("getppid", &a);
		kata_expect_i64("raw_getppid() vs the agent's parent", want, r->ret[0]);
		kata_expect_syscall("raw_getppid", r, SYS_getppid, 0, NULL, want);
		kata_expect_clobbers("raw_getppid", r, magic);
	}
}

/* The return value of the first `nr` syscall made by thread `tid`, or `dflt`. */
static long ret_of(const struct kata_reply *r, int tid, long nr, long dflt)
{
	for (int i = 0; i < r->nsc; i++)
		if (r->sc[i].tid == tid && r->sc[i].nr == nr && r->sc[i].returned)
			return (long)r->sc[i].ret;
	return dflt;
}

/* How many getppid syscalls thread `tid` made from the learner's unit. */
static int getppids_of(const struct kata_reply *r, int tid)
{
	int n = 0;
	for (int i = 0; i < r->nsc; i++)
		n += r->sc[i].tid == tid && r->sc[i].nr == SYS_getppid && !r->sc[i].compat;
	return n;
}

/* In a child, the parent is the agent: a value remembered from before
 * fork() is the agent's parent's pid (ours), not the agent's. */
static void after_fork(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	int agent = kata_agent_pid();
	struct kata_args a = { .fd = { fds[1] }, .nfd = 1 };
	const struct kata_reply *r = kata_call("after-fork", &a);
	close(fds[1]);
	long got = 0;
	ssize_t n = read(fds[0], &got, sizeof(got));
	close(fds[0]);
	long child = ret_of(r, agent, SYS_fork, r->ret[1]);
	kata_note("raw_getppid() in the agent (%d), then in its child %ld", agent, child);
	kata_expect_i64("raw_getppid() in the agent, before fork() (its parent, this judge)", getpid(), r->ret[0]);
	if (n != sizeof(got))
		return kata_expect_true("the child reported its raw_getppid()", 0,
					"the child ended without an answer (did raw_getppid() crash?)");
	kata_expect_i64("raw_getppid() in the child (the pid of its parent, the agent)", agent, got);
	if (r->traced && child > 0) {
		int k = getppids_of(r, (int)child);
		const char *detail = k == 1 ? NULL
				     : k > 1 ? "the child made more than one getppid syscall for one raw_getppid()"
				     : got == r->ret[0] ? "the child made no getppid syscall: its answer is the one from before fork(), remembered"
							: "the child made no getppid syscall";
		kata_expect_true("the child asked the kernel (one getppid syscall of its own)", k == 1, detail);
	}
}

/*
 * The parent of a process can change while it runs: when the parent exits,
 * the child is re-parented (here, to the agent, made a subreaper). The
 * grandchild calls raw_getppid() before and after that.
 */
static void reparented(void)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	int agent = kata_agent_pid();
	struct kata_args a = { .fd = { fds[1] }, .nfd = 1 };
	const struct kata_reply *r = kata_call("reparented", &a);
	close(fds[1]);
	long v[3] = { 0, -1, -1 };
	ssize_t n = read(fds[0], v, sizeof(v));
	close(fds[0]);
	long middle = ret_of(r, agent, SYS_fork, r->ret[0]);
	if (middle <= 0)
		kata_setup_failed("fork() in the agent");
	kata_note("grandchild %ld; its parent %ld exits; it is re-parented to the agent, %d", v[0], middle, agent);
	if (n != sizeof(v))
		return kata_expect_true("the grandchild reported its raw_getppid() answers", 0,
					"the grandchild ended without an answer (did raw_getppid() crash?)");
	kata_expect_i64("raw_getppid() in the grandchild, before", middle, v[1]);
	kata_expect_i64("raw_getppid() in the grandchild, after its parent exited", agent, v[2]);
}

static void reference_loop(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(syscall(SYS_getppid));
}

const struct kata_case kata_cases[] = {
	{ "matches-libc", matches_libc, 0 },
	{ "after-fork", after_fork, 0 },
	{ "reparented", reparented, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "getppid", "getppid-loop", reference_loop },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "getppid", "getppid-loop" },
	{ 0 },
};
