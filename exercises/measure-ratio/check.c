/*
 * Judge for measure-ratio. The learner's call_ns() and syscall_ns() run in
 * the agent (agent.c), each timing its own batch; the judge measures the
 * same two operations before and after the learner's figures: the function
 * call with its reference (function-call: an empty noipa function called
 * in a loop, in this process), the system call with a loop of raw getppid
 * in the agent, timed by this process's clock around the call: the same
 * operation in the same process as the learner's (the judge's raw-syscall
 * reference is noted for comparison). Both processes are pinned to the
 * same CPU, and the agent runs untraced, without a seccomp filter.
 *
 * The harness measures 4 times, and the learner's function is called
 * between its measurements; each call is judged against the harness's
 * figures just before and after it, and one call within its band passes:
 * on a shared VM the cost of a system call moves between levels for tens
 * of milliseconds at a time (by up to 50% on our 2-core VM), so a band
 * spanning two nearby harness figures follows the machine, while a wrong
 * measurement is wrong every time. A look in which no call passes is
 * repeated once before the case fails.
 *
 * Tolerances: call_ns() between half and 3 times the harness's function
 * call (an inlined or deleted call measures 0-0.3 ns, a clock read per call
 * 20+ ns); syscall_ns() within +-30% of the harness's raw getppid (a
 * non-volatile asm hoisted out of the loop measures ~0, libc's wrapper is
 * forbidden); and the ratio above 10 (on our VM it is 85-105). Each of the
 * learner's functions must also take at least 1 ms to return, as the task
 * asks for a batch of at least 1 ms (timed by the judge around the call,
 * less the round trip of an empty call).
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-rounds.h"

#include <stdio.h>
#include <time.h>

#include <string.h>

enum {
	CHK_TRIES = 3,  /* calls of each, for the ratio; the fastest counts */
};
#define CHK_CALL_MIN 0.5
#define CHK_CALL_MAX 3.0
#define CHK_SYSCALL_TOLERANCE 0.30
#define CHK_MIN_RATIO 10.0
#define CHK_MIN_BATCH_NS 1e6

static double chk_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A look (native/include/kata-rounds.h): each round is one call of the
 * learner's function, timed from outside too, for the batch-length check. */
struct chk_look {
	struct kata_rounds r;
	const char *fn;   /* the learner's function, for the notes */
	const char *call; /* the agent's call that runs it (agent.c) */
	double shortest; /* ns: the quickest return from the learner's function */
};

/* The round trip of an empty call, the least of a few: off the time the
 * learner's function takes, as the judge sees it. */
static double chk_round_trip_ns;

/* The reference for the system call: raw getppid in the agent, timed by
 * this process's clock around the call (kata_measure_ns times this loop;
 * the round trip, ~10 us, is spread over an epoch of >= 1 ms). The agent
 * cannot read the figure; it could only slow its own loop, and a figure
 * it slowed is one its timer must then match. */
static void chk_agent_getppid_loop(uint64_t iters)
{
	kata_call_loop("getppid-loop", iters);
}

/* Pins this process to its CPU, then starts the agent there (it inherits
 * the pin) and times its empty round trip, so that its start-up does not
 * land in a measurement. */
static void chk_start_agent_and_time_round_trip(void)
{
	kata_pin_and_start_agent();
	for (int i = 0; i < 9; i++) {
		double t0 = chk_now_ns();
		chk_agent_getppid_loop(0);
		double t = chk_now_ns() - t0;
		if (i == 0 || t < chk_round_trip_ns)
			chk_round_trip_ns = t;
	}
}

/* One call of the learner's function in the agent: its figure, and how
 * long it took, seen from here. */
static double chk_learner(const char *call, double *spent)
{
	struct kata_args a = { 0 };
	double t0 = chk_now_ns();
	const struct kata_reply *rep = kata_call(call, &a);
	*spent = chk_now_ns() - t0 - chk_round_trip_ns;
	double figure;
	figure = kata_wire_to_double(rep->ret[0]);
	return figure;
}

static double chk_round(void *ctx, int round, const struct kata_rounds *rounds)
{
	struct chk_look *l = ctx;
	(void)rounds;
	double spent;
	double figure = chk_learner(l->call, &spent);
	if (round == 0 || spent < l->shortest)
		l->shortest = spent;
	return figure;
}

static void chk_note(void *ctx, int look)
{
	const struct chk_look *l = ctx;
	kata_note("%s%s, called %d times: yours %.3f, %.3f, %.3f ns; harness %.3f, %.3f, %.3f, %.3f ns (before, "
		  "between and after your calls)",
		  look ? "measured again: " : "", l->fn, KATA_ROUNDS, l->r.yours[0], l->r.yours[1], l->r.yours[2],
		  l->r.harness[0], l->r.harness[1], l->r.harness[2], l->r.harness[3]);
}

/* The task asks for a batch of at least 1 ms: a function that returns
 * sooner cannot have timed one. */
static void chk_expect_batch(const char *fn, const struct chk_look *l)
{
	char label[96], detail[256];
	snprintf(label, sizeof(label), "%s times a batch of at least 1 ms", fn);
	snprintf(detail, sizeof(detail),
		 "%s returned after %.3f ms: a shorter batch measures the clock reads and the first, cold iterations "
		 "as much as the operation", fn, l->shortest / 1e6);
	kata_expect_true(label, l->shortest >= CHK_MIN_BATCH_NS, detail);
}

