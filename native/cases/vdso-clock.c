/*
 * The judge's side of vdso-clock and vdso-fallback: the learner's
 * vdso_clock_gettime() against the judge's own clock_gettime() on each side
 * of the call (the same clock, read through glibc and the same vDSO data), or
 * against the values the test image returns (kata-vdso-image.h) when the
 * agent was given one; and the clock_gettime syscalls the agent made
 * meanwhile, seen by the judge.
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-vdso.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

static const char *clock_words(long id)
{
	static const char *names[] = { "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
				       "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
				       "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM",
				       "CLOCK_BOOTTIME_ALARM", NULL, "CLOCK_TAI" };
	static char other[32];
	if (id >= 0 && id < (long)(sizeof(names) / sizeof(*names)) && names[id])
		return names[id];
	snprintf(other, sizeof(other), "clock id %ld", id);
	return other;
}

/* The clocks the kernel's vDSO answers itself, in a random order. */
static void served_clocks(long out[7])
{
	static const long served[7] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
					CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI };
	memcpy(out, served, sizeof(served));
	for (int i = 6; i > 0; i--) {
		int j = (int)kata_rand_range(0, (uint64_t)i);
		long t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
}

/* The agent's clock_gettime syscalls during a call: how many, and how many of them its own code made. */
static int clock_syscalls(const struct kata_reply *r, int *own)
{
	int n = 0;
	if (own)
		*own = 0;
	for (int i = 0; i < r->nsc; i++)
		if (r->sc[i].nr == SYS_clock_gettime && !r->sc[i].compat) {
			n++;
			if (own && r->sc[i].origin == KATA_FROM_LEARNER)
				(*own)++;
		}
	return n;
}

/* The vDSO the agents of this case were given, or NULL for the kernel's. */
static struct kata_image *given_image;

static void image_as_vdso(enum kata_image_variant v, int wrong_version_first)
{
	given_image = kata_image_load(v);
	if (wrong_version_first)
		kata_image_wrong_version_first(given_image);
	uint64_t at = kata_image_address();
	kata_agent_vdso_image(given_image, at);
	const struct kata_image_answers *ans = kata_image_answers_of(given_image);
	kata_note("this process's vDSO is a test image the judge mapped at 0x%llx (its clock_gettime returns "
		  "{ %ld + 1000 * clock, %ld }, drawn for this run)",
		  (unsigned long long)at, ans->sec, ans->nsec);
}

/* Natively, the kernel's vDSO; under qemu, which gives its guests none, a test image. */
static void default_vdso(void)
{
	given_image = NULL;
	if (kata_emulated())
		image_as_vdso(KATA_IMAGE_BOTH, 0);
}

static int64_t ns_of(int64_t sec, int64_t nsec)
{
	return sec * 1000000000 + nsec;
}

static void expect_image_time(const char *what, long clock, int64_t sec, int64_t nsec)
{
	const struct kata_image_answers *ans = kata_image_answers_of(given_image);
	long want_sec = KATA_IMAGE_CLOCK_SEC(ans, clock);
	char detail[400] = "";
	int ok = sec == want_sec && nsec == ans->nsec;
	if (ok)
		;
	else if (sec == want_sec && nsec == ans->wrong_nsec)
		snprintf(detail, sizeof(detail),
			 "your code called the %s defined at version %s: this image has one at %s too, and that is the "
			 "one to call (look it up with its version)",
			 kata_vdso_clock_name(), KATA_IMAGE_WRONG_VERSION, kata_vdso_version());
	else if (sec == -7 && nsec == -7)
		snprintf(detail, sizeof(detail), "the timespec was never written");
	else
		snprintf(detail, sizeof(detail),
			 "got { %lld, %lld }; the vDSO this process was given (its AT_SYSINFO_EHDR) returns { %ld, %ld } "
			 "for %s: a time from a syscall, or from a vDSO found some other way, is not the answer of the one "
			 "you were given",
			 (long long)sec, (long long)nsec, want_sec, ans->nsec, clock_words(clock));
	kata_expect_true(what, ok, detail);
}

