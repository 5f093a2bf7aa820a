/*
 * Kata x86-exit — reference solution.
 */

void raw_exit(int code) __attribute__((noreturn));

void raw_exit(int code)
{
	/* exit_group is 231 on x86-64 (exit, 60, would end this thread only).
	 * No output operand: nothing comes back. rcx and r11 are clobbered by
	 * the instruction; "memory" so that every store before it is done. */
	__asm__ volatile("syscall" : : "a"(231L), "D"((long)code) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
