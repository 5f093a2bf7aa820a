/*
 * Raw system calls on x86-64 Linux (the harness's own; learners write theirs).
 *
 *   instruction  syscall
 *   number       rax
 *   arguments    rdi, rsi, rdx, r10, r8, r9   (r10, not rcx: syscall overwrites rcx)
 *   result       rax: a value, or -errno in -4095..-1
 *   clobbered    rcx (return address), r11 (rflags), and memory the kernel reads or writes
 *
 * After nolibc's arch-x86_64.h.
 */
#ifndef KATA_SYSCALL_ARCH_H
#define KATA_SYSCALL_ARCH_H

static inline long kata_raw_syscall0(long n)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall2(long n, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

/* The time-stamp counter, ordered after earlier loads (lfence) so that it
 * does not read early. Its frequency is constant on any CPU made since
 * ~2008 (constant_tsc); calibrate it against CLOCK_MONOTONIC_RAW. */
static inline unsigned long long kata_read_counter(void)
{
	unsigned int lo, hi;
	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

#endif
