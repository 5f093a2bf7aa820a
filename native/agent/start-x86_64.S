/*
 * _start for -nostdlib kata programs on x86-64.
 * At entry the kernel leaves argc at (%rsp) and argv right above it; no libc
 * ran, so nothing set up a frame. We pass both to the driver. If the driver
 * returns (the learner's exit did not end the process), ud2 raises SIGILL so
 * the runner can say so: returning from _start has nowhere to go.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xor	%ebp, %ebp		/* mark the outermost frame */
	mov	(%rsp), %rdi		/* argc */
	lea	8(%rsp), %rsi		/* argv */
	and	$-16, %rsp		/* the ABI wants 16-byte alignment at a call */
	call	kata_nolibc_main
	ud2
	.size	_start, . - _start
	.section .note.GNU-stack, "", @progbits
