/*
 * Kata x86-clobbers — tell the compiler everything `syscall` destroys.
 *
 * This file is not compiled on its own: the driver #includes it, so this
 * static inline function is inlined into the driver's code and GCC plans its
 * registers and memory accesses around the asm statement using only what the
 * asm statement declares.
 *
 * The function below makes correct system calls: every return value is
 * right. It is still wrong. Run the checks and read which case fails.
 */

static inline long raw_syscall3(long n, long a, long b, long c)
{
	long ret;
	/*
	 * TODO: the clobber list (after the third colon) is missing. What does
	 * the `syscall` instruction itself overwrite, besides rax? And the
	 * kernel reads and writes memory through the pointers in these
	 * arguments: how does GCC learn that?
	 */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c));
	return ret;
}
