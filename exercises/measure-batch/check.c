/*
 * Judge for measure-batch. The learner's ns_per_call() runs in the agent
 * (agent.c) and is compared with the judge's own measurement of the same
 * operation (kata_measure_ns: median of 11 epochs of >= 1 ms, each re-run
 * if the thread was descheduled), made in this process on its own copies
 * of the operations, on two operations of known cost: a raw getppid system
 * call, and a spin loop whose length comes from the seed (so no constant
 * answer passes both). Both processes are pinned to the same CPU, and the
 * agent runs untraced.
 *
 * The harness measures 4 times; between its measurements come 3 rounds of
 * the learner's batches (~1-3 ms each, sized by the seed alone, after one
 * warm-up batch), each round one call into the agent, and each round's
 * figure is its fastest batch:
 * the learner's timer has no defence against being descheduled, and that
 * only ever adds time. Each round is judged against the harness's figures
 * just before and after it, and one round within its band passes: on a
 * shared VM the cost of a system call moves by up to 50% for tens of
 * milliseconds at a time (on our 2-core VM), so a band spanning two nearby
 * harness figures follows the machine. A wrong timer is wrong in every
 * round. A look in which no round passes is repeated once before the case
 * fails.
 *
 * In the empty-op case the agent's call is a probe (agent.c): the
 * learner's ns_per_call() is inlined into it (flatten) and GCC knows
 * exactly which function the loop calls. That is what happens to a timer
 * in a header or under LTO: an empty_op() the compiler may inline, or
 * prove has no effect, has its calls deleted and the loop measures ~0 ns.
 *
 * Tolerances: +-35% on the known operations; for empty_op, between a tenth
 * of and 5 times the harness's own empty function call. A right timer lands
 * within a few percent; the mistakes caught here are off by 1.4x (integer
 * division) to 1000000x (no division).
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-rounds.h"
#include "raw-syscall.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

enum {
	CHK_BATCHES = 3, /* batches per round; the fastest counts */
};
#define CHK_TOLERANCE 0.35 /* known operations: +-35% */
#define CHK_EMPTY_MIN 0.1  /* empty_op: at least a tenth of a function call... */
#define CHK_EMPTY_MAX 5.0  /* ...and at most 5 */

/* ---- the operations, and the harness's loops over them ---------------- */

static void chk_getppid_op(void)
{
	kata_sink(kata_raw_syscall0(SYS_getppid));
}

static volatile unsigned long chk_spins; /* from the seed */

static void chk_spin_op(void)
{
	unsigned long n = chk_spins;
	for (unsigned long i = 0; i < n; i++)
		kata_sink((long)i);
}

/* The harness calls through a pointer, as ns_per_call() does in the agent:
 * the volatile load keeps GCC from turning it into a direct (inlinable)
 * call. */
static void (*volatile chk_op)(void);

static void chk_pointer_loop(uint64_t iters)
{
	void (*op)(void) = chk_op;
	for (uint64_t i = 0; i < iters; i++)
		op();
}

/* getppid_op's reference runs in the agent, the process whose getppid the
 * learner's timer times, and is timed by this process's clock around the
 * call (kata_measure_ns times this loop); the judge's own getppid
 * (chk_getppid_op) is noted for comparison. The agent cannot read the
 * figure; it could only slow its own loop, and a figure it slowed is one
 * its timer must then match. The round trip of the call (a few us) is
 * spread over an epoch of >= 1 ms. */
static void chk_agent_getppid_loop(uint64_t iters)
{
	kata_call_loop("getppid-loop", iters);
}

/* ---- one look: rounds of the learner's batches between harness figures -- */

/* A look (native/include/kata-rounds.h): each round is the fastest of
 * CHK_BATCHES batches of the learner's timer; their timer has no defence
 * against being descheduled, and that only ever adds time. */
struct chk_look {
	struct kata_rounds r;
	const char *what; /* the operation, for the notes */
	const char *call; /* the agent's call (agent.c) */
	int op;           /* its arg[0]: 0 getppid_op, 1 spin_op */
	unsigned long iters;
	double batch[KATA_ROUNDS][CHK_BATCHES];
	int looks;       /* how many looks were taken */
	char note[400];  /* the last look's figures, noted once it is judged */
};

/* The batch sizes come from the seed alone, in ranges that make ~1-3 ms
 * batches on our VM: a count the judge derived from its own figure would
 * tell the agent that figure (within the seed's variation), and a timer
 * could return it without timing anything. */
