/*
 * The agent of a64-exit (built -nostdlib: no libc, no runtime, no channel).
 *
 * _start (native/agent/start-aarch64.S) calls kata_nolibc_main(argc, argv).
 * The judge (check.c) passes a random status in argv[1] and judges by the
 * exit status alone:
 *   - the status it passed: raw_exit() ended the whole process;
 *   - SIGILL: raw_exit() returned, and _start ran into its `udf`;
 *   - 251: raw_exit() ended only the calling thread (exit, 93), and the
 *     watcher thread below found itself alone in a process that should
 *     have been gone. The judge's statuses are 1..250, so 251 is never
 *     a right answer.
 */
#include "kata-agent.h"

#include <asm/unistd.h>
#include <linux/futex.h>
#include <linux/sched.h>

void raw_exit(int code); /* the learner's; deliberately not noreturn */

#define ONLY_THIS_THREAD_ENDED 251

/* The main thread's id while it runs; the kernel writes 0 here (and wakes
 * futex waiters) when the main thread ends, because of set_tid_address. */
static volatile int main_tid;

static long sys1(long n, long a)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	return x0;
}

/*
 * A second thread in the process: it sleeps on main_tid until the main
 * thread is gone, then ends the process with ONLY_THIS_THREAD_ENDED.
 * exit_group() kills it before it ever wakes. The child runs only the asm
 * below, on its own stack, and never returns into C.
 */
static void start_watcher(void)
{
	static unsigned char stack[4096] __attribute__((aligned(16)));
	register long x8 __asm__("x8") = __NR_clone;
	register long x0 __asm__("x0") = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
					 CLONE_THREAD | CLONE_SYSVSEM;
	register long x1 __asm__("x1") = (long)(stack + sizeof(stack));
	register long x2 __asm__("x2") = 0; /* parent_tid: unused */
	register long x3 __asm__("x3") = 0; /* tls: unused */
	register long x4 __asm__("x4") = 0; /* child_tid: unused */
	register long x5 __asm__("x5") = (long)&main_tid; /* for the child's loop */
	__asm__ volatile("svc #0\n\t"
			 "cbnz x0, 3f\n"            /* the parent (or an error): go on */
			 "1:\n\t"                   /* the child: */
			 "ldr w2, [x5]\n\t"         /*   main thread still there? */
			 "cbz w2, 2f\n\t"
			 "mov x0, x5\n\t"           /*   futex(&main_tid, FUTEX_WAIT, seen, NULL) */
			 "mov x1, %[wait]\n\t"
			 "mov x3, #0\n\t"
			 "mov x8, %[futex]\n\t"
			 "svc #0\n\t"
			 "b 1b\n"
			 "2:\n\t"                   /*   it is gone: end the process */
			 "mov x0, %[status]\n\t"
			 "mov x8, %[exit_group]\n\t"
			 "svc #0\n\t"
			 "udf #0\n"
			 "3:"
			 : "+r"(x0), "+r"(x8), "+r"(x1), "+r"(x2), "+r"(x3)
			 : "r"(x4), "r"(x5), [wait] "i"(FUTEX_WAIT), [futex] "i"(__NR_futex),
			   [status] "i"(ONLY_THIS_THREAD_ENDED), [exit_group] "i"(__NR_exit_group)
			 : "memory", "cc");
}

void kata_nolibc_main(long argc, char **argv)
{
	long code = argc > 1 ? kata_parse_long(argv[1]) : 0;

	/* set_tid_address returns the caller's thread id */
	main_tid = (int)sys1(__NR_set_tid_address, (long)&main_tid);
	start_watcher();

	raw_exit((int)code);
	/* raw_exit returned: fall back into _start, whose udf raises SIGILL */
}