static void expect_in_window(const char *what, const struct timespec *before, const struct timespec *after,
			     int64_t sec, int64_t nsec)
{
	int64_t got = ns_of(sec, nsec), lo = ns_of(before->tv_sec, before->tv_nsec), hi = ns_of(after->tv_sec, after->tv_nsec);
	char detail[300] = "";
	int ok = 0;
	if (sec == -7 && nsec == -7)
		snprintf(detail, sizeof(detail), "the timespec was never written");
	else if (nsec < 0 || nsec >= 1000000000)
		snprintf(detail, sizeof(detail), "tv_nsec = %lld is not a count of nanoseconds (0 to 999999999)", (long long)nsec);
	else if (got < lo)
		snprintf(detail, sizeof(detail),
			 "{ %lld, %lld } is %.3f ms before the judge read the same clock, just before the call: a time "
			 "kept from earlier, not read now",
			 (long long)sec, (long long)nsec, (double)(lo - got) / 1e6);
	else if (got > hi)
		snprintf(detail, sizeof(detail), "{ %lld, %lld } is %.3f ms after the judge read the same clock, just after the call",
			 (long long)sec, (long long)nsec, (double)(got - hi) / 1e6);
	else
		ok = 1;
	kata_expect_true(what, ok, detail);
}

/* One call for a clock the vDSO serves: the right time, and no syscall. */
static void expect_served(long clock)
{
	char what[160];
	snprintf(what, sizeof(what), "vdso_clock_gettime(%s, &ts)", clock_words(clock));
	struct timespec before, after;
	clock_gettime((clockid_t)clock, &before);
	struct kata_args a = { .arg = { clock } };
	const struct kata_reply *r = kata_call("clock", &a);
	clock_gettime((clockid_t)clock, &after);
	char rv[200];
	snprintf(rv, sizeof(rv), "%s returns 0", what);
	kata_expect_i64(rv, 0, r->ret[0]);
	if (given_image)
		expect_image_time(what, clock, r->ret[1], r->ret[2]);
	else
		expect_in_window(what, &before, &after, r->ret[1], r->ret[2]);
	if (r->traced) {
		/* Any syscall at all, through either entry: none is needed. */
		int n = r->nsc;
		const char *first = n ? kata_syscall_name(r->sc[0].nr, r->sc[0].compat) : NULL;
		char detail[300];
		snprintf(detail, sizeof(detail),
			 "it made %d system call%s (%s%s): the vDSO answers %s in user space, so call the function "
			 "you found rather than entering the kernel",
			 n, n == 1 ? "" : "s", first ? first : "?", n && r->sc[0].compat ? ", through int $0x80" : "",
			 clock_words(clock));
		char w[200];
		snprintf(w, sizeof(w), "%s stays in user space (no syscall)", what);
		kata_expect_true(w, n == 0, detail);
	}
}

