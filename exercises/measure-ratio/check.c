/*
 * Driver for measure-ratio. The learner's call_ns() and syscall_ns() each
 * time their own batch; the harness measures the same two operations with
 * its references (function-call: an empty noipa function called in a
 * loop; raw-syscall: an inline-asm getppid in a loop), before and after
 * the learner's figures, in the same process.
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
 * asks for a batch of at least 1 ms (timed by the driver around the call).
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-rounds.h"

#include <stdio.h>
#include <time.h>

double call_ns(void);
double syscall_ns(void);

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
	const char *fn; /* the learner's function, for the notes */
	double (*learner)(void);
	double shortest; /* ns: the quickest return from the learner's function */
};

static double chk_round(void *ctx, int round, const struct kata_rounds *rounds)
{
	struct chk_look *l = ctx;
	(void)rounds;
	double t0 = chk_now_ns();
	double figure = l->learner();
	double spent = chk_now_ns() - t0;
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
static double chk_fastest(double (*learner)(void))
{
	double best = learner();
	for (int i = 1; i < CHK_TRIES; i++) {
		double x = learner();
		best = x < best ? x : best;
	}
	return best;
}

static void chk_case_call(void)
{
	kata_loop_fn ref = kata_reference_loop("function-call");
	if (!ref)
		return kata_expect_true("the harness has a function-call reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .fn = "call_ns()", .learner = call_ns };
	int r = 0;
	kata_pin_to_current_cpu();
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
	kata_loop_fn ref = kata_reference_loop("raw-syscall");
	if (!ref)
		return kata_expect_true("the harness has a raw-syscall reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .fn = "syscall_ns()", .learner = syscall_ns };
	const double min = 1 - CHK_SYSCALL_TOLERANCE, max = 1 + CHK_SYSCALL_TOLERANCE;
	int r = 0;
	kata_pin_to_current_cpu();
	int ok = kata_rounds_judge(ref, chk_round, &l, &l.r, min, max, chk_note, &r);
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
	kata_loop_fn call = kata_reference_loop("function-call"), sys = kata_reference_loop("raw-syscall");
	if (!call || !sys)
		return kata_expect_true("the harness has its references", 0, "a bug in the course, not in your code");
	kata_pin_to_current_cpu();
	double c = chk_fastest(call_ns), s = chk_fastest(syscall_ns);
	double hc = kata_measure_ns(call), hs = kata_measure_ns(sys);
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
	{ "call", chk_case_call },
	{ "syscall", chk_case_syscall },
	{ "ratio", chk_case_ratio },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
