/*
 * Kata vdso-fallback — reference solution.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <time.h>

#if defined(__x86_64__)
#define CLOCK_NAME "__vdso_clock_gettime"
#define CLOCK_VERSION "LINUX_2.6"
#else
#define CLOCK_NAME "__kernel_clock_gettime"
#define CLOCK_VERSION "LINUX_2.6.39"
#endif

long vdso_clock_gettime(long clock, struct timespec *ts);

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static uint32_t sysv_hash(const char *s)
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

struct image {
	uintptr_t load;            /* base + p_offset - p_vaddr of the first PT_LOAD */
	const Elf64_Sym *sym;
	const char *str;
	const uint32_t *hash, *gnu;
	const uint16_t *versym;
	const Elf64_Verdef *verdef;
};

/* Symbol i is `name` at `version` (versym's index, named in verdef). */
static int matches(const struct image *m, uint32_t i, const char *version, const char *name)
{
	const Elf64_Sym *s = &m->sym[i];
	if (s->st_shndx == SHN_UNDEF || !same(m->str + s->st_name, name))
		return 0;
	if (!m->versym || !m->verdef)
		return 1;
	uint16_t ndx = m->versym[i] & 0x7fff;
	for (const Elf64_Verdef *d = m->verdef;; d = (const Elf64_Verdef *)((const char *)d + d->vd_next)) {
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == ndx) {
			const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
			return same(m->str + aux->vda_name, version);
		}
		if (!d->vd_next)
			return 0;
	}
}

static void *vdso_sym(const void *base, const char *version, const char *name)
{
	const unsigned char *b = base;
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(b + eh->e_phoff);
	struct image m = { 0 };
	uint64_t dyn_vaddr = 0;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			m.load = (uintptr_t)b + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn_vaddr = ph[i].p_vaddr;
		}
	}
	if (!have_load || !dyn_vaddr)
		return NULL;
	for (const Elf64_Dyn *d = (const Elf64_Dyn *)(m.load + dyn_vaddr); d->d_tag != DT_NULL; d++) {
		const void *p = (const void *)(m.load + d->d_un.d_ptr);
		switch (d->d_tag) {
		case DT_SYMTAB: m.sym = p; break;
		case DT_STRTAB: m.str = p; break;
		case DT_HASH: m.hash = p; break;
		case DT_GNU_HASH: m.gnu = p; break;
		case DT_VERSYM: m.versym = p; break;
		case DT_VERDEF: m.verdef = p; break;
		}
	}
	if (!m.sym || !m.str)
		return NULL;
	if (m.gnu) {
		uint32_t nb = m.gnu[0], off = m.gnu[1], nbloom = m.gnu[2], shift = m.gnu[3];
		const uint64_t *bloom = (const uint64_t *)(m.gnu + 4);
		const uint32_t *buckets = (const uint32_t *)(bloom + nbloom), *chain = buckets + nb;
		uint32_t h = gnu_hash(name);
		uint64_t word = bloom[(h / 64) % nbloom], mask = (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
		if ((word & mask) != mask)
			return NULL;
		for (uint32_t i = buckets[h % nb]; i >= off; i++) {
			uint32_t h2 = chain[i - off];
			if ((h | 1) == (h2 | 1) && matches(&m, i, version, name))
				return (void *)(m.load + m.sym[i].st_value);
			if (h2 & 1)
				break;
		}
		return NULL;
	}
	if (!m.hash)
		return NULL;
	const uint32_t *bucket = m.hash + 2, *chain = bucket + m.hash[0];
	for (uint32_t i = bucket[sysv_hash(name) % m.hash[0]]; i != STN_UNDEF; i = chain[i])
		if (matches(&m, i, version, name))
			return (void *)(m.load + m.sym[i].st_value);
	return NULL;
}

/* The kernel's way in, for when the vDSO cannot answer: clock_gettime(2). */
static long raw_clock_gettime(long clock, struct timespec *ts)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(228L), "D"(clock), "S"(ts) : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = 113, x0 __asm__("x0") = clock, x1 __asm__("x1") = (long)ts;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
#endif
}

static int (*vdso_clock)(clockid_t, struct timespec *);

static long through_vdso(long clock, struct timespec *ts)
{
	/* For a clock it does not serve, the vDSO makes the syscall itself and
	 * returns the kernel's answer (-EINVAL for an id nobody knows). */
	return vdso_clock((clockid_t)clock, ts);
}

long vdso_clock_gettime(long clock, struct timespec *ts)
{
	/* Decided once: the vDSO's function where there is one, else the syscall. */
	static long (*fn)(long, struct timespec *);
	if (!fn) {
		const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
		vdso_clock = base ? (int (*)(clockid_t, struct timespec *))vdso_sym(base, CLOCK_VERSION, CLOCK_NAME) : NULL;
		fn = vdso_clock ? through_vdso : raw_clock_gettime;
	}
	return fn(clock, ts);
}
