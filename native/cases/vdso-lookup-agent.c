/*
 * The agent's side of the vDSO lookup katas (vdso-hash, vdso-gnu-hash,
 * vdso-version): the judge's image mapped, or the process's own vDSO, and the
 * learner's lookup asked for each name the judge sent. The kata's agent.c
 * defines KATA_LOOKUP(base, version, name) (version NULL when none) before
 * including this file.
 *
 * Request: fd[0] the image (arg[0] its size, arg[1] where, arg[2] executable),
 * or no fd for the process's own vDSO; `in` = the version ("" for none), then
 * the names, each ending in NUL. Reply: ret[0] the base, out = one 8-byte
 * address per name, as the learner's function returned it.
 */
#include "kata-vdso-agent.h"

static unsigned long lookup_len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void call_lookup(struct kata_call *c)
{
	unsigned long base;
	if (c->nfd == 1) {
		long p = kata_vdso_map_image(c);
		c->ret[0] = p;
		if (p < 0 && p > -4096)
			return;
		base = (unsigned long)p;
	} else {
		unsigned long *e = kata_vdso_ehdr_entry(c);
		base = e ? e[1] : 0;
		c->ret[0] = (long)base;
		if (!base)
			return;
	}
	const char *p = (const char *)c->in, *end = p + c->in_len;
	if (c->in_len == 0 || end[-1] != 0)
		return;
	const char *version = p;
	p += lookup_len(p) + 1;
	unsigned long k = 0;
	while (p < end && (k + 1) * 8 <= c->out_cap) {
		const void *got = KATA_LOOKUP((const void *)base, *version ? version : (const char *)0, p);
		unsigned long v = (unsigned long)got;
		for (int b = 0; b < 8; b++)
			c->out[k * 8 + b] = (unsigned char)(v >> (8 * b));
		k++;
		p += lookup_len(p) + 1;
	}
	c->out_len = k * 8;
}
