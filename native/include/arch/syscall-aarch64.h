/*
 * Raw system calls on AArch64 Linux: the course's own, used by the judge, the
 * agent runtime, drivers and fixtures (learners write theirs).
 *
 *   instruction  svc #0
 *   number       x8
 *   arguments    x0, x1, x2, x3, x4, x5
 *   result       x0: a value, or -errno in -4095..-1
 *   clobbered    nothing but x0 and memory the kernel reads or writes
 *
 * After nolibc's arch-aarch64.h.
 */
#ifndef KATA_SYSCALL_ARCH_H
#define KATA_SYSCALL_ARCH_H

#define KATA_SYSCALL_INSN_BYTES 4 /* `svc #0` is one 4-byte instruction */

#define KATA_SVC_(n, ...)                                                          \
	register long x8 __asm__("x8") = (n);                                      \
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), ##__VA_ARGS__ : "memory"); \
	return x0

static inline long kata_raw_syscall0(long n)
{
	register long x0 __asm__("x0") = 0;
	KATA_SVC_(n);
}

static inline long kata_raw_syscall1(long n, long a)
{
	register long x0 __asm__("x0") = a;
	KATA_SVC_(n);
}

static inline long kata_raw_syscall2(long n, long a, long b)
{
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	KATA_SVC_(n, "r"(x1));
}

static inline long kata_raw_syscall3(long n, long a, long b, long c)
{
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	KATA_SVC_(n, "r"(x1), "r"(x2));
}

static inline long kata_raw_syscall4(long n, long a, long b, long c, long d)
{
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	KATA_SVC_(n, "r"(x1), "r"(x2), "r"(x3));
}

static inline long kata_raw_syscall5(long n, long a, long b, long c, long d, long e)
{
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	KATA_SVC_(n, "r"(x1), "r"(x2), "r"(x3), "r"(x4));
}

static inline long kata_raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	KATA_SVC_(n, "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5));
}

/* The generic timer's virtual count, after an isb so it does not read
 * early. Its frequency is in cntfrq_el0. */
static inline unsigned long long kata_read_counter(void)
{
	unsigned long long v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

#endif
