/*
 * kata-vdso-agent.h — the agent's side of the vDSO katas (agent.c only):
 * mapping the judge's test image and putting it, or nothing, where the
 * learner's code looks for the vDSO.
 *
 * What the learner's code is told is the vDSO is the AT_SYSINFO_EHDR entry of
 * the process's auxiliary vector, on its start-up stack: getauxval() reads it
 * there, and so does a walk from _start. The agent changes that entry before
 * the learner's first call in a fresh agent; the judge knows what it put there.
 * No libc (noLibc katas), raw syscalls only.
 */
#ifndef KATA_VDSO_AGENT_H
#define KATA_VDSO_AGENT_H

#include "kata-agent.h"
#include "raw-syscall.h"

#if defined(__x86_64__)
#define KATA_NR_MMAP 9
#define KATA_NR_MUNMAP 11
#else
#define KATA_NR_MMAP 222
#define KATA_NR_MUNMAP 215
#endif

#define KATA_AT_NULL 0
#define KATA_AT_IGNORE 1
#define KATA_AT_EXECFN 31
#define KATA_AT_SYSINFO_EHDR 33

/*
 * Maps the judge's image: fd[0] the memfd, arg[0] its size, arg[1] the
 * address, arg[2] non-zero where the agent may make code (under emulation,
 * where the image's functions are called). Elsewhere it is read-only: the
 * agent's lock-down refuses new executable memory, and natively the katas
 * call the kernel's own vDSO. Returns the address, or -errno.
 */
static inline long kata_vdso_map_image(const struct kata_call *c)
{
	long prot = 1 /* PROT_READ */ | (c->arg[2] ? 4 /* PROT_EXEC */ : 0);
	long flags = 0x02 /* MAP_PRIVATE */ | 0x100000 /* MAP_FIXED_NOREPLACE */;
	long p = kata_raw_syscall6(KATA_NR_MMAP, c->arg[1], c->arg[0], prot, flags, c->fd[0], 0);
	if (p < 0 && p > -4096) /* qemu may keep that range: anywhere then, and say where */
		p = kata_raw_syscall6(KATA_NR_MMAP, 0, c->arg[0], prot, 0x02, c->fd[0], 0);
	return p;
}

/* The AT_SYSINFO_EHDR entry of `auxv`, made if the kernel (or qemu) gave
 * none: it takes the place of an AT_IGNORE or, failing that, AT_EXECFN entry,
 * which nothing reads once the program runs. NULL if neither is there. */
static inline unsigned long *kata_vdso_ehdr_entry_in(unsigned long *auxv)
{
	unsigned long *spare = 0;
	for (unsigned long *a = auxv; a[0] != KATA_AT_NULL; a += 2) {
		if (a[0] == KATA_AT_SYSINFO_EHDR)
			return a;
		if (a[0] == KATA_AT_IGNORE || (a[0] == KATA_AT_EXECFN && !spare))
			spare = a;
	}
	if (spare) {
		spare[0] = KATA_AT_SYSINFO_EHDR;
		spare[1] = 0; /* a new entry: no vDSO until one is set (not the spare's old value) */
	}
	return spare;
}

static inline unsigned long *kata_vdso_ehdr_entry(const struct kata_call *c)
{
	return kata_vdso_ehdr_entry_in(c->auxv);
}

/*
 * A process without a vDSO: AT_SYSINFO_EHDR becomes 0 and the kernel's image
 * is unmapped, so code that kept or guessed its address faults instead of
 * using it. Returns the address it had (0 if there was none).
 */
static inline unsigned long kata_vdso_hide_in(unsigned long *auxv)
{
	unsigned long *e = kata_vdso_ehdr_entry_in(auxv);
	unsigned long base = e ? e[1] : 0;
	if (e)
		e[1] = 0;
	if (base) {
		/* Its size: the end of its last PT_LOAD (Elf64 headers, read by hand). */
		const unsigned char *eh = (const unsigned char *)base;
		unsigned long phoff = *(const unsigned long *)(eh + 32);
		unsigned short phentsize = *(const unsigned short *)(eh + 54), phnum = *(const unsigned short *)(eh + 56);
		unsigned long end = 0;
		for (unsigned i = 0; i < phnum; i++) {
			const unsigned char *ph = eh + phoff + (unsigned long)i * phentsize;
			if (*(const unsigned *)ph == 1 /* PT_LOAD */) {
				unsigned long e_ = *(const unsigned long *)(ph + 16) + *(const unsigned long *)(ph + 40);
				if (e_ > end)
					end = e_; /* p_vaddr + p_memsz; the kernel's image is linked at 0 */
			}
		}
		kata_raw_syscall2(KATA_NR_MUNMAP, (long)base, (long)((end + 4095) & ~4095ul));
	}
	return base;
}

#endif
