/*
 * What the budget of x86-cost is for: a getppid that is correct and makes
 * exactly one getppid syscall per call, but through the legacy 32-bit entry
 * (int $0x80, i386 number 64), which costs many times a `syscall`.
 */
long raw_getppid(void);

long raw_getppid(void)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(64L) : "memory");
	return ret;
}
