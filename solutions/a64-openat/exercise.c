/*
 * Kata a64-openat — reference solution.
 */

long raw_open(const char *path, int flags, int mode);
long raw_close(int fd);

long raw_open(const char *path, int flags, int mode)
{
	/* open(path, flags, mode) is openat(AT_FDCWD, path, flags, mode):
	 * AT_FDCWD (-100) tells openat to resolve a relative path from the
	 * current directory, and an absolute path ignores the dirfd anyway.
	 * That is how glibc's open() works on every architecture today. */
	register long x8 __asm__("x8") = 56; /* openat */
	register long x0 __asm__("x0") = -100; /* AT_FDCWD */
	register long x1 __asm__("x1") = (long)path;
	register long x2 __asm__("x2") = flags;
	register long x3 __asm__("x3") = mode;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

long raw_close(int fd)
{
	register long x8 __asm__("x8") = 57; /* close */
	register long x0 __asm__("x0") = fd;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	return x0;
}
