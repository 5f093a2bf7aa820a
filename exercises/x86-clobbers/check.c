/*
 * Driver for x86-clobbers. Built in "include" mode: the learner's file is
 * #included here (KATA_LEARNER is its path), so their static inline
 * raw_syscall3() is inlined into the code below and GCC allocates registers
 * and schedules memory accesses around their asm statement using exactly
 * the clobber list they wrote. Each case sets up a situation in which a
 * missing clobber changes the code GCC generates in an observable way:
 *
 *   rcx-survives, r11-survives: a value the compiler must hand over in
 *     rcx (or r11) on both sides of the call. If the asm does not declare
 *     that register clobbered, GCC leaves the value there across `syscall`,
 *     and the kernel overwrites it (rcx = return address, r11 = rflags).
 *   kernel-writes-memory: read(2) into a local the compiler initialised;
 *     without "memory" GCC reuses the value it stored before the asm.
 *   kernel-reads-memory: write(2) from a local filled just before; without
 *     "memory" GCC sees stores nobody reads and deletes them.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KATA_LEARNER
#error "build with -DKATA_LEARNER='\"path/to/exercise.c\"' (the runner does)"
#endif
#include KATA_LEARNER

/* Expected values live here, out of the registers under test. */
static volatile long expected_value;

static void results(void)
{
	unsigned char sent[128], got[128];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	kata_rand_bytes(sent, len);
	kata_expect_i64("raw_syscall3(SYS_getppid, 0, 0, 0) vs libc getppid()", getppid(),
			raw_syscall3(SYS_getppid, 0, 0, 0));
	if (pipe2(fds, O_NONBLOCK) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("write(pipe, %zu random bytes)", len);
	kata_expect_i64("return value (bytes written)", (long long)len,
			raw_syscall3(SYS_write, fds[1], (long)sent, (long)len));
	ssize_t n = read(fds[0], got, sizeof(got));
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
	close(fds[0]);
	close(fds[1]);
	int bad = (int)kata_rand_range(900, 1000);
	kata_expect_i64("write to a closed descriptor", -EBADF, raw_syscall3(SYS_write, bad, (long)"x", 1));
}

/* `keep` is produced in rcx by the first empty asm and consumed in rcx by
 * the second: the cheapest code keeps it in rcx in between, which GCC does
 * unless the asm between them says it destroys rcx. */
static __attribute__((noinline)) long rcx_across(long magic, long n)
{
	long keep = magic;
	__asm__ volatile("" : "+c"(keep));
	long ret = raw_syscall3(n, 0, 0, 0);
	__asm__ volatile("" : "+c"(keep));
	kata_sink(ret);
	return keep;
}

/* The same for r11, which has no constraint letter: a local register
 * variable pins it only where it is an asm operand, so the value is copied
 * in and out of an ordinary variable GCC is free to place. */
static __attribute__((noinline)) long r11_across(long magic, long n)
{
	long keep;
	{
		register long in_r11 __asm__("r11") = magic;
		__asm__ volatile("" : "+r"(in_r11));
		keep = in_r11;
	}
	long ret = raw_syscall3(n, 0, 0, 0);
	{
		register long in_r11 __asm__("r11") = keep;
		__asm__ volatile("" : "+r"(in_r11));
		keep = in_r11;
	}
	kata_sink(ret);
	return keep;
}

static void register_case(const char *reg, long (*across)(long, long))
{
	static const struct {
		long nr;
		const char *name;
	} calls[] = { { SYS_getppid, "getppid" }, { SYS_getpid, "getpid" }, { SYS_getuid, "getuid" } };
	char what[96];
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		expected_value = (long)kata_rand();
		long got = across(expected_value, calls[i].nr);
		snprintf(what, sizeof(what), "a value GCC kept in %s across raw_syscall3(SYS_%s)", reg,
			 calls[i].name);
		kata_expect_i64(what, expected_value, got);
	}
}

static void rcx_survives(void)
{
	kata_note("rcx: `syscall` stores the return address there");
	register_case("rcx", rcx_across);
}

static void r11_survives(void)
{
	kata_note("r11: `syscall` stores rflags there");
	register_case("r11", r11_across);
}

/* read(2) into `word`, which holds `before`: without "memory" in the clobbers
 * GCC may answer `word` from what it stored and never look again. */
static __attribute__((noinline)) unsigned long read_into_local(int fd, unsigned long before)
{
	unsigned long word = before;
	raw_syscall3(SYS_read, fd, (long)&word, sizeof(word)); /* no kata_sink(): it is a barrier */
	return word;
}

static void kernel_writes_memory(void)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	for (int i = 0; i < 3; i++) {
		unsigned long sent = kata_rand(), before = ~sent;
		if (write(fds[1], &sent, sizeof(sent)) != sizeof(sent))
			return kata_expect_true("write() for the test", 0, "the harness could not fill its pipe");
		expected_value = (long)sent;
		kata_expect_i64("a local unsigned long after raw_syscall3(SYS_read, pipe, &it, 8)",
				expected_value, (long)read_into_local(fds[0], before));
	}
	close(fds[0]);
	close(fds[1]);
}

/* write(2) from a buffer filled just before and dead right after: without
 * "memory" GCC may delete the stores (nothing it knows of reads them). */
static __attribute__((noinline)) long write_from_local(int fd, unsigned long seed)
{
	unsigned long buf[4];
	for (int i = 0; i < 4; i++)
		buf[i] = seed * (unsigned long)(2 * i + 3);
	return raw_syscall3(SYS_write, fd, (long)buf, sizeof(buf));
}

static void kernel_reads_memory(void)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	for (int i = 0; i < 3; i++) {
		unsigned long seed = kata_rand() | 1, want[4], got[4] = { 0 };
		for (int j = 0; j < 4; j++)
			want[j] = seed * (unsigned long)(2 * j + 3);
		kata_expect_i64("raw_syscall3(SYS_write, pipe, buf, 32) return value", 32,
				write_from_local(fds[1], seed));
		ssize_t n = read(fds[0], got, sizeof(got));
		kata_expect_bytes("what the pipe received from a local buffer filled just before the call",
				  want, sizeof(want), got, n < 0 ? 0 : (size_t)n);
	}
	close(fds[0]);
	close(fds[1]);
}

const struct kata_case kata_cases[] = {
	{ "results", results },
	{ "rcx-survives", rcx_survives },
	{ "r11-survives", r11_survives },
	{ "kernel-writes-memory", kernel_writes_memory },
	{ "kernel-reads-memory", kernel_reads_memory },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
