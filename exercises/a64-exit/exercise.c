/*
 * Kata a64-exit — end the process with `svc #0`, no libc at all.
 *
 * This program is built with -nostdlib: there is no libc, no main() and no
 * exit(). The driver calls raw_exit(n) with a number from the command line;
 * the process must end with exit status n. If raw_exit() returns, the
 * program runs into an undefined instruction and dies of SIGILL.
 */

void raw_exit(int code);

void raw_exit(int code)
{
	/*
	 * TODO: put the syscall number for exit_group in x8 and the status in
	 * x0, then execute `svc #0`. Local register variables pin a value to a
	 * register: register long x8 __asm__("x8") = ...;
	 * The kernel does not come back from this call.
	 */
	(void)code;
}
