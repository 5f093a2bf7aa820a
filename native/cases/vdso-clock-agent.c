/*
 * The agent's side of vdso-clock and vdso-fallback: the learner's
 * vdso_clock_gettime() called once, in a run, and in timed or counted loops.
 * What the process finds as its vDSO the runtime set up before any of this
 * (KATA_VDSO: the kernel's, none, or the judge's test image).
 */
#include "kata-agent.h"

#include <time.h>

long vdso_clock_gettime(long clock, struct timespec *ts);

void loop_monotonic(struct kata_call *c);
void loop_cputime(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
/* arg[0] = iterations: one real call each (compiled apart from the learner's file).
 * ret = { the last return value, tv_sec, tv_nsec }: the judge checks the last
 * reading against its own clock around the timed call. */
void loop_monotonic(struct kata_call *c)
{
	struct timespec ts = { -7, -7 };
	long r = 0;
	for (int64_t i = 0; i < c->arg[0]; i++) {
		r = vdso_clock_gettime(CLOCK_MONOTONIC, &ts);
		kata_sink(r);
	}
	c->ret[0] = r;
	c->ret[1] = ts.tv_sec;
	c->ret[2] = ts.tv_nsec;
}
/* A clock the vDSO does not serve: each call must reach the kernel once. */
void loop_cputime(struct kata_call *c)
{
	struct timespec ts;
	for (int64_t i = 0; i < c->arg[0]; i++)
		kata_sink(vdso_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
}
#else

static void put_i64(unsigned char *out, long v)
{
	for (int b = 0; b < 8; b++)
		out[b] = (unsigned char)((unsigned long)v >> (8 * b));
}

/* arg[0] = the clock. ret = { the return value, tv_sec, tv_nsec }; the
 * timespec starts as a value no clock gives, so an untouched one shows. */
static void call_clock(struct kata_call *c)
{
	struct timespec ts = { -7, -7 };
	c->ret[0] = vdso_clock_gettime(c->arg[0], &ts);
	c->ret[1] = ts.tv_sec;
	c->ret[2] = ts.tv_nsec;
}

/* arg[0] = the clock, arg[1] = how many calls in a row; out = { tv_sec, tv_nsec } per call,
 * ret[0] = the first non-zero return value (0 if none). */
static void call_sequence(struct kata_call *c)
{
	long n = c->arg[1];
	if (n < 0 || (unsigned long)n * 16 > c->out_cap)
		n = (long)(c->out_cap / 16);
	c->ret[0] = 0;
	for (long i = 0; i < n; i++) {
		struct timespec ts = { -7, -7 };
		long r = vdso_clock_gettime(c->arg[0], &ts);
		if (r && !c->ret[0])
			c->ret[0] = r;
		put_i64(c->out + 16 * i, ts.tv_sec);
		put_i64(c->out + 16 * i + 8, ts.tv_nsec);
	}
	c->out_len = (size_t)n * 16;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "clock", call_clock },
	{ "sequence", call_sequence },
	{ "monotonic-loop", loop_monotonic },
	{ "cputime-loop", loop_cputime },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
