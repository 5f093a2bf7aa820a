/*
 * kata-agent.h — the agent side of a kata (exercises/<id>/agent.c): the code
 * that runs in the learner's process and calls the learner's functions when
 * the judge asks.
 *
 * Nothing here is trusted. The agent runtime (native/agent/runtime.c) locks
 * the process down before any learner code runs, then serves the judge's
 * requests: each names a call in the kata's table below, with up to six
 * integers, some bytes and some descriptors, and gets back up to four
 * integers and some bytes. The judge decides everything: an agent that lies
 * only lies about what the learner's code did, and the judge checks that from
 * its own side (the syscalls it traced, the pipe or file it holds).
 *
 * agent.c is compiled in one translation unit with the learner's file, which
 * the runner appends after it: the learner's functions inline into the calls
 * below (so missing clobbers and inputs change the code GCC generates), and
 * nothing the learner #defines can reach this file's code.
 */
#ifndef KATA_AGENT_H
#define KATA_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "kata-wire.h"

struct kata_call {
	const int64_t *arg;        /* arg[0..5], from the judge */
	const unsigned char *in;   /* in_len bytes, from the judge */
	size_t in_len;
	int fd[KATA_WIRE_MAX_FDS]; /* the descriptors the judge passed */
	int nfd;
	int64_t ret[4];            /* values for the judge */
	unsigned char *out;        /* room for out_cap bytes for the judge */
	size_t out_cap, out_len;
	/* What _start found on the process's stack, for the vDSO katas: argc,
	 * argv (envp follows its NULL) and the auxiliary vector after envp's. */
	long argc;
	char **argv;
	unsigned long *auxv;
};

typedef void (*kata_call_fn)(struct kata_call *c);

struct kata_agent_call {
	const char *name;          /* what the judge's kata_call() names */
	kata_call_fn fn;
};

/* The kata's table, ending with { 0 }. */
extern const struct kata_agent_call kata_agent_calls[];

/* A call body that the compiler must inline the learner's functions into:
 * flatten inlines every call in it whose body this unit can see. */
#define KATA_PROBE __attribute__((flatten, noinline)) static void

/*
 * Timed loops: agent.c is also compiled a second time, alone, with
 * KATA_AGENT_LOOPS defined; what it defines under #ifdef KATA_AGENT_LOOPS
 * (and nothing else: wrap the rest in #else) calls the learner's functions
 * as an external caller does, a real call each time, so a budget times the
 * function the learner wrote, not its body inlined into our loop.
 */

/* Keeps the compiler from deleting or hoisting work whose result is unused. */
static inline void kata_sink(long value)
{
	__asm__ volatile("" : : "r"(value) : "memory");
}

/*
 * Register poisoning: before the learner's (inlined) code runs, every
 * register a syscall takes arguments in holds a value that is no argument,
 * and GCC is told it holds nothing it needs. An asm statement that reads a
 * register without naming it as an input then passes that poison to the
 * kernel, and the judge, which sees the syscall's registers, says so.
 */
#define KATA_POISON 0x5ca1ab1e0ddba11ul
#if defined(__x86_64__)
#define kata_poison_registers()                                                              \
	__asm__ volatile("mov %0, %%rdi\n\tmov %0, %%rsi\n\tmov %0, %%rdx\n\t"                   \
			 "mov %0, %%r10\n\tmov %0, %%r8\n\tmov %0, %%r9\n\tmov %0, %%rax"         \
			 : : "i"(0x5ca1ab1e) : "rdi", "rsi", "rdx", "r10", "r8", "r9", "rax")
#elif defined(__aarch64__)
#define kata_poison_registers()                                                                 \
	__asm__ volatile("movz x8, #0xba11\n\tmov x0, x8\n\tmov x1, x8\n\tmov x2, x8\n\t"           \
			 "mov x3, x8\n\tmov x4, x8\n\tmov x5, x8"                                    \
			 : : : "x0", "x1", "x2", "x3", "x4", "x5", "x8")
#else
#define kata_poison_registers() ((void)0)
#endif

/*
 * The clobber probe: a value GCC keeps in a register the syscall instruction
 * destroys (x86-64: rcx, the return address; r11, rflags), produced before
 * and consumed after the learner's inlined code. If their asm does not
 * declare the register clobbered, GCC leaves the value there, and the kernel
 * overwrites it. `expr` is the learner's call; the survivors come back in
 * *rcx_out and *r11_out (AArch64: nothing to probe, svc destroys no register).
 */
#if defined(__x86_64__)
#define KATA_CLOBBER_PROBE(result, rcx_out, r11_out, magic, expr)           \
	do {                                                                 \
		long kata_keep_c_ = (magic), kata_keep_11_;                  \
		{                                                            \
			register long kata_in_r11_ __asm__("r11") = ~(magic); \
			__asm__ volatile("" : "+r"(kata_in_r11_));           \
			kata_keep_11_ = kata_in_r11_;                        \
		}                                                            \
		__asm__ volatile("" : "+c"(kata_keep_c_));                   \
		kata_poison_registers();                                     \
		(result) = (expr);                                           \
		__asm__ volatile("" : "+c"(kata_keep_c_));                   \
		{                                                            \
			register long kata_in_r11_ __asm__("r11") = kata_keep_11_; \
			__asm__ volatile("" : "+r"(kata_in_r11_));           \
			kata_keep_11_ = kata_in_r11_;                        \
		}                                                            \
		*(rcx_out) = kata_keep_c_;                                   \
		*(r11_out) = kata_keep_11_;                                  \
	} while (0)
#else
#define KATA_CLOBBER_PROBE(result, rcx_out, r11_out, magic, expr) \
	do {                                                       \
		kata_poison_registers();                           \
		(result) = (expr);                                 \
		*(rcx_out) = (magic);                              \
		*(r11_out) = ~(magic);                             \
	} while (0)
#endif

/* For -nostdlib agents (no runtime, no channel): _start calls this. */
void kata_nolibc_main(long argc, char **argv);

static inline long kata_parse_long(const char *s)
{
	long v = 0;
	int neg = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

#endif
