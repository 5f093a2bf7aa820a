/*
 * Kata x86-cost — reference solution.
 */

long raw_getppid(void);

long raw_getppid(void)
{
	long ret;
	/* No arguments, no memory involved: just rax in and out, and the two
	 * registers `syscall` itself overwrites. */
	__asm__ volatile("syscall" : "=a"(ret) : "a"(110L) : "rcx", "r11");
	return ret;
}
