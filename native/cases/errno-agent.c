/*
 * The agent's side of the errno katas (see cases/errno.c): raw_syscall3()
 * inlined into a probe with the argument registers poisoned and values kept
 * in rcx and r11 across it (x86-64), libc_style() on a value the judge
 * chose, and a PROT_NONE page of the agent's own for efault.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

/* arg[0] = n, arg[1..3] = a, b, c; bit i of arg[4] set: argument i+1 is the
 * address of a copy of the request's bytes (a path, a buffer), not a number;
 * arg[5] = the clobber magic. ret[0] = what raw_syscall3 returned. */
KATA_PROBE probe_syscall3(struct kata_call *c)
{
	static unsigned char local[KATA_WIRE_MAX_BYTES + 1];
	for (size_t i = 0; i < c->in_len; i++)
		local[i] = c->in[i];
	local[c->in_len] = 0;
	long v[3];
	for (int i = 0; i < 3; i++)
		v[i] = (c->arg[4] >> i) & 1 ? (long)local : (long)c->arg[1 + i];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_syscall3(c->arg[0], v[0], v[1], v[2]));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

/* arg[0] = raw, arg[1] = what *err holds before the call.
 * ret[0] = the return value, ret[1] = *err after it. */
KATA_PROBE probe_libc_style(struct kata_call *c)
{
	int err = (int)c->arg[1];
	c->ret[0] = libc_style(c->arg[0], &err);
	c->ret[1] = err;
}

/* Not the learner's: arg[0] bytes mapped PROT_NONE (its address in ret[0]). */
static void prot_none_page(struct kata_call *c)
{
	c->ret[0] = kata_raw_syscall6(SYS_mmap, 0, c->arg[0], 0 /* PROT_NONE */,
				      0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "syscall3", probe_syscall3 },
	{ "libc_style", probe_libc_style },
	{ "prot-none-page", prot_none_page },
	{ 0 },
};
