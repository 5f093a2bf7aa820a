/*
 * The agent's side of the write(2) katas (see cases/write.c): raw_write()
 * inlined into a probe that fills its buffer just before the call (a
 * missing "memory" clobber lets GCC drop those stores), keeps values in rcx
 * and r11 across it and poisons the argument registers first.
 */
#include "kata-agent.h"

long raw_write(int fd, const void *buf, unsigned long len);

KATA_PROBE probe_write(struct kata_call *c)
{
	unsigned char local[KATA_WIRE_MAX_BYTES];
	size_t len = c->in_len;
	for (size_t i = 0; i < len; i++)
		local[i] = c->in[i];
	int fd = c->nfd ? c->fd[0] : (int)c->arg[0];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_write(fd, local, len));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "write", probe_write },
	{ 0 },
};
