/*
 * Kata vdso-hash — find a symbol in the vDSO through DT_HASH.
 *
 * vdso_lookup(base, name) gets the address of an ELF image's header (the
 * vDSO's, or a test image the harness made) and returns the address of the
 * symbol `name` in it, or NULL if the image does not define it. Look it up
 * through the image's SysV hash table (DT_HASH), the way the dynamic linker
 * does. No libc here: <elf.h> has the types, the loops are yours.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_lookup(const void *base, const char *name);

void *vdso_lookup(const void *base, const char *name)
{
	const Elf64_Ehdr *eh = base;
	(void)eh;
	(void)name;
	/*
	 * TODO:
	 *  1. The program headers are at base + e_phoff (e_phnum of them). The
	 *     first PT_LOAD gives the load offset: base + p_offset - p_vaddr.
	 *     PT_DYNAMIC gives the dynamic section (its p_vaddr + the load offset).
	 *  2. Walk the Elf64_Dyn entries to DT_NULL: DT_SYMTAB, DT_STRTAB, DT_HASH.
	 *     Each is a link-time address; add the load offset.
	 *  3. Hash the name, take its bucket, follow the chain, compare names.
	 */
	return NULL;
}
