/*
 * Kata a64-errno — reference solution.
 */

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

long raw_syscall3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

long libc_style(long raw, int *err)
{
	/* -4095..-1 are errors. As unsigned numbers they are exactly the
	 * values above -4096, so one unsigned comparison finds them, and
	 * every other value (0, positives, addresses in the top half that
	 * look negative as a long) passes through untouched. */
	if ((unsigned long)raw > (unsigned long)-4096L) {
		*err = (int)-raw;
		return -1;
	}
	return raw;
}
