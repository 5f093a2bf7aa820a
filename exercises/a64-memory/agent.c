/*
 * The agent side of a64-memory (see check.c). The learner's file comes
 * right after this one in the same unit, so their static inline raw_read()
 * inlines into the probes below, compiled at -O2: the optimiser acts on
 * exactly what their asm statement tells it, and what it hides shows up in
 * the values sent back.
 *
 *   fresh-word, fresh-record: the destination holds known values before
 *     the call. Without a "memory" clobber (or a memory output) the asm
 *     has no visible effect on memory, so the compiler may answer later
 *     reads with the values it stored before the call.
 *   back-to-back: two reads from one fd with nothing in between. If x0 is
 *     only an input, the compiler believes x0 still holds the fd after the
 *     first svc and reuses it: the second call reads from "fd" = the first
 *     call's byte count, and the results are not what the kernel said.
 *
 * Every probe reads from fd[0], a pipe the judge filled.
 */
#include "kata-agent.h"

#include <stdint.h>

static inline long raw_read(int fd, void *buf, unsigned long len);

static void send_bytes(struct kata_call *c, const void *p, long n)
{
	const unsigned char *b = p;
	for (long i = 0; i < n && c->out_len < c->out_cap; i++)
		c->out[c->out_len++] = b[i];
}

/* ret[0] = raw_read(fd, buf, 512); out = the bytes it read. */
KATA_PROBE probe_pipe_read(struct kata_call *c)
{
	unsigned char got[512];
	long n = raw_read(c->fd[0], got, sizeof(got));
	c->ret[0] = n;
	send_bytes(c, got, n > (long)sizeof(got) ? (long)sizeof(got) : n);
}

/*
 * The pattern the two "fresh" probes share: store values the compiler knows
 * right before the call and read the destination right after it, with no
 * other call in between. Any other call could, as far as the compiler
 * knows, change memory whose address has escaped (and passing &word to an
 * asm statement makes it escape), so a call in between would make it
 * reload from memory and hide the bug rather than show it.
 */

/* arg[0] = the word's value before the call. ret[0] = raw_read(fd, &word,
 * 8), ret[1] = the word after it. */
KATA_PROBE probe_fresh_word(struct kata_call *c)
{
	uint64_t word = (uint64_t)c->arg[0]; /* known to the compiler, and never the answer */
	long n = raw_read(c->fd[0], &word, sizeof(word));
	uint64_t after = word;
	c->ret[0] = n;
	c->ret[1] = (int64_t)after;
}

struct record {
	uint32_t id;
	uint16_t kind;
	uint8_t flags[2];
	uint64_t value;
};

/* ret[0] = raw_read(fd, &rec, 16) into a zeroed struct; ret[1] = rec.id,
 * ret[2] = rec.kind | rec.flags[1] << 16, ret[3] = rec.value, after it. */
KATA_PROBE probe_fresh_record(struct kata_call *c)
{
	struct record rec = { 0, 0, { 0, 0 }, 0 }; /* every field known to be 0 */
	long n = raw_read(c->fd[0], &rec, sizeof(rec));
	struct record after = rec;
	c->ret[0] = n;
	c->ret[1] = after.id;
	c->ret[2] = (int64_t)after.kind | (int64_t)after.flags[1] << 16;
	c->ret[3] = (int64_t)after.value;
}

/* arg[0] = la, arg[1] = lb: raw_read(fd, a, la) then at once
 * raw_read(fd, b, lb). ret[0], ret[1] = their answers; out = what each
 * read (a's bytes, then b's). */
KATA_PROBE probe_back_to_back(struct kata_call *c)
{
	unsigned char a[200], b[200];
	unsigned long la = (unsigned long)c->arg[0] % 201, lb = (unsigned long)c->arg[1] % 201;
	/* a local: one the "memory" clobber does not make the compiler reload,
	 * so what it believes x0 holds after the first call matters */
	int fd = c->fd[0];
	long na = raw_read(fd, a, la);
	long nb = raw_read(fd, b, lb);
	c->ret[0] = na;
	c->ret[1] = nb;
	send_bytes(c, a, na < 0 ? 0 : na > (long)la ? (long)la : na);
	send_bytes(c, b, nb < 0 ? 0 : nb > (long)lb ? (long)lb : nb);
}

/* arg[0] = a closed descriptor. ret[0] = raw_read(fd, buf, 8). */
KATA_PROBE probe_bad_fd(struct kata_call *c)
{
	char buf[8];
	c->ret[0] = raw_read((int)c->arg[0], buf, sizeof(buf));
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "pipe-read", probe_pipe_read },
	{ "fresh-word", probe_fresh_word },
	{ "fresh-record", probe_fresh_record },
	{ "back-to-back", probe_back_to_back },
	{ "bad-fd", probe_bad_fd },
	{ 0 },
};
