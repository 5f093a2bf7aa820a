/*
 * Kata x86-errno — the kernel's -errno and libc's -1/errno.
 *
 * The kernel reports failure by returning -errno in rax: -9 is EBADF, -14
 * EFAULT. libc turns that into "return -1 and set errno". Write both halves:
 * a generic three-argument raw system call, and the conversion libc makes.
 */

long raw_syscall3(long n, long a, long b, long c);
long libc_style(long raw, int *err);

long raw_syscall3(long n, long a, long b, long c)
{
	/*
	 * TODO: number in rax, arguments in rdi, rsi, rdx, then `syscall`.
	 * Return rax exactly as the kernel left it: no conversion here.
	 */
	(void)n;
	(void)a;
	(void)b;
	(void)c;
	return -38; /* -ENOSYS: what the kernel says to a number it does not know */
}

long libc_style(long raw, int *err)
{
	/*
	 * TODO: if raw is an error, store the positive error number in *err and
	 * return -1; otherwise return raw unchanged and leave *err alone.
	 * Careful: not every negative long is an error. Which ones are?
	 */
	(void)err;
	return raw;
}
