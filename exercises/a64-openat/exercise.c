/*
 * Kata a64-openat — open(2) on an architecture that has no open(2).
 *
 * raw_open(path, flags, mode) must behave like open(2): a new file
 * descriptor, or -errno. ARM64's system call table has no open, only
 * openat. raw_close(fd) is close(2). Both with `svc #0`, no libc.
 */

long raw_open(const char *path, int flags, int mode);
long raw_close(int fd);

long raw_open(const char *path, int flags, int mode)
{
	/*
	 * TODO: openat(dirfd, path, flags, mode) is system call 56. Which
	 * dirfd makes it resolve `path` the way open(2) would (relative to the
	 * current directory)? Four arguments: x0..x3, number in x8, `svc #0`.
	 */
	(void)path;
	(void)flags;
	(void)mode;
	return -38; /* -ENOSYS */
}

long raw_close(int fd)
{
	/* TODO: close(fd) is system call 57. */
	(void)fd;
	return -38; /* -ENOSYS */
}
