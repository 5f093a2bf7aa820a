/*
 * The agent side of vdso-auxv: the learner's auxv_get() asked for types, on
 * the process's own start-up stack (the argc and argv main() received: the
 * words _start found) or on a stack laid out here to the judge's plan.
 *
 * "own": `in` = the types, 8 bytes each; out = one 8-byte answer per type.
 * "built": `in` = argc, envc, naux, ntypes (8 bytes each), naux words of the
 * vector, the types, then argc + envc strings, each ending in NUL; the stack
 * is argv[argc], NULL, envp[envc], NULL, the vector's words, as the kernel
 * lays it out. out = one answer per type.
 *
 * No libc (a noLibc kata): the copies are loops.
 */
#include "kata-agent.h"

unsigned long auxv_get(long argc, char **argv, unsigned long type);

#define BUILT_WORDS 256
#define BUILT_CHARS 4096

static unsigned long built_words[BUILT_WORDS];
static char built_chars[BUILT_CHARS];

static unsigned long in_word(const struct kata_call *c, unsigned long i)
{
	unsigned long v = 0;
	if ((i + 1) * 8 > c->in_len)
		return 0;
	for (int b = 7; b >= 0; b--)
		v = v << 8 | c->in[i * 8 + (unsigned long)b];
	return v;
}

static void out_word(struct kata_call *c, unsigned long i, unsigned long v)
{
	if ((i + 1) * 8 > c->out_cap)
		return;
	for (int b = 0; b < 8; b++)
		c->out[i * 8 + (unsigned long)b] = (unsigned char)(v >> (8 * b));
	c->out_len = (i + 1) * 8;
}

static void call_own(struct kata_call *c)
{
	unsigned long n = c->in_len / 8;
	for (unsigned long i = 0; i < n; i++)
		out_word(c, i, auxv_get(c->argc, c->argv, in_word(c, i)));
}

static void call_built(struct kata_call *c)
{
	unsigned long argc = in_word(c, 0), envc = in_word(c, 1), naux = in_word(c, 2), ntypes = in_word(c, 3);
	if (argc + 1 + envc + 1 + naux > BUILT_WORDS || (4 + naux + ntypes) * 8 > c->in_len)
		return;
	/* argv, its NULL, envp, its NULL: each word a pointer to a copy of one string. */
	const unsigned char *s = c->in + (4 + naux + ntypes) * 8, *end = c->in + c->in_len;
	unsigned long w = 0, used = 0;
	for (unsigned long k = 0; k < argc + envc; k++) {
		built_words[w++] = (unsigned long)(built_chars + used);
		do {
			if (s >= end || used >= BUILT_CHARS)
				return;
			built_chars[used++] = (char)*s;
		} while (*s++);
		if (k + 1 == argc)
			built_words[w++] = 0; /* argv's NULL */
	}
	if (argc == 0)
		built_words[w++] = 0;
	built_words[w++] = 0; /* envp's NULL */
	for (unsigned long i = 0; i < naux; i++)
		built_words[w++] = in_word(c, 4 + i);
	for (unsigned long i = 0; i < ntypes; i++)
		out_word(c, i, auxv_get((long)argc, (char **)built_words, in_word(c, 4 + naux + i)));
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "own", call_own },
	{ "built", call_built },
	{ 0 },
};
