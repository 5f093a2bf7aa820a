/*
 * Kata x86-clobbers — reference solution.
 */

static inline long raw_syscall3(long n, long a, long b, long c)
{
	long ret;
	/* rcx: `syscall` saves the return address there.
	 * r11: `syscall` saves rflags there.
	 * memory: the kernel may read or write any memory the arguments point
	 *   to, and GCC cannot see through a pointer passed as a long. */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}
