/*
 * What the budget of x86-cost is for: a getppid that is correct and makes
 * exactly one getppid syscall per call, from its own syscall instruction,
 * but does ~100 ns of pointless work in user space around it. Correct, and
 * slow: only the time budget can tell.
 */
long raw_getppid(void);

long raw_getppid(void)
{
	long ret;
	unsigned long x = 1;
	for (int i = 0; i < 100; i++) /* a dependent chain the compiler cannot fold */
		__asm__ volatile("imul $3, %0, %0" : "+r"(x));
	__asm__ volatile("syscall" : "=a"(ret) : "a"(110L), "r"(x) : "rcx", "r11", "memory");
	return ret;
}
