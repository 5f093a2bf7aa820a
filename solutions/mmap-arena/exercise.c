/*
 * Kata vdso-hash — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_lookup(const void *base, const char *name);

static int same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The SysV ELF hash (the System V ABI, "Hash Table"). */
static uint32_t elf_hash(const char *s)
{
	uint32_t h = 0, g;
	while (*s) {
		h = (h << 4) + (unsigned char)*s++;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

void *vdso_lookup(const void *base, const char *name)
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
	const uint32_t *hash = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const Elf64_Sym *)(dyn->d_un.d_ptr + load_offset);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)(dyn->d_un.d_ptr + load_offset);
		else if (dyn->d_tag == DT_HASH)
			hash = (const uint32_t *)(dyn->d_un.d_ptr + load_offset);
	}
	if (!symtab || !strtab || !hash)
		return NULL;

	uint32_t nbucket = hash[0];
	const uint32_t *bucket = hash + 2, *chain = bucket + nbucket;
	for (uint32_t i = bucket[elf_hash(name) % nbucket]; i != STN_UNDEF; i = chain[i]) {
		const Elf64_Sym *s = &symtab[i];
		if (s->st_shndx != SHN_UNDEF && same_name(strtab + s->st_name, name))
			return (void *)(load_offset + s->st_value);
	}
	return NULL;
}
