/*
 * The agent's side of measure-batch (see check.c): the operations the
 * learner's ns_per_call() times, and one call per round that runs a batch
 * of warm-up (when asked) and then CHK_BATCHES batches, whose figures go
 * back as doubles in ret[0..2].
 *
 * The empty-op call is a probe: flatten inlines ns_per_call() into it, so
 * GCC knows the loop calls empty_op (what happens to a timer in a header or
 * under LTO). An empty_op() it may inline, or prove has no effect, has its
 * calls deleted and the loop measures ~0 ns.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

double ns_per_call(void (*op)(void), unsigned long iters);
void empty_op(void);

#define KATA_AG_BATCHES 3

static void kata_ag_getppid_op(void)
{
	kata_sink(kata_raw_syscall0(SYS_getppid));
}

static volatile unsigned long kata_ag_spins; /* from the judge */

static void kata_ag_spin_op(void)
{
	unsigned long n = kata_ag_spins;
	for (unsigned long i = 0; i < n; i++)
		kata_sink((long)i);
}

/* A call through a pointer, as the judge's loop makes: the volatile load
 * keeps GCC from turning it into a direct (inlinable) call. */
static void (*volatile kata_ag_op)(void);

/* arg[0]: 0 getppid_op, 1 spin_op; arg[1]: iterations per batch; arg[2]:
 * a warm-up batch first; arg[3]: spin_op's count. */
static void kata_ag_time_op(struct kata_call *c)
{
	kata_ag_spins = (unsigned long)c->arg[3];
	kata_ag_op = c->arg[0] == 1 ? kata_ag_spin_op : kata_ag_getppid_op;
	unsigned long iters = (unsigned long)c->arg[1];
	if (c->arg[2])
		kata_sink((long)ns_per_call(kata_ag_op, iters));
	for (int i = 0; i < KATA_AG_BATCHES; i++)
		c->ret[i] = kata_wire_from_double(ns_per_call(kata_ag_op, iters));
}

/* The judge's reference for getppid_op, timed by the judge's clock around
 * the call: the operation the learner's timer times, in the same process.
 * arg[0]: iterations. */
static void kata_ag_getppid_loop(struct kata_call *c)
{
	for (int64_t i = 0; i < c->arg[0]; i++)
		kata_ag_getppid_op();
}

/* arg[1]: iterations per batch; arg[2]: a warm-up batch first. */
KATA_PROBE probe_empty_op(struct kata_call *c)
{
	unsigned long iters = (unsigned long)c->arg[1];
	if (c->arg[2])
		kata_sink((long)ns_per_call(empty_op, iters));
	for (int i = 0; i < KATA_AG_BATCHES; i++)
		c->ret[i] = kata_wire_from_double(ns_per_call(empty_op, iters));
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "time-op", kata_ag_time_op },
	{ "time-empty-op", probe_empty_op },
	{ "getppid-loop", kata_ag_getppid_loop },
	{ 0 },
};
