/*
 * Kata portable-write — one source, two instruction sets.
 *
 * raw_write() is write(2) without libc, as in x86-write and a64-write, but
 * this file is compiled twice: for x86-64 (checked natively) and for ARM64
 * (checked under qemu-aarch64). The preprocessor chooses the branch.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
#if defined(__x86_64__)
	/*
	 * TODO (x86-64): the `syscall` instruction. Which number is write,
	 * which registers carry the number, the arguments and the result, and
	 * which registers does the instruction itself destroy?
	 */
	(void)fd;
	(void)buf;
	(void)len;
	return -38; /* -ENOSYS */
#elif defined(__aarch64__)
	/*
	 * TODO (ARM64): `svc #0`. Same questions; the answers differ, starting
	 * with the number of write.
	 */
	(void)fd;
	(void)buf;
	(void)len;
	return -38; /* -ENOSYS */
#else
#error "raw_write: no system call sequence for this architecture"
#endif
}