/* A run of calls: each within the judge's reads around the run, never going back. */
static void expect_monotonic_run(int n)
{
	struct timespec before, after;
	clock_gettime(CLOCK_MONOTONIC, &before);
	struct kata_args a = { .arg = { CLOCK_MONOTONIC, n }, .out_cap = (size_t)n * 16 };
	const struct kata_reply *r = kata_call("sequence", &a);
	clock_gettime(CLOCK_MONOTONIC, &after);
	kata_expect_i64("every vdso_clock_gettime(CLOCK_MONOTONIC) in the run returns 0", 0, r->ret[0]);
	if (r->out_len < (size_t)n * 16)
		return kata_expect_true("the run answered", 0, "the agent sent fewer answers than calls");
	int64_t prev = INT64_MIN, first = 0, last = 0;
	int repeats = 0;
	for (int i = 0; i < n; i++) {
		int64_t sec, nsec;
		memcpy(&sec, r->out + 16 * i, 8);
		memcpy(&nsec, r->out + 16 * i + 8, 8);
		char what[96];
		snprintf(what, sizeof(what), "call %d of %d in a row", i + 1, n);
		if (given_image) {
			const struct kata_image_answers *ans = kata_image_answers_of(given_image);
			if (!(sec == KATA_IMAGE_CLOCK_SEC(ans, CLOCK_MONOTONIC) && nsec == ans->nsec))
				return expect_image_time(what, CLOCK_MONOTONIC, sec, nsec);
			continue;
		}
		int64_t t = ns_of(sec, nsec);
		if (t < prev) {
			char detail[160];
			snprintf(detail, sizeof(detail), "it went back by %lld ns from the call before", (long long)(prev - t));
			return kata_expect_true(what, 0, detail);
		}
		repeats += t == prev;
		if (i == 0)
			first = t;
		last = t;
		prev = t;
		if (t < ns_of(before.tv_sec, before.tv_nsec) || t > ns_of(after.tv_sec, after.tv_nsec))
			return expect_in_window(what, &before, &after, sec, nsec);
	}
	if (r->traced && !given_image) {
		int k = r->nsc;
		char detail[160];
		snprintf(detail, sizeof(detail), "the %d calls made %d system call%s", n, k, k == 1 ? "" : "s");
		kata_expect_true("a run of calls stays in user space (no syscall)", k == 0, detail);
	}
	if (given_image)
		return kata_expect_true("every call returned the given vDSO's time", 1, NULL);
	kata_note("%d calls in a row took %.1f µs by their own readings", n, (double)(last - first) / 1e3);
	kata_expect_true("CLOCK_MONOTONIC moves on across the run", last > first,
			 "every call returned the same time: a clock read once and remembered, not a clock");
	/* The clock counts nanoseconds and a call takes tens of them: two calls in
	 * a row rarely read the same value, and most never do. */
	char detail[200];
	snprintf(detail, sizeof(detail),
		 "%d of %d calls returned the same time as the call before: a time kept and handed out again, not "
		 "read from the clock each time",
		 repeats, n - 1);
	kata_expect_true("CLOCK_MONOTONIC moves between one call and the next", repeats * 2 < n - 1, detail);
}

/* The timed loop's last reading: CLOCK_MONOTONIC, inside the judge's reads around the call. */
static const char *check_timed_clock(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[200];
	(void)iters;
	int64_t got = ns_of(ret[1], ret[2]);
	if (ret[0] != 0)
		snprintf(why, sizeof(why), "vdso_clock_gettime(CLOCK_MONOTONIC) returned %lld", (long long)ret[0]);
	else if (got < before_ns || got > after_ns)
		snprintf(why, sizeof(why),
			 "the last CLOCK_MONOTONIC reading of the loop, { %lld, %lld }, is %s the judge's reads around it",
			 (long long)ret[1], (long long)ret[2], got < before_ns ? "before" : "after");
	else
		return NULL;
	return why;
}

static void reference_clock(uint64_t iters)
{
	struct timespec ts;
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(clock_gettime(CLOCK_MONOTONIC, &ts));
}

/* ---- vdso-fallback: where the vDSO cannot answer -------------------------------- */

/* The agent's CPU time as the kernel counts it (its process CPU clock), read by the judge. */
static int64_t agent_cpu_ns(void)
{
	clockid_t cid;
	struct timespec t;
	if (clock_getcpuclockid(kata_agent_pid(), &cid) != 0 || clock_gettime(cid, &t) != 0)
		kata_setup_failed("the agent's CPU clock");
	return ns_of(t.tv_sec, t.tv_nsec);
}

/*
 * A clock only the kernel can read (a CPU-time clock): the answer is the
 * agent's own CPU time, so at most what the judge reads for it just after;
 * and it took exactly one clock_gettime syscall, from the learner's code or
 * from the vDSO's own fallback (both are right: the vDSO makes that syscall
 * itself for the clocks it does not serve).
 */
