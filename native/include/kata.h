/*
 * kata.h — the interface between a kata's driver (exercises/<id>/check.c)
 * and the shared harness (native/harness/harness.c).
 *
 * A driver never decides whether the learner passed. It runs the learner's
 * functions on inputs drawn from the runner's seed and reports, for each
 * observation, what an oracle outside the learner's code expected and what
 * the learner's code produced. The runner compares the two.
 *
 * The harness owns main(): it parses the mode the runner asked for
 * (cases, bench, count), seeds the generator, runs the driver's tables and
 * writes one JSON record per line to file descriptor 3 (the results channel).
 * Each record carries a sequence number and a MAC under a key the runner
 * hands the harness for that run only (see harness.c): a driver needs to do
 * nothing for it, and nothing else in the program can write a record the
 * runner believes.
 */
#ifndef KATA_H
#define KATA_H

#include <stddef.h>
#include <stdint.h>

#include "kata-timing.h" /* kata_loop_fn, kata_sink, kata_measure_ns */

/* ---- what a driver defines ------------------------------------------- */

/* A correctness case: runs learner code and reports with kata_expect_*. */
struct kata_case {
	const char *name;          /* short, stable: shown as "case 'name'" */
	void (*run)(void);
};

/* A timed operation is a kata_loop_fn: run `iters` calls back to back. */

/*
 * A budget benchmark: the learner's operation and the reference it is
 * judged against, timed in interleaved epochs so drift hits both.
 */
struct kata_bench {
	const char *name;          /* matched by "bench" in kata.json */
	kata_loop_fn learner;
	kata_loop_fn reference;
};

/*
 * A counting run: the runner traces the program (strace, qemu -d strace)
 * while `run(iters)` calls the learner's code exactly `iters` times.
 */
struct kata_count {
	const char *name;          /* matched by "run" in kata.json */
	kata_loop_fn run;
};

/* Each table ends with an all-zero entry. A driver may omit benches/counts
 * by defining them as { { 0 } }. */
extern const struct kata_case kata_cases[];
extern const struct kata_bench kata_benches[];
extern const struct kata_count kata_counts[];

/* ---- what the harness gives a driver --------------------------------- */

/* Deterministic per seed: the runner picks a fresh seed for every check. */
uint64_t kata_rand(void);
/* Uniform in [lo, hi]. */
uint64_t kata_rand_range(uint64_t lo, uint64_t hi);
void kata_rand_bytes(void *buf, size_t n);

/* Observations. `what` says what was looked at ("return value",
 * "bytes read back from the pipe"); the runner shows it on a mismatch. */
void kata_expect_i64(const char *what, long long expected, long long got);
void kata_expect_bytes(const char *what, const void *expected, size_t expected_len,
		       const void *got, size_t got_len);
void kata_expect_true(const char *what, int ok, const char *detail);

/* Free text shown with the case's result (e.g. the inputs used). */
void kata_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
