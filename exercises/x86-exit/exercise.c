/*
 * Kata x86-exit — end the process yourself: exit_group with `syscall`, no libc.
 *
 * This program is built with -nostdlib: no libc, no main(), no exit(). The
 * harness's _start calls the driver, the driver calls raw_exit(n), and the
 * process's exit status is the whole verdict. If raw_exit() returns, _start
 * runs into `ud2` and the process dies of SIGILL.
 */

void raw_exit(int code);

void raw_exit(int code)
{
	/*
	 * TODO: put the syscall number for exit_group in rax and the status in
	 * rdi, then execute `syscall`. Nothing comes back: the kernel ends every
	 * thread of the process right there. (rcx and r11 are still destroyed
	 * by the instruction, so list them as clobbers anyway.)
	 *
	 * TODO: once it really cannot return, say so: mark the function
	 * __attribute__((noreturn)) and end it with __builtin_unreachable().
	 */
	(void)code;
}
