/*
 * Driver for measure-batch. The learner's ns_per_call() is compared with
 * the harness's own measurement of the same operation (kata_measure_ns:
 * median of 11 epochs of >= 1 ms, each re-run if the thread was
 * descheduled), made in this process, on two operations of known cost: a
 * raw getppid system call, and a spin loop whose length comes from the seed
 * (so no constant answer passes both).
 *
 * The harness measures 4 times; between its measurements come 3 rounds of
 * the learner's batches (~2 ms each, after one warm-up batch), and each
 * round's figure is its fastest batch: the learner's timer has no defence
 * against being descheduled, and that only ever adds time. Each round is
 * judged against the harness's figures just before and after it, and one
 * round within its band passes: on a shared VM the cost of a system call
 * moves by up to 50% for tens of milliseconds at a time (on our 2-core
 * VM), so a band spanning two nearby harness figures follows
 * the machine. A wrong timer is wrong in every round. A look in which no
 * round passes is repeated once before the case fails.
 *
 * Built in "include" mode: the learner's file is #included here, so in the
 * empty-op case their ns_per_call() is inlined into the caller (flatten)
 * and GCC knows exactly which function the loop calls. That is what
 * happens to a timer in a header or under LTO: an empty_op() the compiler
 * may inline, or prove has no effect, has its calls deleted and the loop
 * measures ~0 ns.
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
#include <sys/syscall.h>

#ifndef KATA_LEARNER
#error "build with -DKATA_LEARNER='\"path/to/exercise.c\"' (the runner does)"
#endif
#include KATA_LEARNER

enum {
	CHK_BATCHES = 3, /* batches per round; the fastest counts */
};
#define CHK_BATCH_NS 2e6   /* each batch ~2 ms at the harness's speed */
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

/* The harness calls through a pointer, as ns_per_call() does: the volatile
 * load keeps GCC from turning it into a direct (inlinable) call. */
static void (*volatile chk_op)(void);

static void chk_pointer_loop(uint64_t iters)
{
	void (*op)(void) = chk_op;
	for (uint64_t i = 0; i < iters; i++)
		op();
}

/* The learner's timer, on each operation. */
static double chk_time_op(unsigned long iters)
{
	return ns_per_call(chk_op, iters);
}

/* Their timer inlined here, with empty_op known at the call site. */
__attribute__((flatten)) static double chk_time_empty_op(unsigned long iters)
{
	return ns_per_call(empty_op, iters);
}

/* ---- one look: rounds of the learner's batches between harness figures -- */

/* A look (native/include/kata-rounds.h): each round is the fastest of
 * CHK_BATCHES batches of the learner's timer; their timer has no defence
 * against being descheduled, and that only ever adds time. */
struct chk_look {
	struct kata_rounds r;
	const char *what; /* the operation, for the notes */
	double (*learner)(unsigned long);
	unsigned long iters;
	double batch[KATA_ROUNDS][CHK_BATCHES];
};

/* A batch near CHK_BATCH_NS for an operation of `ns`, varied by the seed. */
static unsigned long chk_iters_for(double ns)
{
	double iters = CHK_BATCH_NS / (ns > 0.1 ? ns : 0.1);
	iters *= (double)kata_rand_range(80, 125) / 100.0;
	return iters < 100 ? 100 : (unsigned long)iters;
}

static double chk_round(void *ctx, int round, const struct kata_rounds *rounds)
{
	struct chk_look *l = ctx;
	if (round == 0) {
		l->iters = chk_iters_for(rounds->harness[0]);
		kata_sink((long)l->learner(l->iters)); /* warm-up: caches, page faults, clock frequency */
	}
	double fastest = 0;
	for (int i = 0; i < CHK_BATCHES; i++) {
		l->batch[round][i] = l->learner(l->iters);
		if (i == 0 || l->batch[round][i] < fastest)
			fastest = l->batch[round][i];
	}
	return fastest;
}

static void chk_note_look(void *ctx, int look)
{
	const struct chk_look *l = ctx;
	kata_note("%sns_per_call(%s, %lu), the fastest of %d batches in each of %d rounds: yours %.3f, %.3f, %.3f ns; "
		  "harness %.3f, %.3f, %.3f, %.3f ns (before, between and after the rounds)",
		  look ? "measured again: " : "", l->what, l->iters, CHK_BATCHES, KATA_ROUNDS, l->r.yours[0], l->r.yours[1],
		  l->r.yours[2], l->r.harness[0], l->r.harness[1], l->r.harness[2], l->r.harness[3]);
}

