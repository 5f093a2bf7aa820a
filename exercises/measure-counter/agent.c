/*
 * The agent's side of measure-counter (see check.c): the learner's
 * read_counter() and counter_ghz(), called when the judge asks. The judge
 * reads the counter and the clock on its own side, around these calls.
 */
#include "kata-agent.h"

unsigned long long read_counter(void);
double counter_ghz(void);

/* One read: ret[0]. */
static void kata_ag_read(struct kata_call *c)
{
	c->ret[0] = (int64_t)read_counter();
}

/* arg[0] reads back to back, into out (8 bytes each, native order). */
static void kata_ag_reads(struct kata_call *c)
{
	unsigned long long *v = (unsigned long long *)(void *)c->out;
	size_t n = (size_t)c->arg[0];
	if (n > c->out_cap / sizeof(*v))
		n = c->out_cap / sizeof(*v);
	for (size_t i = 0; i < n; i++)
		v[i] = read_counter();
	c->out_len = n * sizeof(*v);
}

/* counter_ghz(), as a double in ret[0]. */
static void kata_ag_ghz(struct kata_call *c)
{
	c->ret[0] = kata_wire_from_double(counter_ghz());
}

/* arg[0] reads in a loop, for what one read costs (the judge times it). */
static void kata_ag_read_loop(struct kata_call *c)
{
	for (int64_t i = 0; i < c->arg[0]; i++)
		kata_sink((long)read_counter());
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "read", kata_ag_read },
	{ "reads", kata_ag_reads },
	{ "ghz", kata_ag_ghz },
	{ "read-loop", kata_ag_read_loop },
	{ 0 },
};
