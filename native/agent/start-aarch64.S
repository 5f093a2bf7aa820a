/*
 * _start for -nostdlib kata programs on AArch64.
 * At entry sp points at argc, with argv right above it. We pass both to the
 * driver. If the driver returns (the learner's exit did not end the
 * process), udf raises SIGILL so the runner can say so.
 */
	.text
	.globl	_start
	.type	_start, %function
_start:
	mov	x29, #0			/* mark the outermost frame */
	mov	x30, #0
	ldr	x0, [sp]		/* argc */
	add	x1, sp, #8		/* argv */
	bl	kata_nolibc_main
	udf	#0
	.size	_start, . - _start
	.section .note.GNU-stack, "", %progbits
