/*
 * Raw system calls on x86-64 Linux: the course's own, used by the judge, the
 * agent runtime, drivers and fixtures (learners write theirs).
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

#define KATA_SYSCALL_INSN_BYTES 2 /* `syscall` is 0f 05: the kernel reports the address after it */

static inline long kata_raw_syscall0(long n)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall1(long n, long a)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall2(long n, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall3(long n, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall4(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall5(long n, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long kata_raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
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
