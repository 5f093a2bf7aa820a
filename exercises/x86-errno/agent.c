/*
 * The agent side of x86-errno: raw_syscall3() inlined into a probe with the
 * argument registers poisoned and values kept in rcx and r11 across it, and
 * libc_style() on a value the judge chose.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

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

/* arg[0] = raw, arg[1] = the value *err holds before. */
KATA_PROBE probe_libc_style(struct kata_call *c)
{
	int err = (int)c->arg[1];
	c->ret[0] = libc_style(c->arg[0], &err);
	c->ret[1] = err;
}

/* Not the learner's: a PROT_NONE page (its address in ret[0]), for efault. */
static void prot_none_page(struct kata_call *c)
{
	c->ret[0] = kata_raw_syscall6(9 /* mmap */, 0, 4096, 0 /* PROT_NONE */,
				      0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "syscall3", probe_syscall3 },
	{ "libc_style", probe_libc_style },
	{ "prot-none-page", prot_none_page },
	{ 0 },
};
