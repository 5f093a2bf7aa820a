/*
 * Kata a64-write — write(2) with the `svc` instruction, no libc.
 *
 * Implement raw_write() with inline asm. The harness calls it with random
 * buffers on pipes and files and compares what arrives with what was sent.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	/*
	 * TODO: put the syscall number for write in x8 and the three arguments
	 * in x0, x1 and x2, then execute `svc #0`. The kernel leaves the result
	 * in x0, over the first argument: tell the compiler that x0 is both
	 * read and written, and that the instruction reads memory.
	 */
	(void)fd;
	(void)buf;
	(void)len;
	return -38; /* -ENOSYS: "no such system call" */
}
