/*
 * kata-timing.h — the measuring engine shared by the harness (budget checks),
 * kata drivers (the "measure the boundary" track) and `syscall-katas bench`.
 *
 * Rules it keeps, because a naive loop lies on a shared VM:
 *  - time batches, never single calls: each epoch lasts >= 1 ms, the
 *    iteration count found automatically;
 *  - one warm-up epoch, then N epochs; the figure is the median;
 *  - per epoch, wall time, this thread's CPU time and its involuntary
 *    context switches: an epoch in which the thread was descheduled
 *    (wall/CPU well above 1, or a new involuntary switch) is re-run, a few
 *    times at most, and counted;
 *  - the loop's own overhead (an empty body, measured the same way) is
 *    reported so callers can subtract it;
 *  - the measuring thread is pinned to the CPU it runs on, where allowed.
 */
#ifndef KATA_TIMING_H
#define KATA_TIMING_H

#include <stdint.h>

typedef void (*kata_loop_fn)(uint64_t iters);

#define KATA_MAX_EPOCHS 64

struct kata_series {
	uint64_t iters;                    /* calls per epoch */
	int epochs;
	double wall_ns[KATA_MAX_EPOCHS];   /* per call, each epoch */
	double cpu_ns[KATA_MAX_EPOCHS];    /* per call, each epoch */
	int rerun;                         /* epochs re-run because the thread was descheduled */
	int still_descheduled;             /* epochs kept although every retry was disturbed */
	/* User-space instructions per call, each epoch, where the kernel lets a
	 * thread count its own (perf_event_open); -1 where it does not. A figure
	 * that does not move with noise, beside the ns that do. */
	double insns[KATA_MAX_EPOCHS];
};

/* Pins the calling thread to the CPU it is on; returns that CPU or -1. */
int kata_pin_to_current_cpu(void);

/* Times `a` and `b` in interleaved epochs (A B A B ...), so drift hits both.
 * `b` may be NULL. `epochs` is clamped to 1..KATA_MAX_EPOCHS. */
void kata_measure_pair(kata_loop_fn a, kata_loop_fn b, int epochs, struct kata_series *sa,
		       struct kata_series *sb);

/*
 * A loop that runs in another process (the agent), timed from this one: the
 * wall clock is ours, read around the request and the reply; the CPU time
 * is the agent's, from the kernel (its process CPU clock), never its word.
 * So the agent can only make its own figure worse.
 */
struct kata_remote {
	/* One epoch in the agent: `iters` calls; its CPU time and, in an audit
	 * call where the kernel counts them, its syscalls (-1 otherwise). */
	void (*run)(uint64_t iters, int audit, double *cpu_ns, long *syscalls);
	double round_trip_ns;     /* an empty request and reply: off every epoch's wall time */
	long round_trip_syscalls; /* the runtime's own per request (-1: not counted) */
	/* Audit calls: the same request as an epoch, at places the seed picks
	 * among the epochs, with the agent's syscalls counted by the kernel and
	 * its time left out of the figures (counting slows each syscall). */
	int audits;
	uint64_t (*pick)(uint64_t lo, uint64_t hi); /* where they go */
	long syscalls;            /* out: the learner's, over the audits (-1: not counted) */
	uint64_t iters;           /* out: calls over the audits */
	/* Optional: called after each request, once its wall time is taken, so
	 * that whatever the caller checks of the answer is in no figure. */
	void (*after)(void);
};

/* As kata_measure_pair, with `a` in the agent and `b` (may be NULL) here. */
void kata_measure_remote_pair(struct kata_remote *a, kata_loop_fn b, int epochs, struct kata_series *sa,
			      struct kata_series *sb);

/* ns per call of the empty loop (the loop's own cost, to subtract). */
double kata_loop_overhead_ns(void);

/* Median of the series' wall ns per call. */
double kata_median_wall(const struct kata_series *s);
double kata_median_cpu(const struct kata_series *s);
/* Median instructions per call, or -1 where they could not be counted. */
double kata_median_insns(const struct kata_series *s);

/* One figure, for drivers that compare a learner's measurement with the
 * harness's: median wall ns per call of fn over 11 epochs, loop overhead
 * not subtracted. */
double kata_measure_ns(kata_loop_fn fn);

/* Keeps the compiler from deleting or hoisting work whose result is unused. */
static inline void kata_sink(long value)
{
	__asm__ volatile("" : : "r"(value) : "memory");
}

#endif
