/*
 * Kata x86-int80 — reference solution.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	long ret;
	/* The 64-bit entry: x86-64 numbers (write is 1), full 64-bit arguments
	 * in rdi, rsi, rdx; `syscall` overwrites rcx and r11. */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"((long)fd), "S"(buf), "d"(len)
			 : "rcx", "r11", "memory");
	return ret;
}
