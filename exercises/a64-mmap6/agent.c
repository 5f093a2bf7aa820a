/*
 * The agent side of a64-mmap6 (see check.c): the learner's raw_syscall6()
 * inlined into a probe that poisons x0-x5 and x8 first, and two helpers of
 * the agent's own (its own raw syscalls, never the learner's) that move
 * bytes between a mapping and a file the judge holds: the kernel copies
 * them, so a bad address is -EFAULT, not a crash, and the judge reads what
 * the mapping held from its side.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

/* in = 7 int64: the number, then the six arguments. ret[0] = what
 * raw_syscall6 returned. */
KATA_PROBE probe_raw_syscall6(struct kata_call *c)
{
	int64_t v[7] = { 0 };
	const size_t n = c->in_len < sizeof(v) ? c->in_len : sizeof(v);
	unsigned char *p = (unsigned char *)v;
	for (size_t i = 0; i < n; i++)
		p[i] = c->in[i];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5],
			   raw_syscall6(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* pwrite(fd[0], (void *)arg[0], arg[1], 0): the mapping's bytes into the
 * judge's file. ret[0] = the kernel's answer. */
static void dump(struct kata_call *c)
{
	c->ret[0] = kata_raw_syscall4(SYS_pwrite64, c->fd[0], c->arg[0], c->arg[1], 0);
}

/* pread(fd[0], (void *)arg[0], arg[1], 0): the judge's file into the mapping. */
static void fill(struct kata_call *c)
{
	c->ret[0] = kata_raw_syscall4(SYS_pread64, c->fd[0], c->arg[0], c->arg[1], 0);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "raw_syscall6", probe_raw_syscall6 },
	{ "dump", dump },
	{ "fill", fill },
	{ 0 },
};
