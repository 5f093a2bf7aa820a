/*
 * A subtler slow one: correct, one getppid per call, plus a getpid nobody
 * needs. About 1.6x the budget kata's reference.
 */
long raw_getppid(void);

long raw_getppid(void)
{
	long ret, pid;
	__asm__ volatile("syscall" : "=a"(pid) : "a"(39L) : "rcx", "r11", "memory");
	__asm__ volatile("syscall" : "=a"(ret) : "a"(110L) : "rcx", "r11", "memory");
	(void)pid;
	return ret;
}
