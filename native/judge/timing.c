/*
 * The measuring engine (see include/kata-timing.h for the rules it keeps).
 * Clocks: CLOCK_MONOTONIC for wall time, CLOCK_THREAD_CPUTIME_ID for the
 * thread's CPU time (user + kernel, so a syscall's kernel work counts),
 * getrusage(RUSAGE_THREAD) for involuntary context switches.
 */
#define _GNU_SOURCE
#include "kata-timing.h"

#include <linux/perf_event.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum {
	MIN_EPOCH_NS = 1000000, /* 1 ms: timer resolution and clock cost vanish */
	MAX_RETRIES = 3,        /* per epoch, when the thread was descheduled */
};

/* wall/CPU above this means the thread waited for a core during the epoch */
#define DESCHEDULED_RATIO 1.10

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* This thread's user-space instruction counter: opened on first use; -1
 * where the kernel or the VM does not allow it (then we go on without). */
static int instruction_counter(void)
{
	static int fd = -2;
	if (fd == -2) {
		struct perf_event_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = PERF_TYPE_HARDWARE;
		attr.config = PERF_COUNT_HW_INSTRUCTIONS;
		attr.exclude_kernel = 1; /* allowed at perf_event_paranoid 2 */
		attr.exclude_hv = 1;
		fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
		if (fd < 0)
			fd = -1;
	}
	return fd;
}

static long long instructions(void)
{
	long long n;
	int fd = instruction_counter();
	if (fd < 0 || read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return -1;
	return n;
}

static long involuntary_switches(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return ru.ru_nivcsw;
}

int kata_pin_to_current_cpu(void)
{
	int cpu = sched_getcpu();
	if (cpu < 0)
		return -1;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

struct epoch {
	double wall, cpu, insns;
	int disturbed;
};

static struct epoch one_epoch(kata_loop_fn fn, uint64_t iters)
{
	long sw0 = involuntary_switches();
	long long i0 = instructions();
	uint64_t w0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	fn(iters);
	uint64_t c1 = now_ns(CLOCK_THREAD_CPUTIME_ID), w1 = now_ns(CLOCK_MONOTONIC);
	long long i1 = instructions();
	long sw1 = involuntary_switches();
	struct epoch e;
	e.wall = (double)(w1 - w0) / (double)iters;
	e.cpu = (double)(c1 - c0) / (double)iters;
	e.insns = i0 >= 0 && i1 >= i0 ? (double)(i1 - i0) / (double)iters : -1;
	e.disturbed = sw1 != sw0 || (e.cpu > 0 && e.wall / e.cpu > DESCHEDULED_RATIO);
	return e;
}

/* An epoch the thread ran through undisturbed, if a few tries allow. */
static void timed_epoch(kata_loop_fn fn, struct kata_series *s, int i)
{
	struct epoch e = one_epoch(fn, s->iters);
	for (int r = 0; e.disturbed && r < MAX_RETRIES; r++) {
		s->rerun++;
		e = one_epoch(fn, s->iters);
	}
	if (e.disturbed)
		s->still_descheduled++;
	s->wall_ns[i] = e.wall;
	s->cpu_ns[i] = e.cpu;
	s->insns[i] = e.insns;
}

/* Grow the batch until one epoch lasts at least MIN_EPOCH_NS. */
static uint64_t calibrate(kata_loop_fn fn)
{
	uint64_t iters = 1;
	for (;;) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);
		fn(iters);
		uint64_t spent = now_ns(CLOCK_MONOTONIC) - t0;
		if (spent >= MIN_EPOCH_NS || iters >= (1ull << 34))
			return iters;
		/* aim a little past the target so the next try usually lands */
		uint64_t next = spent ? (uint64_t)((double)iters * 1.4 * MIN_EPOCH_NS / (double)spent) : iters * 16;
		if (next > iters * 16)
			next = iters * 16;
		iters = next <= iters ? iters * 2 : next;
	}
}

static void start_series(kata_loop_fn fn, struct kata_series *s, int epochs)
{
	memset(s, 0, sizeof(*s));
	s->epochs = epochs;
	s->iters = calibrate(fn);
	one_epoch(fn, s->iters); /* warm-up: caches, branch predictors, page faults */
}

void kata_measure_pair(kata_loop_fn a, kata_loop_fn b, int epochs, struct kata_series *sa,
		       struct kata_series *sb)
{
	if (epochs < 1)
		epochs = 1;
	if (epochs > KATA_MAX_EPOCHS)
		epochs = KATA_MAX_EPOCHS;
	start_series(a, sa, epochs);
	if (b)
		start_series(b, sb, epochs);
	for (int i = 0; i < epochs; i++) { /* A B A B: drift lands on both */
		timed_epoch(a, sa, i);
		if (b)
			timed_epoch(b, sb, i);
	}
}

/* ---- a loop in the agent ---------------------------------------------- */

