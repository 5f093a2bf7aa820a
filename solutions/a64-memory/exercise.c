/*
 * Kata a64-memory — reference solution.
 *
 * This file is #included into the driver: raw_read() is inlined, and the
 * optimiser trusts its asm statement completely.
 */

static inline long raw_read(int fd, void *buf, unsigned long len)
{
	register long x8 __asm__("x8") = 63; /* read */
	register long x0 __asm__("x0") = fd;
	register long x1 __asm__("x1") = (long)buf;
	register long x2 __asm__("x2") = (long)len;
	/* "+r"(x0): the kernel replaces the fd with the result, so x0 is both
	 * an input and an output. "memory": the kernel writes *buf, and the
	 * compiler, which sees only a pointer in x1, must not keep anything
	 * it knew about memory across the svc. */
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
