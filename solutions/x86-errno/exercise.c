/*
 * Kata x86-errno — reference solution.
 */

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

long raw_syscall3(long n, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The kernel's errors are -4095..-1 (-MAX_ERRNO..-1). As unsigned longs those
 * are exactly the values above -4096UL: one comparison, as glibc does it.
 * Every other value, however negative it looks, is a result. */
long libc_style(long raw, int *err)
{
	if ((unsigned long)raw > -4096UL) {
		*err = (int)-raw;
		return -1;
	}
	return raw;
}