static struct epoch remote_epoch(struct kata_remote *r, uint64_t iters, int audit, long *syscalls)
{
	double cpu = 0;
	long sc = -1;
	uint64_t w0 = now_ns(CLOCK_MONOTONIC);
	r->run(iters, audit, &cpu, &sc);
	uint64_t w1 = now_ns(CLOCK_MONOTONIC);
	if (r->after)
		r->after();
	double wall = (double)(w1 - w0) - r->round_trip_ns;
	if (wall < 0)
		wall = 0;
	struct epoch e;
	e.wall = wall / (double)iters;
	e.cpu = cpu / (double)iters;
	e.insns = -1;
	/* The agent's CPU time includes its side of the round trip; wall well
	 * above it means it waited for a core. */
	e.disturbed = cpu > 0 && (double)(w1 - w0) / cpu > DESCHEDULED_RATIO + 0.05;
	*syscalls = sc < 0 || r->round_trip_syscalls < 0 ? -1 : sc > r->round_trip_syscalls ? sc - r->round_trip_syscalls : 0;
	return e;
}

static void remote_timed_epoch(struct kata_remote *r, struct kata_series *s, int i)
{
	long sc;
	struct epoch e = remote_epoch(r, s->iters, 0, &sc);
	for (int k = 0; e.disturbed && k < MAX_RETRIES; k++) {
		s->rerun++;
		e = remote_epoch(r, s->iters, 0, &sc);
	}
	if (e.disturbed)
		s->still_descheduled++;
	s->wall_ns[i] = e.wall;
	s->cpu_ns[i] = e.cpu;
	s->insns[i] = -1;
}

/* An audit call: its syscalls count, its time does not. */
static void remote_audit(struct kata_remote *r, uint64_t iters)
{
	long sc;
	remote_epoch(r, iters, 1, &sc);
	if (sc < 0 || r->syscalls < 0)
		r->syscalls = -1;
	else
		r->syscalls += sc;
	r->iters += iters;
}

static uint64_t remote_calibrate(struct kata_remote *r)
{
	uint64_t iters = 1;
	for (;;) {
		long sc;
		struct epoch e = remote_epoch(r, iters, 0, &sc);
		/* A disturbed sample (descheduled, interrupted) overstates the time
		 * and would settle on too few iterations: sample again, a few times. */
		for (int again = 0; again < 3 && e.disturbed; again++)
			e = remote_epoch(r, iters, 0, &sc);
		double spent = e.wall * (double)iters;
		if (spent >= MIN_EPOCH_NS || iters >= (1ull << 34))
			return iters;
		uint64_t next = spent > 0 ? (uint64_t)((double)iters * 1.4 * MIN_EPOCH_NS / spent) : iters * 16;
		if (next > iters * 16)
			next = iters * 16;
		iters = next <= iters ? iters * 2 : next;
	}
}

void kata_measure_remote_pair(struct kata_remote *a, kata_loop_fn b, int epochs, struct kata_series *sa,
			      struct kata_series *sb)
{
	if (epochs < 1)
		epochs = 1;
	if (epochs > KATA_MAX_EPOCHS)
		epochs = KATA_MAX_EPOCHS;
	memset(sa, 0, sizeof(*sa));
	sa->epochs = epochs;
	sa->iters = remote_calibrate(a);
	long sc;
	remote_epoch(a, sa->iters, 0, &sc); /* warm-up */
	a->syscalls = 0;
	a->iters = 0;
	unsigned long long audit_at = 0; /* a bit per epoch */
	for (int k = 0; k < a->audits && a->pick; k++)
		audit_at |= 1ull << a->pick(0, (uint64_t)epochs - 1);
	if (b)
		start_series(b, sb, epochs);
	for (int i = 0; i < epochs; i++) { /* A B A B: drift lands on both */
		if (audit_at & (1ull << i))
			remote_audit(a, sa->iters);
		remote_timed_epoch(a, sa, i);
		if (b)
			timed_epoch(b, sb, i);
	}
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static double median_of(const double *xs, int n)
{
	double tmp[KATA_MAX_EPOCHS];
	if (n <= 0)
		return 0;
	memcpy(tmp, xs, sizeof(double) * (size_t)n);
	qsort(tmp, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

double kata_median_wall(const struct kata_series *s)
{
	return median_of(s->wall_ns, s->epochs);
}

double kata_median_cpu(const struct kata_series *s)
{
	return median_of(s->cpu_ns, s->epochs);
}

double kata_median_insns(const struct kata_series *s)
{
	for (int i = 0; i < s->epochs; i++)
		if (s->insns[i] < 0)
			return -1;
	return median_of(s->insns, s->epochs);
}

static void empty_loop(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink((long)i);
}

double kata_loop_overhead_ns(void)
{
	struct kata_series s;
	kata_measure_pair(empty_loop, NULL, 11, &s, NULL);
	return kata_median_wall(&s);
}

double kata_measure_ns(kata_loop_fn fn)
{
	struct kata_series s;
	kata_measure_pair(fn, NULL, 11, &s, NULL);
	return kata_median_wall(&s);
}
