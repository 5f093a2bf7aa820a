/*
 * Judge for measure-counter. The learner's read_counter() and
 * counter_ghz() run in the agent (agent.c); the counter is the machine's,
 * so the judge reads the same one. read_counter() must be the counter the
 * harness reads (kata_read_counter: the TSC on x86-64, cntvct_el0 on
 * ARM64), read between two of the harness's own reads (before and after
 * the call into the agent); it must not go backwards; their counter_ghz()
 * must agree with the harness's calibration; and their ticks, divided by
 * their GHz, must give the same interval as CLOCK_MONOTONIC_RAW read here,
 * around each call that reads their counter. Both processes are pinned to
 * the same CPU, and the agent runs untraced.
 *
 * The harness calibrates with care a learner need not take: each (counter,
 * clock) pair is the tightest of 16 tries (counter, clock, counter), over
 * 50 ms. Its error is a few parts per million.
 *
 * Tolerances: counter_ghz() within 2% (a right answer is within 0.01% on
 * our VM; the mistakes caught are the inverse, a factor of 1000 or 1e9, or
 * an integer division); ticks converted to ns within 5% of the clock over
 * a 3-8 ms sleep (right: within 0.1%). A result outside its band is
 * measured once more before it fails.
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-rounds.h" /* kata_reference_loop */
#include "raw-syscall.h"

#include <stdio.h>
#include <time.h>

#include <string.h>

enum {
	CHK_READS = 1000,
	CHK_LOOKS = 2,
};
#define CHK_GHZ_TOLERANCE 0.02
#define CHK_NS_TOLERANCE 0.05

/* ---- the harness's clock and calibration -------------------------------- */

static long long chk_raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct chk_pair {
	unsigned long long ticks; /* midway between two counter reads... */
	long long ns;             /* ...made around this clock read */
	unsigned long long width; /* ticks between those two reads */
};

/* A counter reading and a clock reading taken as close together as this
 * machine allows: the tightest of 16 tries. A try that the scheduler
 * interrupted is wide and loses. */
static struct chk_pair chk_pair_of(unsigned long long (*read)(void))
{
	struct chk_pair best = { 0, 0, ~0ull };
	for (int i = 0; i < 16; i++) {
		unsigned long long c0 = read();
		long long t = chk_raw_ns();
		unsigned long long c1 = read();
		if (c1 >= c0 && c1 - c0 < best.width) {
			best.width = c1 - c0;
			best.ticks = c0 + (c1 - c0) / 2;
			best.ns = t;
		}
	}
	return best;
}

static unsigned long long chk_harness_counter(void)
{
	return kata_read_counter();
}

/* The learner's counter and this process's clock: the tightest of 16
 * tries (clock, a call that reads their counter, clock). */
static struct chk_pair chk_learner_pair(void)
{
	struct chk_pair best = { 0, 0, ~0ull };
	struct kata_args a = { 0 };
	for (int i = 0; i < 16; i++) {
		long long t0 = chk_raw_ns();
		unsigned long long c = (unsigned long long)kata_call("read", &a)->ret[0];
		long long t1 = chk_raw_ns();
		if (t1 >= t0 && (unsigned long long)(t1 - t0) < best.width) {
			best.width = (unsigned long long)(t1 - t0);
			best.ticks = c;
			best.ns = t0 + (t1 - t0) / 2;
		}
	}
	return best;
}

/* Ticks per ns, over 50 ms of busy waiting. */
static double chk_calibrate(void)
{
	struct chk_pair a = chk_pair_of(chk_harness_counter);
	while (chk_raw_ns() - a.ns < 50000000)
		;
	struct chk_pair b = chk_pair_of(chk_harness_counter);
	return (double)(b.ticks - a.ticks) / (double)(b.ns - a.ns);
}

/* read_counter() in a loop in the agent, timed from here (the round trip
 * of the call, ~10 us, is spread over an epoch of >= 1 ms). */
static void chk_read_loop(uint64_t iters)
{
	kata_call_loop("read-loop", iters);
}

