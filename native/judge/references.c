/*
 * The reference operations (see include/kata-references.h). Each loop makes
 * exactly `iters` of its operation, with results sunk so nothing is deleted.
 */
#define _GNU_SOURCE
#include "kata-references.h"
#include "raw-syscall.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* noipa: without it GCC sees the body is empty and deletes the calls,
 * loop and all, even with noinline. */
__attribute__((noipa)) static void empty_function(void)
{
}

static void function_call(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		empty_function();
}

static void null_syscall_libc(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(syscall(SYS_getppid));
}

static void null_syscall_raw(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(kata_raw_syscall0(SYS_getppid));
}

static void vdso_clock_gettime(uint64_t iters)
{
	struct timespec ts;
	for (uint64_t i = 0; i < iters; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		kata_sink(ts.tv_nsec);
	}
}

static void raw_clock_gettime(uint64_t iters)
{
	struct timespec ts;
	for (uint64_t i = 0; i < iters; i++) {
		kata_raw_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts);
		kata_sink(ts.tv_nsec);
	}
}

static void counter_read(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink((long)kata_read_counter());
}

const struct kata_reference kata_references[] = {
	{ "function-call", "function call (empty, not inlined)", function_call },
	{ "raw-syscall", "raw syscall (inline asm getppid)", null_syscall_raw },
	{ "null-syscall", "libc syscall(SYS_getppid)", null_syscall_libc },
	{ "vdso-clock", "vDSO clock_gettime(CLOCK_MONOTONIC)", vdso_clock_gettime },
	{ "raw-clock", "raw clock_gettime syscall", raw_clock_gettime },
	{ "counter-read", "cycle counter read (rdtsc / cntvct_el0)", counter_read },
	{ 0 },
};
