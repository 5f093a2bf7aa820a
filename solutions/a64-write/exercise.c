/*
 * Kata a64-write — reference solution.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	/* x8: the syscall number (write is 64 in the asm-generic table);
	 * x0, x1, x2: the arguments. x0 comes back holding the result, so it
	 * is "+r" (read and written). The kernel restores every other
	 * register, so nothing else is clobbered; "memory" because the kernel
	 * reads *buf, which the compiler cannot see through a pointer. */
	register long x8 __asm__("x8") = 64;
	register long x0 __asm__("x0") = fd;
	register long x1 __asm__("x1") = (long)buf;
	register long x2 __asm__("x2") = (long)len;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
