/*
 * The agent side of a64-errno (see check.c): the learner's libc_style() on a
 * value from the judge, and their raw_syscall3() on a system call the judge
 * names, inlined into probes that poison the argument registers first.
 */
#include "kata-agent.h"

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

/* arg[0] = raw, arg[1] = what *err holds before the call.
 * ret[0] = the return value, ret[1] = *err after it. */
KATA_PROBE probe_libc_style(struct kata_call *c)
{
	int err = (int)c->arg[1];
	long got = libc_style(c->arg[0], &err);
	c->ret[0] = got;
	c->ret[1] = err;
}

/* arg[0] = n, arg[1..3] = a, b, c; bit i of arg[4] set: argument i+1 is
 * the address of a copy of the request's bytes (a path, a buffer), not a
 * number. ret[0] = the raw value raw_syscall3 returned. */
KATA_PROBE probe_raw_syscall3(struct kata_call *c)
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

const struct kata_agent_call kata_agent_calls[] = {
	{ "libc_style", probe_libc_style },
	{ "raw_syscall3", probe_raw_syscall3 },
	{ 0 },
};
