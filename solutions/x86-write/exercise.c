/*
 * Kata x86-write — reference solution.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	long ret;
	/* "a": rax in and out; "D", "S", "d": rdi, rsi, rdx. The kernel writes
	 * the return address to rcx and the flags to r11; "memory" because the
	 * kernel reads *buf, which the compiler cannot see through a pointer. */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"((long)fd), "S"(buf), "d"(len)
			 : "rcx", "r11", "memory");
	return ret;
}