static unsigned long long chk_agent_read(void)
{
	struct kata_args a = { 0 };
	return (unsigned long long)kata_call("read", &a)->ret[0];
}

static double chk_agent_ghz(void)
{
	return kata_wire_to_double(kata_call("ghz", NULL)->ret[0]);
}

static int chk_near(double x, double target, double tolerance)
{
	return x >= target * (1 - tolerance) && x <= target * (1 + tolerance);
}

/* ---- cases -------------------------------------------------------------- */

static void chk_case_monotonic(void)
{
	static unsigned long long v[CHK_READS];
	kata_pin_and_start_agent();
	struct kata_args a = { .arg = { CHK_READS }, .out_cap = sizeof(v) };
	const struct kata_reply *rep = kata_call("reads", &a);
	memset(v, 0, sizeof(v));
	memcpy(v, rep->out, rep->out_len < sizeof(v) ? rep->out_len : sizeof(v));
	unsigned long long min_step = ~0ull, max_step = 0;
	int back = -1;
	for (int i = 1; i < CHK_READS; i++) {
		if (v[i] < v[i - 1]) {
			if (back < 0)
				back = i;
			continue;
		}
		unsigned long long step = v[i] - v[i - 1];
		min_step = step < min_step ? step : min_step;
		max_step = step > max_step ? step : max_step;
	}
	kata_note("%d reads back to back: first %llu, last %llu; steps of %llu to %llu ticks", CHK_READS, v[0],
		  v[CHK_READS - 1], back < 0 ? min_step : 0, max_step);
	char detail[256];
	if (back >= 0)
		snprintf(detail, sizeof(detail), "read %d gave %llu, after %llu from read %d", back, v[back], v[back - 1],
			 back - 1);
	else
		detail[0] = 0;
	kata_expect_true("read_counter() never goes backwards", back < 0, detail);
	snprintf(detail, sizeof(detail), "%d reads all gave %llu%s", CHK_READS, v[0],
		 v[0] == 0 ? ": is read_counter() still the stub?" : "");
	kata_expect_true("read_counter() advances", v[CHK_READS - 1] > v[0], detail);
}

static void chk_case_same_counter(void)
{
	kata_pin_and_start_agent();
	for (int i = 0; i < 5; i++) {
		unsigned long long before = kata_read_counter();
		unsigned long long yours = chk_agent_read();
		unsigned long long after = kata_read_counter();
		if (i == 0)
			kata_note("the harness read %llu, then yours %llu, then the harness %llu", before, yours, after);
		if (before <= yours && yours <= after)
			continue;
		char detail[320];
		const char *why = "";
		if (yours == 0)
			why = ": is read_counter() still the stub?";
#if defined(__x86_64__)
		else if (yours < (1ull << 32) && before >= (1ull << 32))
			why = ": it fits in 32 bits while the counter is far past that. rdtsc returns the low half in eax "
			      "and the high half in edx: read both (and \"=A\" means edx:eax only in 32-bit code)";
#endif
		else if (yours > after)
			why = ": ahead of the counter (a different counter, or scaled?)";
		else
			why = ": behind the counter (a different counter, or scaled?)";
		snprintf(detail, sizeof(detail), "the harness read %llu, then yours %llu, then the harness %llu%s", before,
			 yours, after, why);
		return kata_expect_true("read_counter() reads the same counter as the harness, in order", 0, detail);
	}
	kata_expect_true("read_counter() reads the same counter as the harness, in order", 1, NULL);
}

static const char *chk_ghz_diagnosis(double yours, double want)
{
	if (yours == 0)
		return ": is counter_ghz() still the stub?";
	if (chk_near(yours * want, 1, 0.05))
		return ": that is the inverse (ns per tick); ticks per ns is ticks / ns";
	if (chk_near(yours / want, 1000, 0.05))
		return ": 1000 times too many (ticks per microsecond?)";
	if (chk_near(yours / want, 1e9, 0.05))
		return ": that is ticks per second (Hz); GHz is ticks per nanosecond";
	if (chk_near(yours / want, 1e-3, 0.05))
		return ": 1000 times too few (the time in microseconds?)";
	if (yours == 1)
		return ": exactly 1 (does read_counter() return nanoseconds?)";
	if (yours == (double)(long long)yours)
		return ": a whole number (an integer division?)";
	return "";
}

