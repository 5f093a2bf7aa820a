/*
 * The agent side of x86-cost: raw_getppid() inlined into probes, alone
 * (registers poisoned, rcx and r11 probed), in a loop for the budget and
 * counting runs, and in processes forked here: a child (whose parent is the
 * agent, not the agent's parent) and a grandchild whose parent exits while
 * it runs (it is re-parented to the agent, made a subreaper). The agent's
 * own syscalls here are the course's raw ones; agent code has no libc.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

long raw_getppid(void);

/* x86-64 syscall numbers the probes use themselves. */
enum {
	NR_READ = 0, NR_WRITE = 1, NR_CLOSE = 3, NR_NANOSLEEP = 35, NR_GETPID = 39, NR_FORK = 57,
	NR_EXIT_GROUP = 231, NR_WAIT4 = 61, NR_GETPPID = 110, NR_PRCTL = 157, NR_PIPE2 = 293,
};
#define PR_SET_CHILD_SUBREAPER_ 36

/* arg[5] = the clobber magic. */
KATA_PROBE probe_getppid(struct kata_call *c)
{
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_getppid());
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* arg[0] = iterations: the budget's and the counting run's loop. A timed
 * loop is compiled apart from the learner's file (KATA_AGENT_LOOPS), so
 * that each iteration is a real call of raw_getppid(), as its callers make
 * it, and what is timed is what the kata has always timed. */
void loop_getppid(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
void loop_getppid(struct kata_call *c)
{
	for (int64_t i = 0; i < c->arg[0]; i++)
		kata_sink(raw_getppid());
}
#else

/* raw_getppid() here, then in a child, which writes its answer (8 bytes) to
 * the judge's pipe, fd[0]. ret[0] = the answer here, ret[1] = the child. */
KATA_PROBE probe_after_fork(struct kata_call *c)
{
	long before = raw_getppid();
	kata_sink(before);
	long child = kata_raw_syscall0(NR_FORK);
	if (child == 0) {
		long v = raw_getppid();
		kata_raw_syscall3(NR_WRITE, c->fd[0], (long)&v, sizeof(v));
		kata_raw_syscall1(NR_EXIT_GROUP, 0);
	}
	if (child > 0) {
		int status = 0;
		kata_raw_syscall4(NR_WAIT4, child, (long)&status, 0, 0);
	}
	c->ret[0] = before;
	c->ret[1] = child;
}

/*
 * The agent becomes a subreaper and forks a middle process, which forks a
 * grandchild. The grandchild asks raw_getppid() (the middle process), lets
 * the middle process exit, waits (at most 5 s) until the kernel shows its
 * new parent, asks raw_getppid() again (the agent) and writes { its pid,
 * the first answer, the second } to the judge's pipe, fd[0].
 * ret[0] = the middle process.
 */
KATA_PROBE probe_reparented(struct kata_call *c)
{
	int go[2] = { -1, -1 };
	kata_raw_syscall5(NR_PRCTL, PR_SET_CHILD_SUBREAPER_, 1, 0, 0, 0);
	if (kata_raw_syscall2(NR_PIPE2, (long)go, 0) != 0) {
		c->ret[0] = -1;
		return;
	}
	long middle = kata_raw_syscall0(NR_FORK);
	if (middle == 0) {
		long grandchild = kata_raw_syscall0(NR_FORK);
		if (grandchild == 0) {
			long v[3];
			v[0] = kata_raw_syscall0(NR_GETPID);
			v[1] = raw_getppid(); /* the middle process */
			kata_raw_syscall3(NR_WRITE, go[1], (long)"x", 1); /* the middle process may exit */
			for (int i = 0; i < 5000 && kata_raw_syscall0(NR_GETPPID) == v[1]; i++) {
				struct {
					long tv_sec, tv_nsec;
				} ms = { 0, 1000000 };
				kata_raw_syscall2(NR_NANOSLEEP, (long)&ms, 0);
			}
			v[2] = raw_getppid(); /* the subreaper: the agent */
			kata_raw_syscall3(NR_WRITE, c->fd[0], (long)v, sizeof(v));
			kata_raw_syscall1(NR_EXIT_GROUP, 0);
		}
		char ch;
		kata_raw_syscall1(NR_CLOSE, go[1]);
		kata_raw_syscall3(NR_READ, go[0], (long)&ch, 1); /* until the grandchild has asked (or died) */
		kata_raw_syscall1(NR_EXIT_GROUP, 0);
	}
	kata_raw_syscall1(NR_CLOSE, go[0]);
	kata_raw_syscall1(NR_CLOSE, go[1]);
	/* The middle process, then the grandchild, re-parented to us. */
	int status;
	while (kata_raw_syscall4(NR_WAIT4, -1, (long)&status, 0, 0) > 0)
		;
	kata_raw_syscall5(NR_PRCTL, PR_SET_CHILD_SUBREAPER_, 0, 0, 0, 0);
	c->ret[0] = middle;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "getppid", probe_getppid },
	{ "getppid-loop", loop_getppid },
	{ "after-fork", probe_after_fork },
	{ "reparented", probe_reparented },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
