/*
 * The agent side of vdso-getcpu: the learner's vdso_gettimeofday(),
 * vdso_time() and vdso_getcpu() asked once per request, on the process's own
 * vDSO (nothing here changes AT_SYSINFO_EHDR), and in a loop for the counting
 * run and the budget. The judge reads the clock and moves this process
 * between CPUs from outside; every answer is checked there.
 */
#include "kata-agent.h"

#include <sys/time.h>

long vdso_gettimeofday(struct timeval *tv);
long vdso_time(void);
long vdso_getcpu(unsigned *cpu, unsigned *node);

/* Stored where the learner's code must write: a value no clock and no CPU
 * shows, so a function that returns 0 without writing is seen. */
#define GETCPU_POISON 0xdeadbeefu

/*
 * The timed loops (KATA_AGENT_LOOPS: agent.c compiled alone, each iteration
 * a real call of the learner's function). arg[0] = iterations.
 * loop_all: the counting run, one call per iteration, the three functions in
 * turn. loop_getcpu: the budget, vdso_getcpu() alone.
 */
void loop_all(struct kata_call *c);
void loop_getcpu(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
void loop_all(struct kata_call *c)
{
	for (int64_t i = 0; i < c->arg[0]; i++) {
		struct timeval tv;
		unsigned cpu, node;
		switch (i % 3) {
		case 0:
			kata_sink(vdso_gettimeofday(&tv));
			kata_sink(tv.tv_usec);
			break;
		case 1:
			kata_sink(vdso_time());
			break;
		default:
			kata_sink(vdso_getcpu(&cpu, &node));
			kata_sink(cpu);
		}
	}
}

/* ret = { the last return value, *cpu }: the judge checks the CPU is the one it pinned the agent to. */
void loop_getcpu(struct kata_call *c)
{
	unsigned cpu = 0xfffffffu, node;
	long r = 0;
	for (int64_t i = 0; i < c->arg[0]; i++) {
		r = vdso_getcpu(&cpu, &node);
		kata_sink(r);
		kata_sink(cpu);
	}
	c->ret[0] = r;
	c->ret[1] = cpu;
}
#else

/* ret[0] = the return value, ret[1] = tv_sec, ret[2] = tv_usec. */
KATA_PROBE probe_gettimeofday(struct kata_call *c)
{
	struct timeval tv = { .tv_sec = (time_t)GETCPU_POISON, .tv_usec = (suseconds_t)GETCPU_POISON };
	c->ret[0] = vdso_gettimeofday(&tv);
	c->ret[1] = tv.tv_sec;
	c->ret[2] = tv.tv_usec;
}

/* ret[0] = the seconds. */
KATA_PROBE probe_time(struct kata_call *c)
{
	c->ret[0] = vdso_time();
}

/* ret[0] = the return value, ret[1] = *cpu, ret[2] = *node. arg[0] != 0:
 * node is NULL (getcpu(2): either pointer may be), ret[2] stays the poison. */
KATA_PROBE probe_getcpu(struct kata_call *c)
{
	unsigned cpu = GETCPU_POISON, node = GETCPU_POISON;
	c->ret[0] = vdso_getcpu(&cpu, c->arg[0] ? (unsigned *)0 : &node);
	c->ret[1] = cpu;
	c->ret[2] = node;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "gettimeofday", probe_gettimeofday },
	{ "time", probe_time },
	{ "getcpu", probe_getcpu },
	{ "all-loop", loop_all },
	{ "getcpu-loop", loop_getcpu },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
