/*
 * Kata measure-ratio — reference solution.
 */
#include <time.h>

double call_ns(void);
double syscall_ns(void);

/* noipa: the calls stay calls, even though GCC can see the body. */
__attribute__((noipa)) static void empty(void)
{
}

/* getppid, with the instruction itself. volatile: it has an effect GCC
 * cannot see (entering the kernel), so it must run every time, in place. */
static inline long raw_getppid(void)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(110L) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = 173;
	register long x0 __asm__("x0");
	__asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
	return x0;
#else
#error "raw_getppid() is written for x86-64 and AArch64"
#endif
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double batch_of_calls(unsigned long n)
{
	double t0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		empty();
	return now_ns() - t0;
}

static double batch_of_syscalls(unsigned long n)
{
	double t0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		raw_getppid();
	return now_ns() - t0;
}

/* Double the batch until it lasts 1 ms, then keep the fastest of 5 batches
 * of that size: an interrupted batch only ever runs long. The cap: a loop
 * the compiler deleted never lasts 1 ms, however long it is. */
static double ns_per_op(double (*batch)(unsigned long))
{
	unsigned long n = 1000;
	while (batch(n) < 1e6 && n < (1ul << 36))
		n *= 2;
	double best = batch(n) / (double)n;
	for (int i = 0; i < 4; i++) {
		double x = batch(n) / (double)n;
		if (x < best)
			best = x;
	}
	return best;
}

double call_ns(void)
{
	return ns_per_op(batch_of_calls);
}

double syscall_ns(void)
{
	return ns_per_op(batch_of_syscalls);
}
