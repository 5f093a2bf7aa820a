/*
 * Kata a64-memory — tell the compiler the whole truth about `svc`.
 *
 * This file is #included into the driver, so raw_read() is inlined into the
 * test code and compiled at -O2. Whatever your asm statement does not
 * declare, the optimiser assumes did not happen.
 */

static inline long raw_read(int fd, void *buf, unsigned long len)
{
	/*
	 * TODO: read(fd, buf, len) is system call 63: number in x8, arguments
	 * in x0, x1, x2, `svc #0`, result in x0. Then ask yourself two
	 * questions about the operand lists:
	 *   - which register does the kernel change, and does the compiler
	 *     know that it changed?
	 *   - the kernel writes into *buf; how would the compiler know, when
	 *     all the asm statement mentions is a pointer value in x1?
	 */
	(void)fd;
	(void)buf;
	(void)len;
	return -38; /* -ENOSYS */
}
