/*
 * The agent side of batch-buffered: the learner's out_*() functions fed a
 * stream of records the judge encoded ("emit"), a conversation where each
 * prompt must reach the judge before the learner's in_read() waits for the
 * answer ("dialogue"), and the timed and counted loop, one out_byte() per
 * iteration into /dev/null (compiled apart: each is a real call).
 */
#include "kata-agent.h"

#include <fcntl.h>
#include <unistd.h>

void out_init(int fd);
void out_byte(int c);
void out_str(const char *s);
void out_flush(void);
long in_read(int fd, void *buf, unsigned long cap);

/* arg[0] = bytes: out_byte() that many times into /dev/null (opened once,
 * here, by the loop), then out_flush(). ret[0] = the descriptor. */
void loop_bytes(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int kata_ag_null = -1;

void loop_bytes(struct kata_call *c)
{
	if (kata_ag_null < 0)
		kata_ag_null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	out_init(kata_ag_null);
	for (int64_t i = 0; i < c->arg[0]; i++)
		out_byte((unsigned char)i);
	out_flush();
	c->ret[0] = kata_ag_null;
}
#else

/*
 * The judge's records, encoded in `in`: 'b' and one byte is out_byte(that
 * byte); 's' and a NUL-terminated string is out_str(that string). Output
 * goes to fd[0]; out_flush() at the end, as a program does before it
 * exits. ret[0] = operations made, ret[1] = 0, or where the encoding broke.
 */
static void kata_ag_emit(struct kata_call *c)
{
	const unsigned char *p = c->in, *end = c->in + c->in_len;
	int64_t ops = 0;
	out_init(c->fd[0]);
	while (p < end) {
		unsigned char op = *p++;
		if (op == 'b' && p < end) {
			out_byte(*p++);
		} else if (op == 's') {
			const unsigned char *s = p;
			while (p < end && *p)
				p++;
			if (p == end) {
				c->ret[1] = s - c->in;
				break;
			}
			out_str((const char *)s);
			p++;
		} else {
			c->ret[1] = p - c->in;
			break;
		}
		ops++;
	}
	out_flush();
	c->ret[0] = ops;
}

/*
 * A conversation: arg[0] prompts, NUL-separated in `in`. For each: the
 * prompt (out_str), then in_read() from fd[1] for the judge's answer, then
 * "you said: " and the answer back (out_byte by byte). Output to fd[0].
 * The judge answers only once it has the prompt: in_read() must flush
 * first. ret[0] = rounds done, ret[1] = in_read()'s answer where it failed.
 */
static void kata_ag_dialogue(struct kata_call *c)
{
	const char *prompt = (const char *)c->in;
	unsigned char answer[256];
	out_init(c->fd[0]);
	int64_t i;
	for (i = 0; i < c->arg[0]; i++) {
		out_str(prompt);
		while (*prompt)
			prompt++;
		prompt++;
		long n = in_read(c->fd[1], answer, sizeof(answer));
		if (n <= 0) {
			c->ret[1] = n;
			break;
		}
		out_str("you said: ");
		for (long j = 0; j < n && j < (long)sizeof(answer); j++)
			out_byte(answer[j]);
	}
	out_flush();
	c->ret[0] = i;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "emit", kata_ag_emit },
	{ "dialogue", kata_ag_dialogue },
	{ "bytes-loop", loop_bytes },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
