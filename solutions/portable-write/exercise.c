/*
 * Kata portable-write — reference solution: one source, two instruction
 * sets. The preprocessor picks the branch for the compiler's target.
 */

long raw_write(int fd, const void *buf, unsigned long len);

long raw_write(int fd, const void *buf, unsigned long len)
{
#if defined(__x86_64__)
	/* x86-64: write is 1; rax = number and result; rdi, rsi, rdx = args.
	 * The syscall instruction itself overwrites rcx (return address) and
	 * r11 (flags). */
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"((long)fd), "S"(buf), "d"(len)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	/* ARM64: write is 64 (asm-generic table); x8 = number; x0, x1, x2 =
	 * args; x0 = result. svc saves the return address and flags in system
	 * registers, not general ones, so only x0 changes. */
	register long x8 __asm__("x8") = 64;
	register long x0 __asm__("x0") = fd;
	register long x1 __asm__("x1") = (long)buf;
	register long x2 __asm__("x2") = (long)len;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#else
#error "raw_write: no system call sequence for this architecture"
#endif
}