/* The fastest of 3 calls of each, for the ratio. */
static double chk_fastest(const char *call)
{
	double spent;
	double best = chk_learner(call, &spent);
	for (int i = 1; i < CHK_TRIES; i++) {
		double x = chk_learner(call, &spent);
		best = x < best ? x : best;
	}
	return best;
}

static void chk_case_call(void)
{
	kata_loop_fn ref = kata_reference_loop("function-call");
	if (!ref)
		return kata_expect_true("the harness has a function-call reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .fn = "call_ns()", .call = "call-ns" };
	int r = 0;
	chk_start_agent_and_time_round_trip();
	int ok = kata_rounds_judge(ref, chk_round, &l, &l.r, CHK_CALL_MIN, CHK_CALL_MAX, chk_note, &r);
	double y = l.r.yours[r], lo = kata_rounds_low(&l.r, r) * CHK_CALL_MIN, hi = kata_rounds_high(&l.r, r) * CHK_CALL_MAX;
	const char *why = "";
	if (y == 0)
		why = ": exactly 0 (still the stub, or a loop the compiler deleted?)";
	else if (y < lo)
		why = ": too cheap to be a call. Was the function inlined, or its calls deleted? (noinline is not enough)";
	else if (y > hi)
		why = ": is the clock read inside the loop, once per call?";
	char detail[400];
	snprintf(detail, sizeof(detail), "yours %.3f ns, harness %.3f ns before and %.3f ns after, allowed %.3f-%.3f ns%s", y,
		 l.r.harness[r], l.r.harness[r + 1], lo, hi, why);
	kata_expect_true("call_ns() measures one empty function call", ok, detail);
	chk_expect_batch("call_ns()", &l);
}

static void chk_case_syscall(void)
{
	kata_loop_fn judges = kata_reference_loop("raw-syscall");
	if (!judges)
		return kata_expect_true("the harness has a raw-syscall reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .fn = "syscall_ns()", .call = "syscall-ns" };
	const double min = 1 - CHK_SYSCALL_TOLERANCE, max = 1 + CHK_SYSCALL_TOLERANCE;
	int r = 0;
	chk_start_agent_and_time_round_trip();
	int ok = kata_rounds_judge(chk_agent_getppid_loop, chk_round, &l, &l.r, min, max, chk_note, &r);
	kata_note("for comparison, a raw getppid in the judge's own process: %.1f ns",
		  kata_measure_ns(judges));
	double y = l.r.yours[r], lo = kata_rounds_low(&l.r, r) * min, hi = kata_rounds_high(&l.r, r) * max;
	const char *why = "";
	if (y == 0)
		why = ": exactly 0 (still the stub?)";
	else if (y < lo / 10)
		why = ": far too cheap for a system call. Is the asm volatile? Without it GCC may move it out of the "
		      "loop, or delete it when the result is unused";
	else if (y > hi * 100)
		why = ": the whole batch, not per call?";
	char detail[400];
	snprintf(detail, sizeof(detail), "yours %.1f ns, harness %.1f ns before and %.1f ns after, allowed %.1f-%.1f ns%s", y,
		 l.r.harness[r], l.r.harness[r + 1], lo, hi, why);
	kata_expect_true("syscall_ns() within 30% of the harness's raw getppid", ok, detail);
	chk_expect_batch("syscall_ns()", &l);
}

static void chk_case_ratio(void)
{
	kata_loop_fn call = kata_reference_loop("function-call");
	if (!call)
		return kata_expect_true("the harness has its references", 0, "a bug in the course, not in your code");
	chk_start_agent_and_time_round_trip();
	double c = chk_fastest("call-ns"), s = chk_fastest("syscall-ns");
	double hc = kata_measure_ns(call), hs = kata_measure_ns(chk_agent_getppid_loop);
	char detail[320];
	if (c <= 0 || s <= 0) {
		snprintf(detail, sizeof(detail), "call_ns() gave %.3f ns and syscall_ns() %.3f ns: no ratio without both", c, s);
		return kata_expect_true("syscall_ns() / call_ns() is above 10", 0, detail);
	}
	double ratio = s / c;
	kata_note("a system call costs %.0fx a function call here: yours %.1f ns / %.2f ns (the harness: %.1f ns / %.2f ns = %.0fx)",
		  ratio, s, c, hs, hc, hs / hc);
	kata_note("at 10,000 system calls a second that is %.2f%% of a core; at 1,000,000 a second, %.0f%%", s * 1e4 / 1e7,
		  s * 1e6 / 1e7);
	snprintf(detail, sizeof(detail), "yours %.1f: %.1f ns / %.3f ns; the harness's %.1f", ratio, s, c, hs / hc);
	kata_expect_true("syscall_ns() / call_ns() is above 10", ratio > CHK_MIN_RATIO, detail);
}

const struct kata_case kata_cases[] = {
	{ "call", chk_case_call, KATA_UNTRACED },
	{ "syscall", chk_case_syscall, KATA_UNTRACED },
	{ "ratio", chk_case_ratio, KATA_UNTRACED },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
