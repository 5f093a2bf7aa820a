/*
 * The agent side of uring-nop: the learner's nop_setup(), nop_batch() and
 * nop_teardown() one at a time for the judge ("setup", "batch",
 * "teardown"), and the timed and counted loops of NOPs in batches of 1 and
 * of 32 (compiled apart: real calls).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <stdint.h>

int nop_setup(unsigned entries);
long nop_batch(unsigned n);
void nop_teardown(void);

/* arg[0] = NOPs, in batches of 1 (loop_nop_1) or 32 (loop_nop_32), on a ring
 * of 64 entries the first call sets up. ret[0] = the NOPs that completed
 * with res 0, ret[1] = the first error (or 0). */
void loop_nop_1(struct kata_call *c);
void loop_nop_32(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int kata_ag_ready;

static void kata_ag_loop(struct kata_call *c, unsigned batch)
{
	if (!kata_ag_ready) {
		int r = nop_setup(64);
		if (r < 0) {
			c->ret[0] = 0;
			c->ret[1] = r;
			return;
		}
		kata_ag_ready = 1;
	}
	int64_t ok = 0, err = 0;
	for (int64_t done = 0; done < c->arg[0];) {
		unsigned n = c->arg[0] - done < batch ? (unsigned)(c->arg[0] - done) : batch;
		long r = nop_batch(n);
		if (r < 0 && !err)
			err = r;
		ok += r > 0 ? r : 0;
		done += n;
	}
	c->ret[0] = ok;
	c->ret[1] = err;
}

void loop_nop_1(struct kata_call *c)
{
	kata_ag_loop(c, 1);
}

void loop_nop_32(struct kata_call *c)
{
	kata_ag_loop(c, 32);
}
#else

/* arg[0] = entries. ret[0] = nop_setup()'s answer. */
static void kata_ag_setup(struct kata_call *c)
{
	c->ret[0] = nop_setup((unsigned)c->arg[0]);
}

/* arg[0] = n. ret[0] = nop_batch()'s answer. */
static void kata_ag_batch(struct kata_call *c)
{
	c->ret[0] = nop_batch((unsigned)c->arg[0]);
}

static void kata_ag_teardown(struct kata_call *c)
{
	nop_teardown();
	c->ret[0] = 0;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "setup", kata_ag_setup },
	{ "batch", kata_ag_batch },
	{ "teardown", kata_ag_teardown },
	{ "nop-1", loop_nop_1 },
	{ "nop-32", loop_nop_32 },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
