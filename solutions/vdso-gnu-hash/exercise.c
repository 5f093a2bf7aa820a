/*
 * Kata vdso-gnu-hash — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_lookup_gnu(const void *base, const char *name);

static int same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The GNU hash (Bernstein's): h = h * 33 + c, from 5381, in 32 bits. */
static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

void *vdso_lookup_gnu(const void *base, const char *name)
{
	const unsigned char *b = base;
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff);
	uintptr_t load_offset = 0;
	const Elf64_Dyn *dyn = NULL;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			/* Where link-time address 0 is: the image may be linked anywhere. */
			load_offset = (uintptr_t)b + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const Elf64_Dyn *)ph[i].p_vaddr; /* a link-time address, fixed below */
		}
	}
	if (!have_load || !dyn)
		return NULL;
	dyn = (const Elf64_Dyn *)((uintptr_t)dyn + load_offset);

	const Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *gnu = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const Elf64_Sym *)(dyn->d_un.d_ptr + load_offset);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)(dyn->d_un.d_ptr + load_offset);
		else if (dyn->d_tag == DT_GNU_HASH)
			gnu = (const uint32_t *)(dyn->d_un.d_ptr + load_offset);
	}
	if (!symtab || !strtab || !gnu)
		return NULL;

	/* The header, then bloom[bloom_size] (words of the ELF class's size: 64 bits
	 * here), buckets[nbuckets], and one chain word per hashed symbol. */
	uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom_size = gnu[2], bloom_shift = gnu[3];
	const uint64_t *bloom = (const uint64_t *)(gnu + 4);
	const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size);
	const uint32_t *chain = buckets + nbuckets;
	if (nbuckets == 0 || bloom_size == 0)
		return NULL;

	uint32_t h = gnu_hash(name);
	/* The filter: two bits per name, both set for every name in the table.
	 * One clear bit proves the name is absent, without touching the chains. */
	uint64_t word = bloom[(h / 64) % bloom_size];
	uint64_t mask = (1ull << (h % 64)) | (1ull << ((h >> bloom_shift) % 64));
	if ((word & mask) != mask)
		return NULL;

	/* The bucket holds the first symbol of its run; below symoffset is no
	 * hashed symbol at all (0 marks an empty bucket). */
	uint32_t i = buckets[h % nbuckets];
	if (i < symoffset)
		return NULL;
	for (;; i++) {
		/* chain[] holds each symbol's hash with the low bit reused: set on the
		 * last symbol of the run. Compare hashes first, names only on a match. */
		uint32_t h2 = chain[i - symoffset];
		const Elf64_Sym *s = &symtab[i];
		if ((h | 1) == (h2 | 1) && s->st_shndx != SHN_UNDEF && same_name(strtab + s->st_name, name))
			return (void *)(load_offset + s->st_value);
		if (h2 & 1)
			break;
	}
	return NULL;
}