static void chk_case_ghz(void)
{
	double want = 0, yours = 0;
	int ok = 0;
	kata_pin_and_start_agent();
	for (int look = 0; look < CHK_LOOKS && !ok; look++) {
		want = chk_calibrate();
		yours = chk_agent_ghz();
		ok = chk_near(yours, want, CHK_GHZ_TOLERANCE);
		kata_note("%scounter_ghz(): yours %.6f, harness %.6f ticks per ns", look ? "measured again: " : "", yours, want);
	}
	char detail[320];
	snprintf(detail, sizeof(detail), "yours %.6f, harness %.6f ticks per ns, allowed %.6f-%.6f%s", yours, want,
		 want * (1 - CHK_GHZ_TOLERANCE), want * (1 + CHK_GHZ_TOLERANCE), chk_ghz_diagnosis(yours, want));
	kata_expect_true("counter_ghz() within 2% of the harness's calibration", ok, detail);
#if defined(__aarch64__)
	unsigned long long frq;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	kata_note("cntfrq_el0 says %.6f ticks per ns", (double)frq / 1e9);
#endif
	/* What a read costs, for the learner's information. */
	kata_loop_fn clock = kata_reference_loop("vdso-clock");
	double read_ns = kata_measure_ns(chk_read_loop);
	if (clock)
		kata_note("one read_counter() costs %.1f ns (%.0f ticks); one clock_gettime() %.1f ns (in the judge)", read_ns,
			  read_ns * want, kata_measure_ns(clock));
}

static void chk_case_ticks_to_ns(void)
{
	double ghz = 0, yours = 0, clock_ns = 0;
	long long sleep_ns = 0;
	int ok = 0;
	kata_pin_and_start_agent();
	for (int look = 0; look < CHK_LOOKS && !ok; look++) {
		ghz = chk_agent_ghz();
		sleep_ns = (long long)kata_rand_range(3000, 8000) * 1000;
		struct timespec nap = { 0, sleep_ns };
		struct chk_pair a = chk_learner_pair();
		nanosleep(&nap, NULL);
		struct chk_pair b = chk_learner_pair();
		yours = ghz > 0 ? (double)(long long)(b.ticks - a.ticks) / ghz : 0;
		clock_ns = (double)(b.ns - a.ns);
		ok = chk_near(yours, clock_ns, CHK_NS_TOLERANCE);
		kata_note("%sa nanosleep of %.3f ms: yours %.4f ms (ticks / counter_ghz()), harness %.4f ms (CLOCK_MONOTONIC_RAW)",
			  look ? "measured again: " : "", (double)sleep_ns / 1e6, yours / 1e6, clock_ns / 1e6);
	}
	char detail[320];
	snprintf(detail, sizeof(detail),
		 "yours %.4f ms, harness %.4f ms, allowed %.4f-%.4f ms (read_counter() ticks between two reads, "
		 "divided by counter_ghz() = %.6f)",
		 yours / 1e6, clock_ns / 1e6, clock_ns * (1 - CHK_NS_TOLERANCE) / 1e6, clock_ns * (1 + CHK_NS_TOLERANCE) / 1e6,
		 ghz);
	kata_expect_true("ticks converted to ns agree with the clock within 5%", ok, detail);
}

const struct kata_case kata_cases[] = {
	{ "monotonic", chk_case_monotonic, KATA_UNTRACED },
	{ "same-counter", chk_case_same_counter, KATA_UNTRACED },
	{ "ghz", chk_case_ghz, KATA_UNTRACED },
	{ "ticks-to-ns", chk_case_ticks_to_ns, KATA_UNTRACED },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