/* What a figure that far off usually means. */
static const char *chk_diagnosis(double yours, double want, unsigned long iters)
{
	if (yours == 0)
		return " (exactly 0: is ns_per_call() still the stub, or is its clock too coarse to see the batch? "
		       "CLOCK_MONOTONIC is the one to use)";
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

static void chk_compare(const char *what, void (*op)(void))
{
	struct chk_look l = { .what = what, .learner = chk_time_op };
	const double min = 1 - CHK_TOLERANCE, max = 1 + CHK_TOLERANCE;
	int r = 0;
	kata_pin_to_current_cpu();
	chk_op = op;
	int ok = kata_rounds_judge(chk_pointer_loop, chk_round, &l, &l.r, min, max, chk_note_look, &r);
	char label[160], detail[400];
	snprintf(label, sizeof(label), "ns_per_call(%s) within 35%% of the harness's measurement", what);
	snprintf(detail, sizeof(detail),
		 "yours %.2f ns, harness %.2f ns before and %.2f ns after, allowed %.2f-%.2f ns (the closest of %d rounds)%s",
		 l.r.yours[r], l.r.harness[r], l.r.harness[r + 1], kata_rounds_low(&l.r, r) * min,
		 kata_rounds_high(&l.r, r) * max, KATA_ROUNDS, chk_diagnosis(l.r.yours[r], l.r.harness[r], l.iters));
	kata_expect_true(label, ok, detail);
}

static void chk_case_getppid(void)
{
	chk_compare("getppid_op", chk_getppid_op);
}

static void chk_case_spin(void)
{
	chk_spins = kata_rand_range(150, 1500);
	kata_note("spin_op counts to %lu", chk_spins);
	chk_compare("spin_op", chk_spin_op);
}

static void chk_case_empty(void)
{
	kata_loop_fn call = kata_reference_loop("function-call");
	if (!call)
		return kata_expect_true("the harness has a function-call reference", 0, "a bug in the course, not in your code");
	struct chk_look l = { .what = "empty_op", .learner = chk_time_empty_op };
	int r = 0;
	kata_pin_to_current_cpu();
	kata_rounds_judge(call, chk_round, &l, &l.r, CHK_EMPTY_MIN, CHK_EMPTY_MAX, chk_note_look, &r);
	double y = l.r.yours[r], lo = kata_rounds_low(&l.r, r), hi = kata_rounds_high(&l.r, r);
	char detail[400];
	snprintf(detail, sizeof(detail),
		 "yours %.3f ns, harness (an empty function call) %.3f ns, allowed at least %.3f ns: a loop whose calls "
		 "the compiler deleted measures ~0 (ns_per_call was inlined here, so GCC knew it was calling empty_op)",
		 y, lo, lo * CHK_EMPTY_MIN);
	kata_expect_true("the calls to empty_op() were not deleted", y >= lo * CHK_EMPTY_MIN, detail);
	snprintf(detail, sizeof(detail), "yours %.3f ns, harness (an empty function call) %.3f ns, allowed at most %.3f ns%s",
		 y, hi, hi * CHK_EMPTY_MAX, y > 10 ? ": is the clock read inside the loop, once per call?" : "");
	kata_expect_true("ns_per_call(empty_op) costs about one function call", y <= hi * CHK_EMPTY_MAX, detail);
	int whole = 1;
	for (int k = 0; k < KATA_ROUNDS; k++)
		for (int i = 0; i < CHK_BATCHES; i++)
			whole = whole && l.batch[k][i] == (double)(long long)l.batch[k][i];
	snprintf(detail, sizeof(detail),
		 "all %d batches came out in whole nanoseconds (%.3f, %.3f, %.3f, ...): an integer division drops the "
		 "fraction, and a 0.9 ns call would read 0",
		 KATA_ROUNDS * CHK_BATCHES, l.batch[0][0], l.batch[0][1], l.batch[0][2]);
	kata_expect_true("ns_per_call() keeps the fraction of a nanosecond", !whole, detail);
}

const struct kata_case kata_cases[] = {
	{ "getppid-op", chk_case_getppid },
	{ "spin-op", chk_case_spin },
	{ "empty-op", chk_case_empty },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
