/*
 * Raw system calls on AArch64 Linux (the harness's own; learners write theirs).
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

static inline long kata_raw_syscall0(long n)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0");
	__asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
	return x0;
}

static inline long kata_raw_syscall2(long n, long a, long b)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
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
