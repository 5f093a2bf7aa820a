/*
 * Kata measure-counter — read the cycle counter and convert it to ns.
 *
 * clock_gettime() costs ~20 ns. The CPU has a counter you can read with one
 * instruction, without the kernel: the time-stamp counter (rdtsc) on
 * x86-64, the generic timer's virtual count (cntvct_el0) on ARM64. It
 * counts ticks, not nanoseconds, so it comes with a second function: how
 * many ticks there are in a nanosecond.
 *
 * One source for both architectures: each branch below is compiled only
 * for its own.
 */
#include <time.h>

unsigned long long read_counter(void);
double counter_ghz(void);

unsigned long long read_counter(void)
{
#if defined(__x86_64__)
	/*
	 * TODO: `rdtsc` puts the counter's low 32 bits in eax and its high 32
	 * bits in edx. Combine them into one 64-bit value. Put an `lfence`
	 * before it, or the CPU may read the counter before the code you
	 * meant to time has finished.
	 */
	return 0;
#elif defined(__aarch64__)
	/*
	 * TODO: `mrs %0, cntvct_el0` reads the virtual count into a register.
	 * Put an `isb` before it, for the same reason as lfence on x86-64.
	 */
	return 0;
#else
#error "read_counter() is written for x86-64 and AArch64"
#endif
}

double counter_ghz(void)
{
	/*
	 * TODO: ticks per nanosecond. Read the counter and
	 * clock_gettime(CLOCK_MONOTONIC_RAW) together, wait about 20 ms
	 * (a busy loop on the clock), read both again, divide the difference
	 * in ticks by the difference in ns.
	 */
	return 0;
}
