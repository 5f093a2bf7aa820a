/*
 * Kata measure-ratio — a function call against a system call.
 *
 * Two measurements, each over its own batch of at least 1 ms:
 *
 *   call_ns()     ns per call of an empty function that is really called
 *                 (not inlined, not deleted);
 *   syscall_ns()  ns per getppid system call, made with the instruction
 *                 itself: `syscall` on x86-64 (getppid is 110), `svc #0` on
 *                 ARM64 (getppid is 173, in x8).
 *
 * The check compares each with the harness's own measurement and shows you
 * the ratio. One file for both architectures: only the system call differs.
 */
#include <time.h>

double call_ns(void);
double syscall_ns(void);

double call_ns(void)
{
	/*
	 * TODO: an empty function, called in a loop between two
	 * clock_gettime(CLOCK_MONOTONIC) reads. The compiler sees the empty
	 * body in this file: stop it from inlining the function or deleting
	 * the calls (measure-batch). Make the batch last at least 1 ms, and
	 * take the fastest of a few batches.
	 */
	return 0;
}

double syscall_ns(void)
{
#if defined(__x86_64__)
	/*
	 * TODO: the same batch timing around a loop of getppid system calls:
	 * __asm__ volatile with `syscall`, 110 in rax, the result in rax,
	 * rcx and r11 clobbered.
	 */
#elif defined(__aarch64__)
	/*
	 * TODO: the same, with `svc #0`, 173 in x8 and the result in x0.
	 */
#else
#error "syscall_ns() is written for x86-64 and AArch64"
#endif
	return 0;
}
