/*
 * The agent's side of the mmap katas (see cases/mmap.c): raw_syscall6()
 * inlined into a probe with all six argument registers poisoned and values
 * kept in rcx and r11 across it (x86-64), and helpers of the agent's own
 * (never the learner's code) on the memory the learner's mmap returned: a
 * plain store, and pwrite/pread between it and a file the judge holds. The
 * kernel copies those bytes, so a bad address is -EFAULT, not a crash, and
 * the judge reads what the mapping held from its side.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

/* arg[0..5] = a1..a6; in = { n, magic } as two int64s. ret[0] = what
 * raw_syscall6 returned. */
KATA_PROBE probe_syscall6(struct kata_call *c)
{
	int64_t nm[2] = { -1, 0 };
	unsigned char *p = (unsigned char *)nm;
	for (size_t i = 0; i < sizeof(nm) && i < c->in_len; i++)
		p[i] = c->in[i];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, nm[1],
			   raw_syscall6(nm[0], c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4], c->arg[5]));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* Stores in[0..in_len) at arg[0]: a store through a mapping, made by the
 * process that mapped it. */
static void store(struct kata_call *c)
{
	volatile unsigned char *to = (volatile unsigned char *)(uintptr_t)c->arg[0];
	for (size_t i = 0; i < c->in_len; i++)
		to[i] = c->in[i];
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
	{ "syscall6", probe_syscall6 },
	{ "store", store },
	{ "dump", dump },
	{ "fill", fill },
	{ 0 },
};
