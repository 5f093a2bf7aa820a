/*
 * Kata vdso-version — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

void *vdso_sym(const void *base, const char *version, const char *name);

static int same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The SysV ELF hash: DT_HASH's, and vd_hash's in every Elf64_Verdef. */
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

/* The GNU hash: DT_GNU_HASH's. */
static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

struct image {
	uintptr_t load_offset;
	const Elf64_Sym *symtab;
	const char *strtab;
	const uint32_t *hash, *gnu;
	const Elf64_Versym *versym;
	const Elf64_Verdef *verdef;
};

/* Is symbol i defined at `version`? DT_VERSYM gives its version's index,
 * DT_VERDEF the definition with that index, and its first Verdaux the name. */
static int at_version(const struct image *im, uint32_t i, const char *version, uint32_t vhash)
{
	if (!im->versym || !im->verdef)
		return 1; /* an image without versions: every symbol is "the" one */
	Elf64_Versym v = im->versym[i];
	if (!version)
		return !(v & 0x8000); /* no version asked: the default one, never a hidden one */
	v &= 0x7fff;              /* bit 15 only says "hidden" (not the default): not part of the index */
	const Elf64_Verdef *d = im->verdef;
	for (;;) {
		/* The VER_FLG_BASE entry names the file itself, not a version. */
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == v) {
			const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
			return d->vd_hash == vhash && same_name(im->strtab + aux->vda_name, version);
		}
		if (!d->vd_next)
			return 0; /* no definition with that index: not at any named version */
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
}

static int is_it(const struct image *im, uint32_t i, const char *version, uint32_t vhash, const char *name)
{
	const Elf64_Sym *s = &im->symtab[i];
	return s->st_shndx != SHN_UNDEF && same_name(im->strtab + s->st_name, name) &&
	       at_version(im, i, version, vhash);
}

void *vdso_sym(const void *base, const char *version, const char *name)
{
	const unsigned char *b = base;
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff);
	struct image im = { 0 };
	const Elf64_Dyn *dyn = NULL;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			/* Where link-time address 0 is: the image may be linked anywhere. */
			im.load_offset = (uintptr_t)b + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const Elf64_Dyn *)ph[i].p_vaddr; /* a link-time address, fixed below */
		}
	}
	if (!have_load || !dyn)
		return NULL;
	dyn = (const Elf64_Dyn *)((uintptr_t)dyn + im.load_offset);

	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(dyn->d_un.d_ptr + im.load_offset);
		switch (dyn->d_tag) {
		case DT_SYMTAB: im.symtab = p; break;
		case DT_STRTAB: im.strtab = p; break;
		case DT_HASH: im.hash = p; break;
		case DT_GNU_HASH: im.gnu = p; break;
		case DT_VERSYM: im.versym = p; break;
		case DT_VERDEF: im.verdef = p; break;
		}
	}
	if (!im.symtab || !im.strtab || (!im.hash && !im.gnu))
		return NULL;

	uint32_t vhash = version ? elf_hash(version) : 0;
	int found = -1;
	if (im.gnu) {
		/* As ld.so: the GNU table where there is one. */
		uint32_t nbuckets = im.gnu[0], symoffset = im.gnu[1], bloom_size = im.gnu[2], shift = im.gnu[3];
		const uint64_t *bloom = (const uint64_t *)(im.gnu + 4);
		const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size), *chain = buckets + nbuckets;
		uint32_t h = gnu_hash(name);
		uint64_t mask = (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
		if ((bloom[(h / 64) % bloom_size] & mask) != mask)
			return NULL;
		uint32_t i = buckets[h % nbuckets];
		if (i < symoffset)
			return NULL;
		for (;; i++) {
			uint32_t h2 = chain[i - symoffset];
			/* One name may be in the chain twice, at two versions: go on
			 * until the one at `version`. */
			if ((h | 1) == (h2 | 1) && is_it(&im, i, version, vhash, name)) {
				found = (int)i;
				break;
			}
			if (h2 & 1)
				break;
		}
	} else {
		uint32_t nbucket = im.hash[0];
		const uint32_t *bucket = im.hash + 2, *chain = bucket + nbucket;
		for (uint32_t i = bucket[elf_hash(name) % nbucket]; i != STN_UNDEF; i = chain[i]) {
			if (is_it(&im, i, version, vhash, name)) {
				found = (int)i;
				break;
			}
		}
	}
	return found < 0 ? NULL : (void *)(im.load_offset + im.symtab[found].st_value);
}
