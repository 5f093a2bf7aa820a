/*
 * Kata x86-int80 — `int $0x80` is not the 64-bit system call.
 *
 * The function below is how write(2) was called on 32-bit x86, and it is
 * still accepted in a 64-bit process (the kernel's IA-32 emulation). It even
 * works, for a buffer whose address fits in 32 bits. Run the checks and look
 * at the addresses of the buffers that fail.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
	long ret;
	/*
	 * TODO: this is the i386 convention: number in eax (write is 4 there),
	 * arguments in ebx, ecx, edx, and the kernel reads only the low 32 bits
	 * of each. Rewrite it for x86-64: the `syscall` instruction, the x86-64
	 * number for write, arguments in rdi, rsi, rdx, and the clobbers
	 * `syscall` needs (rcx, r11, memory).
	 */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(4L), "b"((long)fd), "c"(buf), "d"(len)
			 : "r8", "r9", "r10", "r11", "memory");
	return ret;
}
