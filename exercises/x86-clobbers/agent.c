/*
 * The agent side of x86-clobbers. The learner's file comes right after this
 * one in the same unit, so their static inline raw_syscall3() is inlined
 * into the probes below and GCC allocates registers and schedules memory
 * accesses around their asm statement using exactly the clobber list they
 * wrote. Each probe sets up a situation in which a missing clobber changes
 * the code GCC generates in an observable way:
 *
 *   across: values the compiler must hand over in rcx and in r11 on both
 *     sides of the call (KATA_CLOBBER_PROBE). If the asm does not declare
 *     the register clobbered, GCC leaves the value there across `syscall`,
 *     and the kernel overwrites it (rcx = return address, r11 = rflags).
 *   read-into-local: read(2) into a local the compiler initialised;
 *     without "memory" GCC reuses the value it stored before the asm.
 *   write-from-local: write(2) from a local filled just before; without
 *     "memory" GCC sees stores nobody reads and deletes them.
 */
#include "kata-agent.h"

static inline long raw_syscall3(long n, long a, long b, long c);

/* arg[0] = n, arg[1..3] = a, b, c; arg[4] bit i (1..3): argument i is a
 * pointer to a copy of the judge's bytes; arg[5] = the clobber magic. */
KATA_PROBE probe_syscall3(struct kata_call *c)
{
	unsigned char local[4096];
	size_t len = c->in_len < sizeof(local) ? c->in_len : sizeof(local);
	for (size_t i = 0; i < len; i++)
		local[i] = c->in[i];
	long a[4];
	for (int i = 1; i <= 3; i++)
		a[i] = (c->arg[4] >> i) & 1 ? (long)local : (long)c->arg[i];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_syscall3(c->arg[0], a[1], a[2], a[3]));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* arg[0] = n (no arguments), arg[5] = the value kept in rcx (and its
 * complement in r11) across the call; the survivors in ret[1], ret[2]. */
KATA_PROBE probe_across(struct kata_call *c)
{
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_syscall3(c->arg[0], 0, 0, 0));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* read(2) from the judge's pipe into `word`, which holds arg[1]: without
 * "memory" in the clobbers GCC may answer `word` from what it stored and
 * never look again. (rcx and r11 hold the probe's values, arg[5], so that
 * a missing rcx or r11 clobber, the other cases' lesson, cannot also break
 * this probe's own pointers.) */
KATA_PROBE probe_read_into_local(struct kata_call *c)
{
	unsigned long word = (unsigned long)c->arg[1];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_syscall3(0 /* read */, c->fd[0], (long)&word, sizeof(word)));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
	c->ret[3] = (long)word;
}

/* write(2) to the judge's pipe from a buffer filled just before and dead
 * right after: without "memory" GCC may delete the stores (nothing it knows
 * of reads them). */
KATA_PROBE probe_write_from_local(struct kata_call *c)
{
	unsigned long buf[4], seed = (unsigned long)c->arg[1];
	for (int i = 0; i < 4; i++)
		buf[i] = seed * (unsigned long)(2 * i + 3);
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_syscall3(1 /* write */, c->fd[0], (long)buf, sizeof(buf)));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "syscall3", probe_syscall3 },
	{ "across", probe_across },
	{ "read-into-local", probe_read_into_local },
	{ "write-from-local", probe_write_from_local },
	{ 0 },
};
