/*
 * The agent side of batch-writev: the learner's send_message() given a
 * header, a body and a trailer in three separate buffers ("message"), and
 * the timed and counted loop of messages into /dev/null (compiled apart:
 * each is a real call).
 */
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

long send_message(int fd, const void *hdr, size_t hlen, const void *body, size_t blen, const void *trl, size_t tlen);

/* arg[0] = messages into /dev/null (opened once, here): a 24-byte header,
 * a body of 0, 300, 600 or 900 bytes in turn, an 8-byte trailer, as the
 * judge's reference loops send them. ret[0] = the bytes sent. */
void loop_messages(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int kata_ag_null = -1;
static unsigned char kata_ag_hdr[24] = "HDR:0123456789abcdefghi", kata_ag_body[900], kata_ag_trl[8] = "\r\n.END\r";

void loop_messages(struct kata_call *c)
{
	if (kata_ag_null < 0)
		kata_ag_null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int64_t sent = 0;
	for (int64_t i = 0; i < c->arg[0]; i++)
		sent += send_message(kata_ag_null, kata_ag_hdr, sizeof(kata_ag_hdr), kata_ag_body, (size_t)(i & 3) * 300,
				     kata_ag_trl, sizeof(kata_ag_trl));
	c->ret[0] = sent;
}
#else

/* Three buffers apart, as a program keeps a header, a payload and a trailer. */
static unsigned char kata_ag_h[4096], kata_ag_b[KATA_WIRE_MAX_BYTES], kata_ag_t[4096];

/*
 * arg[0..2] = the header's, body's and trailer's lengths, their bytes one
 * after the other in `in`; the message goes to fd[0].
 * ret[0] = send_message()'s answer, ret[1] = errno when it is -1.
 */
static void kata_ag_message(struct kata_call *c)
{
	size_t hl = (size_t)c->arg[0], bl = (size_t)c->arg[1], tl = (size_t)c->arg[2];
	if (hl > sizeof(kata_ag_h) || bl > sizeof(kata_ag_b) || tl > sizeof(kata_ag_t) || hl + bl + tl != c->in_len) {
		c->ret[0] = -2;
		return;
	}
	for (size_t i = 0; i < hl; i++)
		kata_ag_h[i] = c->in[i];
	for (size_t i = 0; i < bl; i++)
		kata_ag_b[i] = c->in[hl + i];
	for (size_t i = 0; i < tl; i++)
		kata_ag_t[i] = c->in[hl + bl + i];
	errno = 0;
	c->ret[0] = send_message(c->fd[0], kata_ag_h, hl, kata_ag_b, bl, kata_ag_t, tl);
	c->ret[1] = c->ret[0] < 0 ? errno : 0;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "message", kata_ag_message },
	{ "message-loop", loop_messages },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
