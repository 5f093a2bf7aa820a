/*
 * The agent's side of measure-ratio (see check.c): the learner's call_ns()
 * and syscall_ns(), each returning its figure as a double in ret[0]; and
 * the judge's reference for the system call, a loop of raw getppid in the
 * same process as the learner's, timed by the judge's clock around the
 * call.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

double call_ns(void);
double syscall_ns(void);

static void kata_ag_call_ns(struct kata_call *c)
{
	c->ret[0] = kata_wire_from_double(call_ns());
}

static void kata_ag_syscall_ns(struct kata_call *c)
{
	c->ret[0] = kata_wire_from_double(syscall_ns());
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