static void expect_kernel_clock(long clock)
{
	char what[160];
	snprintf(what, sizeof(what), "vdso_clock_gettime(%s, &ts)", clock_words(clock));
	int64_t before = agent_cpu_ns();
	const struct kata_reply *r = kata_call("clock", &(struct kata_args){ .arg = { clock } });
	int64_t after = agent_cpu_ns();
	char rv[200];
	snprintf(rv, sizeof(rv), "%s returns 0", what);
	kata_expect_i64(rv, 0, r->ret[0]);
	int64_t got = ns_of(r->ret[1], r->ret[2]);
	char detail[300];
	snprintf(detail, sizeof(detail),
		 "got { %lld, %lld }: the agent had used %.3f ms of CPU time just before the call and %.3f ms just "
		 "after, and this clock counts that time",
		 (long long)r->ret[1], (long long)r->ret[2], (double)before / 1e6, (double)after / 1e6);
	/* A thread's time is at most its process's; the process's at least what the judge read before. */
	int64_t floor = clock == CLOCK_PROCESS_CPUTIME_ID ? before : 1;
	kata_expect_true(what, r->ret[2] >= 0 && r->ret[2] < 1000000000 && got >= floor && got <= after, detail);
	if (r->traced) {
		int n = clock_syscalls(r, NULL), asked = 0;
		for (int i = 0; i < r->nsc; i++)
			asked |= r->sc[i].nr == SYS_clock_gettime && (long)r->sc[i].arg[0] == clock;
		if (n == 1 && !asked)
			return kata_expect_true(what, 0, "its clock_gettime syscall asked the kernel for another clock");
		snprintf(detail, sizeof(detail),
			 n ? "it made %d: one call, one trip into the kernel" :
			     "it made none, yet only the kernel can read %s%s",
			 n, n ? "" : clock_words(clock), n ? "" : ": where did the time come from?");
		char w[200];
		snprintf(w, sizeof(w), "%s makes one clock_gettime syscall (the vDSO cannot serve this clock)", what);
		kata_expect_true(w, n == 1, detail);
	}
}

/* A clock id nobody serves: the kernel's answer, -EINVAL, as it is. */
static void expect_invalid_clock(long clock)
{
	char what[160];
	snprintf(what, sizeof(what), "vdso_clock_gettime(%ld, &ts), not a clock", clock);
	const struct kata_reply *r = kata_call("clock", &(struct kata_args){ .arg = { clock } });
	if (r->ret[0] == -1)
		return kata_expect_true(what, 0,
					"it returned -1, libc's way of saying \"see errno\"; here the answer is the kernel's: "
					"-22 (EINVAL)");
	kata_expect_i64(what, -EINVAL, r->ret[0]);
	if (r->traced) {
		int n = clock_syscalls(r, NULL);
		kata_expect_true("the kernel said so (one clock_gettime syscall)", n == 1,
				 n ? "more than one syscall for one call" : "no syscall: -EINVAL is the kernel's answer to give");
	}
}

/* No vDSO at all, or one without the function: the raw syscall, from the
 * learner's own code, and the right time. */
static void expect_without_vdso(long clock)
{
	char what[200];
	snprintf(what, sizeof(what), "vdso_clock_gettime(%s, &ts) with %s", clock_words(clock),
		 given_image ? "a vDSO that has no clock_gettime at that version" : "no vDSO");
	struct timespec before, after;
	clock_gettime((clockid_t)clock, &before);
	const struct kata_reply *r = kata_call("clock", &(struct kata_args){ .arg = { clock } });
	clock_gettime((clockid_t)clock, &after);
	char rv[200];
	snprintf(rv, sizeof(rv), "%s returns 0", what);
	if (r->ret[0] == -38)
		return kata_expect_true(rv, 0,
					given_image ? "it returned -38 (ENOSYS): the vDSO has no such function, but the kernel still "
						      "has the clock; ask it, with the syscall instruction"
						    : "it returned -38 (ENOSYS): with no vDSO the kernel still has the clock; ask it, "
						      "with the syscall instruction");
	kata_expect_i64(rv, 0, r->ret[0]);
	expect_in_window(what, &before, &after, r->ret[1], r->ret[2]);
	if (r->traced) {
		int own = 0, n = clock_syscalls(r, &own);
		char detail[200];
		snprintf(detail, sizeof(detail), "it made %d clock_gettime syscall%s, %d of them from your code", n,
			 n == 1 ? "" : "s", own);
		kata_expect_true("one clock_gettime syscall, from your own code", n == 1 && own == 1, detail);
	}
}