static unsigned long chk_iters_getppid(void)
{
	return (unsigned long)kata_rand_range(4000, 12000); /* ~230 ns each in the agent */
}

static unsigned long chk_iters_spin(unsigned long spins)
{
	return (unsigned long)kata_rand_range(4000000, 12000000) / spins; /* ~0.25-0.3 ns a count */
}

static unsigned long chk_iters_empty(void)
{
	return (unsigned long)kata_rand_range(1000000, 3000000); /* ~1 ns each */
}

/* One round in the agent: a warm-up batch first in round 0 (caches, page
 * faults, clock frequency), then CHK_BATCHES batches, their figures back
 * as doubles in ret[0..2]. */
static double chk_round(void *ctx, int round, const struct kata_rounds *rounds)
{
	struct chk_look *l = ctx;
	(void)rounds;
	struct kata_args a = { .arg = { l->op, (int64_t)l->iters, round == 0, (int64_t)chk_spins } };
	const struct kata_reply *rep = kata_call(l->call, &a);
	double fastest = 0;
	for (int i = 0; i < CHK_BATCHES; i++) {
		l->batch[round][i] = kata_wire_to_double(rep->ret[i]);
		if (i == 0 || l->batch[round][i] < fastest)
			fastest = l->batch[round][i];
	}
	return fastest;
}

/* Only the last look's figures are noted (with how many looks there were):
 * a learner reads one set. */
static void chk_note_look(void *ctx, int look)
{
	struct chk_look *l = ctx;
	l->looks = look + 1;
	snprintf(l->note, sizeof(l->note),
		 "ns_per_call(%s, %lu), fastest of %d batches per round: yours %.3f, %.3f, %.3f ns; "
		 "harness %.3f, %.3f, %.3f, %.3f ns (before, between, after)%s",
		 l->what, l->iters, CHK_BATCHES, l->r.yours[0], l->r.yours[1], l->r.yours[2], l->r.harness[0],
		 l->r.harness[1], l->r.harness[2], l->r.harness[3], look ? "; measured twice" : "");
}

/* What a figure that far off usually means. */
static const char *chk_diagnosis(double yours, double want, unsigned long iters)
{
	if (yours == 0)
		return " (exactly 0: still the stub, or a clock too coarse to see the batch? Use CLOCK_MONOTONIC)";
	if (yours < 0)
		return " (negative: t0 and t1 the wrong way round, or tv_nsec used without tv_sec?)";
	if (yours > want * (double)iters * 0.3)
		return " (about `iters` times too much: the whole batch, not per call?)";
	if (yours > want * 300 && yours < want * 3000)
		return " (about 1000x too much: nanoseconds counted twice?)";
	if (yours < want / 300 && yours > want / 3000)
		return " (about 1000x too little: microseconds instead of nanoseconds?)";
	return "";
}

/* ---- cases -------------------------------------------------------------- */

static void chk_compare(const char *what, kata_loop_fn reference, int agent_op, unsigned long iters)
{
	struct chk_look l = { .what = what, .call = "time-op", .op = agent_op, .iters = iters };
	const double min = 1 - CHK_TOLERANCE, max = 1 + CHK_TOLERANCE;
	int r = 0;
	kata_pin_and_start_agent();
	int ok = kata_rounds_judge(reference, chk_round, &l, &l.r, min, max, chk_note_look, &r);
	char label[160], detail[400];
	if (l.r.yours[0] != 0 || l.r.yours[1] != 0 || l.r.yours[2] != 0) /* all zeros: the detail says it */
		kata_note("%s", l.note);
	snprintf(label, sizeof(label), "ns_per_call(%s) within 35%% of the harness's", what);
	snprintf(detail, sizeof(detail), "yours %.2f ns, harness %.2f ns before and %.2f ns after, allowed %.2f-%.2f ns%s",
		 l.r.yours[r], l.r.harness[r], l.r.harness[r + 1], kata_rounds_low(&l.r, r) * min,
		 kata_rounds_high(&l.r, r) * max, chk_diagnosis(l.r.yours[r], l.r.harness[r], l.iters));
	kata_expect_true(label, ok, detail);
}

static void chk_case_getppid(void)
{
	chk_compare("getppid_op", chk_agent_getppid_loop, 0, chk_iters_getppid());
	chk_op = chk_getppid_op;
	kata_note("for comparison, a getppid in the judge's own process: %.3f ns",
		  kata_measure_ns(chk_pointer_loop));
}

