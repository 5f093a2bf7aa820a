/*
 * Kata x86-mmap6 — a generic six-argument system call.
 *
 * raw_syscall6() makes system call n with six arguments. The harness maps
 * memory and files with it (mmap is system call 9 and takes all six) and
 * unmaps them again (munmap, 11, takes two: pass 0 for the rest).
 */

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	/*
	 * TODO: the number goes in rax, the arguments in rdi, rsi, rdx, r10, r8
	 * and r9, in that order, then `syscall`; the result comes back in rax.
	 * Not rcx for the fourth: that is the function-call convention, and the
	 * `syscall` instruction itself overwrites rcx.
	 *
	 * GCC has constraint letters for rax, rdi, rsi and rdx, but none for
	 * r10, r8 or r9: look up "explicit register variables".
	 */
	(void)n;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	(void)a5;
	(void)a6;
	return -38; /* -ENOSYS */
}
