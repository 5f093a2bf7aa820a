/*
 * Kata vdso-find — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/auxv.h>

const void *vdso_find(void);

#if defined(__x86_64__)
#define OUR_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define OUR_MACHINE EM_AARCH64
#endif

const void *vdso_find(void)
{
	/* The kernel says where it mapped the vDSO in the auxiliary vector;
	 * 0 (or no entry at all) means the process has none. */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	if (!eh)
		return NULL;
	/* Only e_ident is readable before the class is known: it is the same
	 * 16 bytes in every ELF file, 32- or 64-bit, either byte order. */
	for (int i = 0; i < SELFMAG; i++)
		if (eh->e_ident[i] != (unsigned char)ELFMAG[i])
			return NULL;
	/* The class and the byte order say how to read every header after
	 * this: only 64-bit little-endian ones are laid out as our Elf64_*. */
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return NULL;
	/* Code for another processor would be nothing we could call. */
	if (eh->e_machine != OUR_MACHINE)
		return NULL;
	return eh;
}
