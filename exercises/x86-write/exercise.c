/*
 * Kata x86-write — write(2) with the `syscall` instruction, no libc.
 *
 * Implement raw_write() with inline asm. The harness calls it with random
 * buffers on pipes and files and compares what arrives with what was sent.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	/*
	 * TODO: put the syscall number for write in rax and the three arguments
	 * in rdi, rsi and rdx, then execute `syscall`. The kernel leaves the
	 * result in rax. Tell the compiler which registers the instruction
	 * destroys (the kernel uses rcx and r11) and that it reads memory.
	 */
	(void)fd;
	(void)buf;
	(void)len;
	return 0;
}
