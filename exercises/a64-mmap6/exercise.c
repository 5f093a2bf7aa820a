/*
 * Kata a64-mmap6 — six arguments: mmap(2) with `svc #0`.
 *
 * raw_syscall6() makes any system call with up to six arguments and returns
 * what the kernel left in x0. The harness uses it for mmap and munmap.
 */

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	/*
	 * TODO: the number in x8, the six arguments in x0, x1, x2, x3, x4 and
	 * x5, then `svc #0`; the result comes back in x0. mmap's sixth
	 * argument is the file offset: forget x5 and a file maps from wherever
	 * x5 happened to point.
	 */
	(void)n;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	(void)a5;
	(void)a6;
	return -38; /* -ENOSYS: "no such system call" */
}
