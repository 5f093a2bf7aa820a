/*
 * The agent side of x86-int80: raw_write() inlined into a probe, from a
 * buffer below 4 GiB (a MAP_32BIT mapping), on the stack, in an ordinary
 * mapping or in the program's static data (all three far above 4 GiB in a
 * 64-bit process), with the argument registers poisoned and values kept in
 * rcx and r11 across the call.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

long raw_write(int fd, const void *buf, unsigned long len);

enum { WHERE_STACK, WHERE_MAPPING, WHERE_STATIC };

static unsigned char static_buf[KATA_WIRE_MAX_BYTES];

/* fd[0] = the judge's pipe or file; in = the bytes; arg[1] = where the
 * buffer is, arg[2] = the mapping's address (WHERE_MAPPING); arg[5] = the
 * clobber magic. ret[3] = the buffer's address. */
KATA_PROBE probe_write(struct kata_call *c)
{
	unsigned char stack_buf[8192];
	unsigned char *buf = c->arg[1] == WHERE_STATIC	  ? static_buf
			     : c->arg[1] == WHERE_MAPPING ? (unsigned char *)(uintptr_t)c->arg[2]
							  : stack_buf;
	size_t len = c->in_len;
	if (c->arg[1] == WHERE_STACK && len > sizeof(stack_buf))
		len = sizeof(stack_buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = c->in[i];
	int fd = c->nfd ? c->fd[0] : (int)c->arg[0];
	long ret, rcx, r11;
	KATA_CLOBBER_PROBE(ret, &rcx, &r11, c->arg[5], raw_write(fd, buf, len));
	c->ret[0] = ret;
	c->ret[1] = rcx;
	c->ret[2] = r11;
	c->ret[3] = (long)buf;
}

/* Not the learner's: an 8 KiB read-write mapping, MAP_32BIT if arg[0]. */
static void map(struct kata_call *c)
{
	c->ret[0] = kata_raw_syscall6(9 /* mmap */, 0, 8192, 3 /* PROT_READ|PROT_WRITE */,
				      0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */ | (c->arg[0] ? 0x40 /* MAP_32BIT */ : 0),
				      -1, 0);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "write", probe_write },
	{ "map", map },
	{ 0 },
};
