/*
 * Kata measure-counter — reference solution.
 */
#include <time.h>

unsigned long long read_counter(void);
double counter_ghz(void);

unsigned long long read_counter(void)
{
#if defined(__x86_64__)
	unsigned int lo, hi;
	/* lfence: rdtsc waits until every earlier instruction has finished,
	 * so it cannot read the counter before the code it is meant to follow.
	 * rdtsc: the 64-bit count in edx (high half) and eax (low half). */
	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
#elif defined(__aarch64__)
	unsigned long long v;
	/* isb: the same role as lfence; cntvct_el0: the generic timer's
	 * virtual count, readable from user space on Linux. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
#else
#error "read_counter() is written for x86-64 and AArch64"
#endif
}

static long long raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

double counter_ghz(void)
{
	/* Counter then clock, at both ends in the same order, so that the
	 * time between the two reads cancels out. MONOTONIC_RAW: not slewed
	 * by NTP. 20 ms: the ~20 ns of a clock read is a millionth of it. */
	unsigned long long c0 = read_counter();
	long long t0 = raw_ns(), t1;
	while (raw_ns() - t0 < 20000000)
		;
	unsigned long long c1 = read_counter();
	t1 = raw_ns();
	return (double)(c1 - c0) / (double)(t1 - t0);
}
