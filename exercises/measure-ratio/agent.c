/*
 * The agent's side of measure-ratio (see check.c): the learner's call_ns()
 * and syscall_ns(), each returning its figure as a double in ret[0]; and
 * the judge's reference for the system call, a loop of raw getppid timed
 * by the judge's clock around the call (a system call costs more in the
 * confined agent, whose seccomp filters run on every one, than in the
 * judge: the judge's own loop would not time the same operation).
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

double call_ns(void);
double syscall_ns(void);

static int64_t kata_ag_bits(double x)
{
	union {
		double d;
		int64_t i;
	} u = { .d = x };
	return u.i;
}

static void kata_ag_call_ns(struct kata_call *c)
{
	c->ret[0] = kata_ag_bits(call_ns());
}

static void kata_ag_syscall_ns(struct kata_call *c)
{
	c->ret[0] = kata_ag_bits(syscall_ns());
}

/* arg[0]: iterations (0: an empty round trip). */
static void kata_ag_getppid_loop(struct kata_call *c)
{
	for (int64_t i = 0; i < c->arg[0]; i++)
		kata_sink(kata_raw_syscall0(SYS_getppid));
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "call-ns", kata_ag_call_ns },
	{ "syscall-ns", kata_ag_syscall_ns },
	{ "getppid-loop", kata_ag_getppid_loop },
	{ 0 },
};
