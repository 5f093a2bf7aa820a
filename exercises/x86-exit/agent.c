/*
 * The agent side of x86-exit. Built with -nostdlib: no libc, no agent
 * runtime, no channel. The judge starts `prog <n>` and expects exit status n.
 *
 * Two ways to fail, both visible to the judge (the exit status, and the
 * syscalls it traced):
 *   - raw_exit() returns: we return to _start, which executes ud2 (SIGILL).
 *   - raw_exit() ends only the calling thread (exit, 60, instead of
 *     exit_group, 231): a second thread started here is still alive, so the
 *     process lives on; after a second that thread says so on stderr and
 *     ends the process with WATCHDOG_STATUS, which is never a valid n.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

/* The learner's. Deliberately not declared noreturn here: if it does return,
 * control must come back to us (and then to _start's ud2) rather than fall
 * into whatever code the compiler placed after the call. */
void raw_exit(int code);

#define WATCHDOG_STATUS 251

static const char watchdog_msg[] =
	"x86-exit: the process was still running 1 s after raw_exit(): another thread was alive.\n"
	"x86-exit: exit (60) ends only the calling thread; exit_group (231) ends the process.\n";

/* Runs in the second thread, on its own stack; never returns. */
static void __attribute__((noreturn, used)) watchdog(void)
{
	struct {
		long tv_sec, tv_nsec;
	} delay = { 1, 0 };
	kata_raw_syscall2(35 /* nanosleep */, (long)&delay, 0);
	kata_raw_syscall3(1 /* write */, 2, (long)watchdog_msg, sizeof(watchdog_msg) - 1);
	kata_raw_syscall1(231 /* exit_group */, WATCHDOG_STATUS);
	for (;;)
		;
}

static char watchdog_stack[16384] __attribute__((aligned(16)));

/* clone(2) a thread (same memory, same thread group) that runs watchdog(). */
static void start_watchdog(void)
{
	const long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
	/* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM */
	register long ctid __asm__("r10") = 0;
	register long tls __asm__("r8") = 0;
	long ret;
	/* The child starts with the parent's registers except rax = 0 and
	 * rsp = the new stack: it calls watchdog() there and never comes back. */
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "call *%[fn]\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(56L /* clone */), "D"(flags), "S"(watchdog_stack + sizeof(watchdog_stack)),
			   "d"(0L), "r"(ctid), "r"(tls), [fn] "r"(watchdog)
			 : "rcx", "r11", "memory");
	(void)ret; /* if clone failed, we simply check without the second thread */
}

void kata_nolibc_main(long argc, char **argv)
{
	long code = argc > 1 ? kata_parse_long(argv[1]) : 0;
	start_watchdog();
	kata_poison_registers(); /* an asm without "D"(code) passes the poison, not n */
	raw_exit((int)code);
	/* Reached only if raw_exit() returned: back to _start, which traps. */
}
