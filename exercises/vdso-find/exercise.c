/*
 * Kata vdso-find — find the vDSO, and check it is one before trusting it.
 *
 * vdso_find() returns the address of the vDSO's ELF header, which the kernel
 * left in the process's auxiliary vector as AT_SYSINFO_EHDR, or NULL when
 * there is none or what is there is not an ELF image this process can parse:
 * a 64-bit, little-endian image for this processor.
 *
 * getauxval() is the one library call allowed here; <elf.h> has the names of
 * the fields and their values. The comparisons are yours.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/auxv.h>

const void *vdso_find(void);

const void *vdso_find(void)
{
	/*
	 * TODO:
	 *  1. Ask the auxiliary vector where the vDSO is: getauxval(AT_SYSINFO_EHDR).
	 *     0 means this process has none.
	 *  2. The address is an Elf64_Ehdr. Before trusting it, check its
	 *     identity: e_ident starts with ELFMAG (SELFMAG bytes), EI_CLASS is
	 *     ELFCLASS64, EI_DATA is ELFDATA2LSB, and e_machine is this
	 *     processor's (EM_X86_64 under __x86_64__, EM_AARCH64 under
	 *     __aarch64__).
	 *  3. Return the address when all of that holds, NULL otherwise.
	 */
	return NULL;
}
