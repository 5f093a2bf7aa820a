/*
 * The agent's system call numbers, for the judge's side of the shared cases
 * (cases/errno.c, cases/mmap.c). The judge is built for the host, but the
 * numbers it passes to the learner's raw_syscallN() are the agent's: an ARM64
 * agent (under qemu-aarch64 on an x86-64 judge) takes the asm-generic table.
 * A kata's check.c says which, before its #include:
 *
 *     #define CASES_AGENT_AARCH64     (or CASES_AGENT_X86_64)
 *
 * The judge's own oracle calls (libc's syscall() here) keep <sys/syscall.h>.
 */
#ifndef CASES_AGENT_SYSCALLS_H
#define CASES_AGENT_SYSCALLS_H

struct agent_syscalls {
	long write, open, openat, lseek, getppid, mmap, munmap; /* -1: none on that arch */
};

#if defined(CASES_AGENT_AARCH64)
static const struct agent_syscalls agent_nr = { 64, -1, 56, 62, 173, 222, 215 };
#elif defined(CASES_AGENT_X86_64)
static const struct agent_syscalls agent_nr = { 1, 2, 257, 8, 110, 9, 11 };
#else
#error "define CASES_AGENT_X86_64 or CASES_AGENT_AARCH64 before including a shared case file"
#endif

#endif
