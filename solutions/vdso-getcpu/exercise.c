/*
 * Kata vdso-getcpu — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/time.h>

long vdso_gettimeofday(struct timeval *tv);
long vdso_time(void);
long vdso_getcpu(unsigned *cpu, unsigned *node);

#define ENOSYS_ 38

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Whether symbol i is defined at `version` (DT_VERSYM gives its index, DT_VERDEF the name). */
static int at_version(const Elf64_Versym *versym, const Elf64_Verdef *d, const char *strtab, uint32_t i,
		      const char *version)
{
	if (!versym || !d)
		return 1; /* an image without versions */
	unsigned ndx = versym[i] & 0x7fff;
	for (;;) {
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == ndx) {
			const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
			return same(strtab + aux->vda_name, version);
		}
		if (!d->vd_next)
			return 0;
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
}

/* `name` at `version` in the ELF image at `base`: through DT_GNU_HASH where
 * there is one, else DT_HASH, as ld.so does. NULL if it is not there. */
static void *vdso_sym(const void *base, const char *version, const char *name)
{
	const unsigned char *b = base;
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff);
	uintptr_t off = 0, dyn_at = 0;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			off = (uintptr_t)b + ph[i].p_offset - ph[i].p_vaddr; /* the load offset */
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn_at = ph[i].p_vaddr;
		}
	}
	if (!have_load || !dyn_at)
		return NULL;
	const Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *hash = NULL, *gnu = NULL;
	const Elf64_Versym *versym = NULL;
	const Elf64_Verdef *verdef = NULL;
	for (const Elf64_Dyn *d = (const Elf64_Dyn *)(dyn_at + off); d->d_tag != DT_NULL; d++) {
		uintptr_t p = d->d_un.d_ptr + off;
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = (const Elf64_Sym *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_HASH: hash = (const uint32_t *)p; break;
		case DT_GNU_HASH: gnu = (const uint32_t *)p; break;
		case DT_VERSYM: versym = (const Elf64_Versym *)p; break;
		case DT_VERDEF: verdef = (const Elf64_Verdef *)p; break;
		}
	}
	if (!symtab || !strtab || (!hash && !gnu))
		return NULL;
	if (gnu) {
		uint32_t h = 5381;
		for (const char *s = name; *s; s++)
			h = h * 33 + (unsigned char)*s;
		uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom_size = gnu[2], shift = gnu[3];
		const uint64_t *bloom = (const uint64_t *)(gnu + 4);
		const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size), *chain = buckets + nbuckets;
		uint64_t word = bloom[(h / 64) % bloom_size];
		uint64_t mask = (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
		if ((word & mask) != mask)
			return NULL;
		uint32_t i = buckets[h % nbuckets];
		if (i < symoffset)
			return NULL;
		for (;; i++) {
			uint32_t h2 = chain[i - symoffset];
			const Elf64_Sym *s = &symtab[i];
			if ((h | 1) == (h2 | 1) && s->st_shndx != SHN_UNDEF && same(strtab + s->st_name, name) &&
			    at_version(versym, verdef, strtab, i, version))
				return (void *)(off + s->st_value);
			if (h2 & 1)
				return NULL;
		}
	}
	uint32_t h = 0, g;
	for (const char *s = name; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	uint32_t nbucket = hash[0];
	const uint32_t *bucket = hash + 2, *chain = bucket + nbucket;
	for (uint32_t i = bucket[h % nbucket]; i != STN_UNDEF; i = chain[i]) {
		const Elf64_Sym *s = &symtab[i];
		if (s->st_shndx != SHN_UNDEF && same(strtab + s->st_name, name) && at_version(versym, verdef, strtab, i, version))
			return (void *)(off + s->st_value);
	}
	return NULL;
}

/* Resolved once: a fresh process per case, and the vDSO does not move. */
static int (*gettimeofday_fn)(struct timeval *, void *);
static long (*time_fn)(long *);
static long (*getcpu_fn)(unsigned *, unsigned *, void *);

static void resolve(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!base)
		return; /* no vDSO: every call says ENOSYS */
	gettimeofday_fn = (int (*)(struct timeval *, void *))vdso_sym(base, "LINUX_2.6", "__vdso_gettimeofday");
	time_fn = (long (*)(long *))vdso_sym(base, "LINUX_2.6", "__vdso_time");
	getcpu_fn = (long (*)(unsigned *, unsigned *, void *))vdso_sym(base, "LINUX_2.6", "__vdso_getcpu");
}

long vdso_gettimeofday(struct timeval *tv)
{
	resolve();
	return gettimeofday_fn ? gettimeofday_fn(tv, NULL) : -ENOSYS_;
}

long vdso_time(void)
{
	resolve();
	return time_fn ? time_fn(NULL) : -ENOSYS_;
}

long vdso_getcpu(unsigned *cpu, unsigned *node)
{
	resolve();
	return getcpu_fn ? getcpu_fn(cpu, node, NULL) : -ENOSYS_;
}
