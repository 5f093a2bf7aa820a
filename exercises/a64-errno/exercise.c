/*
 * Kata a64-errno — the kernel's -errno convention, and libc's -1/errno.
 *
 * raw_syscall3(): any system call with up to three arguments, via `svc #0`;
 * return exactly what the kernel left in x0.
 * libc_style(): turn such a raw value into what a libc function returns:
 * -1 with *err set for an error, the value unchanged otherwise.
 */

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

long raw_syscall3(long n, long a, long b, long c)
{
	/*
	 * TODO: the number goes in x8, the arguments in x0, x1 and x2; then
	 * `svc #0`. The result comes back in x0.
	 */
	(void)n;
	(void)a;
	(void)b;
	(void)c;
	return -38; /* -ENOSYS: "no such system call" */
}

long libc_style(long raw, int *err)
{
	/*
	 * TODO: the kernel reports an error as a value in -4095..-1 (minus the
	 * errno). For those, store the positive errno in *err and return -1.
	 * Any other value is a result: return it unchanged, and leave *err
	 * alone (libc never clears errno on success).
	 */
	(void)err;
	return raw;
}
