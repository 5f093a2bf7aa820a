/*
 * Kata vdso-gnu-hash — find a symbol in the vDSO through DT_GNU_HASH.
 *
 * vdso_lookup_gnu(base, name) gets the address of an ELF image's header (the
 * vDSO's, or a test image the harness made) and returns the address of the
 * symbol `name` in it, or NULL if the image does not define it. Look it up
 * through the image's GNU hash table (DT_GNU_HASH), the way ld.so does:
 * bloom filter first, then bucket and chain. No libc here: <elf.h> has the
 * types, the loops are yours.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_lookup_gnu(const void *base, const char *name);

void *vdso_lookup_gnu(const void *base, const char *name)
{
	const Elf64_Ehdr *eh = base;
	(void)eh;
	(void)name;
	/*
	 * TODO:
	 *  1. As in vdso-hash: the load offset (base + p_offset - p_vaddr of the
	 *     first PT_LOAD), the dynamic section (PT_DYNAMIC), and from it
	 *     DT_SYMTAB, DT_STRTAB and now DT_GNU_HASH, each plus the load offset.
	 *  2. The table: four uint32_t (nbuckets, symoffset, bloom_size,
	 *     bloom_shift), bloom_size 64-bit words, nbuckets uint32_t buckets,
	 *     then the chain: one uint32_t per symbol from symoffset on.
	 *  3. Hash the name (h = h * 33 + c, from 5381). Ask the bloom filter;
	 *     if it says no, the name is not there.
	 *  4. Start at buckets[h % nbuckets], walk the chain until the entry
	 *     whose low bit is set, comparing hashes, then names.
	 */
	return NULL;
}
