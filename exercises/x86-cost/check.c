/*
 * Driver for x86-cost: raw_getppid() must be right (against libc's
 * getppid(), across fork and across re-parenting, so a cached answer
 * fails), make exactly one getppid system call per call (counted under
 * strace), and cost no more than libc's syscall(SYS_getppid) within the
 * manifest's ratio.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long raw_getppid(void);

static void matches_libc(void)
{
	long want = getppid();
	kata_note("this process's parent is %ld", want);
	for (int i = 0; i < 3; i++)
		kata_expect_i64("raw_getppid() vs libc getppid()", want, raw_getppid());
}

/* In a child, the parent is us: a value remembered from before fork() is
 * our parent's pid, not ours. */
static void after_fork(void)
{
	long before = raw_getppid();
	kata_sink(before);
	int fds[2];
	if (pipe(fds) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	pid_t child = fork();
	if (child < 0)
		return kata_expect_true("fork() for the test", 0, "the harness could not fork");
	if (child == 0) {
		long v = raw_getppid();
		_exit(write(fds[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(fds[1]);
	long got = 0;
	ssize_t n = read(fds[0], &got, sizeof(got));
	close(fds[0]);
	waitpid(child, NULL, 0);
	kata_note("raw_getppid() in a child of %ld", (long)getpid());
	if (n != sizeof(got))
		return kata_expect_true("the child reported its raw_getppid()", 0,
					"the child ended without an answer (did raw_getppid() crash?)");
	kata_expect_i64("raw_getppid() in the child (the pid of its parent, this process)", getpid(), got);
}

/*
 * The parent of a process can change while it runs: when the parent exits,
 * the child is re-parented (here, to this process, made a subreaper). The
 * grandchild calls raw_getppid() before and after that.
 */
static void reparented(void)
{
	int fds[2], go[2];
	if (pipe(fds) != 0 || pipe(go) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t middle = fork();
	if (middle < 0)
		return kata_expect_true("fork() for the test", 0, "the harness could not fork");
	if (middle == 0) {
		pid_t grandchild = fork();
		if (grandchild < 0)
			_exit(1); /* the test process then reads nothing and reports it */
		if (grandchild == 0) {
			long v[3];
			v[0] = getpid();
			v[1] = raw_getppid(); /* the middle process */
			if (write(go[1], "x", 1) != 1) /* tell the middle process it may exit */
				_exit(1);
			/* wait (at most 5 s) until libc sees the new parent */
			for (int i = 0; i < 5000 && getppid() == v[1]; i++) {
				struct timespec ms = { 0, 1000000 };
				nanosleep(&ms, NULL);
			}
			v[2] = raw_getppid(); /* the subreaper: the test process */
			_exit(write(fds[1], v, sizeof(v)) == sizeof(v) ? 0 : 1);
		}
		char c;
		close(fds[1]); /* if the grandchild dies, everyone sees end-of-file */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1); /* exit once the grandchild has asked */
	}
	close(fds[1]);
	close(go[0]);
	close(go[1]);
	long v[3] = { 0, -1, -1 };
	ssize_t n = read(fds[0], v, sizeof(v));
	close(fds[0]);
	waitpid(middle, NULL, 0);
	if (n == sizeof(v))
		waitpid((pid_t)v[0], NULL, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	kata_note("grandchild %ld; its parent %ld exits; it is re-parented to %ld", v[0], (long)middle,
		  (long)getpid());
	if (n != sizeof(v))
		return kata_expect_true("the grandchild reported its raw_getppid() answers", 0,
					"the grandchild ended without an answer (did raw_getppid() crash?)");
	kata_expect_i64("raw_getppid() in the grandchild, before", middle, v[1]);
	kata_expect_i64("raw_getppid() in the grandchild, after its parent exited", getpid(), v[2]);
}

static void learner_loop(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(raw_getppid());
}

static void reference_loop(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(syscall(SYS_getppid));
}

const struct kata_case kata_cases[] = {
	{ "matches-libc", matches_libc },
	{ "after-fork", after_fork },
	{ "reparented", reparented },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "getppid", learner_loop, reference_loop },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "getppid", learner_loop },
	{ 0 },
};