static void chk_case_spin(void)
{
	chk_spins = kata_rand_range(150, 1500);
	kata_note("spin_op counts to %lu", chk_spins);
	chk_op = chk_spin_op;
	chk_compare("spin_op", chk_pointer_loop, 1, chk_iters_spin(chk_spins));
}

/* One round of the learner's timer on getppid_op (~100 ns a call): whether every batch is a
 * whole number of nanoseconds above 0, as an integer division makes them. */
static int chk_whole_elsewhere(void)
{
	struct chk_look g = { .what = "getppid_op", .call = "time-op", .op = 0, .iters = 2000 };
	chk_round(&g, 0, &g.r);
	for (int i = 0; i < CHK_BATCHES; i++)
		if (g.batch[0][i] <= 0 || g.batch[0][i] != (double)(long long)g.batch[0][i])
			return 0;
	return 1;
}

static void chk_case_empty(void)
{
	kata_loop_fn call = kata_reference_loop("function-call");
	if (!call)
		return kata_expect_true("the harness has a function-call reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .what = "empty_op", .call = "time-empty-op", .iters = chk_iters_empty() };
	int r = 0;
	kata_pin_and_start_agent();
	kata_rounds_judge(call, chk_round, &l, &l.r, CHK_EMPTY_MIN, CHK_EMPTY_MAX, chk_note_look, &r);
	double y = l.r.yours[r], lo = kata_rounds_low(&l.r, r), hi = kata_rounds_high(&l.r, r);
	int whole = 1;
	for (int k = 0; k < KATA_ROUNDS; k++)
		for (int i = 0; i < CHK_BATCHES; i++)
			whole = whole && l.batch[k][i] == (double)(long long)l.batch[k][i];
	int kept = y >= lo * CHK_EMPTY_MIN, cheap = y <= hi * CHK_EMPTY_MAX;
	if (kept && cheap && !whole)
		kata_note("empty_op: yours %.2f ns a call, the harness's empty function call %.2f ns", y, lo);
	else if (y != 0)
		kata_note("%s", l.note);
	char detail[400];
	/* Whole nanoseconds first: an integer division turns a 0.9 ns call into 0, which would
	 * otherwise read as a deleted loop. Which one it is, the batches of a slower operation
	 * tell: whole numbers there too (never 0) mean the division. */
	if (whole && y < 1 && chk_whole_elsewhere()) {
		snprintf(detail, sizeof(detail),
			 "every batch came out in whole nanoseconds (%.0f, %.0f, %.0f, ...; getppid_op's too): an integer "
			 "division drops the fraction, so a %.2f ns call reads 0. Divide as double",
			 l.batch[0][0], l.batch[0][1], l.batch[0][2], lo);
		return kata_expect_true("ns_per_call() keeps the fraction of a nanosecond", 0, detail);
	}
	snprintf(detail, sizeof(detail),
		 "yours %.3f ns, harness (an empty function call) %.3f ns, allowed at least %.3f ns: %s",
		 y, lo, lo * CHK_EMPTY_MIN,
		 y == 0 ? "exactly 0 (still the stub?)"
			: "the compiler deleted the calls (it knew the loop calls empty_op: ns_per_call was inlined into the caller)");
	kata_expect_true("empty_op() is really called", kept, detail);
	snprintf(detail, sizeof(detail), "yours %.3f ns, harness (an empty function call) %.3f ns, allowed at most %.3f ns%s",
		 y, hi, hi * CHK_EMPTY_MAX, y > 10 ? ": is the clock read inside the loop, once per call?" : "");
	kata_expect_true("ns_per_call(empty_op) costs about one function call", cheap, detail);
	snprintf(detail, sizeof(detail),
		 "all %d batches came out in whole nanoseconds (%.3f, %.3f, %.3f, ...): an integer division drops the "
		 "fraction, and a 0.9 ns call would read 0",
		 KATA_ROUNDS * CHK_BATCHES, l.batch[0][0], l.batch[0][1], l.batch[0][2]);
	kata_expect_true("ns_per_call() keeps the fraction of a nanosecond", !whole, detail);
}

const struct kata_case kata_cases[] = {
	{ "getppid-op", chk_case_getppid, KATA_UNTRACED },
	{ "spin-op", chk_case_spin, KATA_UNTRACED },
	{ "empty-op", chk_case_empty, KATA_UNTRACED },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
