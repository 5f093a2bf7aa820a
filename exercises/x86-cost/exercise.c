/*
 * Kata x86-cost — what one system call costs.
 *
 * raw_getppid() returns the pid of this process's parent: getppid, system
 * call 110, no arguments. It is checked for correctness, for making exactly
 * one system call per call, and for its cost per call against libc's
 * syscall(SYS_getppid), measured on this machine in the same run.
 */

long raw_getppid(void);

long raw_getppid(void)
{
	/*
	 * TODO: one `syscall` with 110 in rax; the answer comes back in rax.
	 * No arguments, but the instruction still overwrites rcx and r11.
	 *
	 * It is tempting to ask the kernel once and remember the answer, since
	 * a system call costs far more than a function call. The checks will
	 * show you why that is wrong for getppid.
	 */
	return 0;
}
