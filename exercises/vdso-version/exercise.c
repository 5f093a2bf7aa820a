/*
 * Kata vdso-version — find a symbol at a version, as parse_vdso.c does.
 *
 * vdso_sym(base, version, name) gets the address of an ELF image's header
 * (the vDSO's, or a test image the harness made) and returns the address of
 * `name` defined at `version` (e.g. "LINUX_2.6"), or NULL if the image has no
 * such definition. A name may be defined at two versions: only the one at
 * `version` is the answer. No libc here: <elf.h> has the types, the loops
 * are yours.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_sym(const void *base, const char *version, const char *name);

void *vdso_sym(const void *base, const char *version, const char *name)
{
	const Elf64_Ehdr *eh = base;
	(void)eh;
	(void)version;
	(void)name;
	/*
	 * TODO:
	 *  1. The dynamic section, as in vdso-hash: DT_SYMTAB, DT_STRTAB, DT_HASH
	 *     and/or DT_GNU_HASH, and now DT_VERSYM and DT_VERDEF, each plus the
	 *     load offset. Both kinds of image are checked: use DT_GNU_HASH where
	 *     there is one, else DT_HASH.
	 *  2. For each symbol the hash chain gives you with the right name, its
	 *     version: versym[i] & 0x7fff is an index; find the Elf64_Verdef with
	 *     that vd_ndx (not the VER_FLG_BASE one; vd_next to the next), and
	 *     its name at strtab + vda_name of the Elf64_Verdaux at vd_aux.
	 *  3. Not the version asked for? Keep walking the chain.
	 */
	return NULL;
}
