/*
 * The judge's vDSO tools (kata-vdso.h): an ELF lookup of its own, the test
 * images embedded in the judge and the traps a case sets in them, and the
 * live vDSO seen from outside the agent.
 *
 * The lookup is written from the ELF and GNU specifications, as ld.so and
 * the kernel's parse_vdso.c do it; it is checked against glibc's own (dlvsym
 * on the live vDSO) by the course's tests. Every read is bounds-checked: the
 * images are the judge's, but a case may have damaged one on purpose.
 */
#define _GNU_SOURCE
#include "kata-vdso.h"
#include "judge.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

/* The images, linked in by the runner (runner/src/vdso-images.ts) into the
 * judges of katas that include kata-vdso.h; absent elsewhere. */
#define IMAGE_SYMBOLS(v) \
	extern const unsigned char kata_image_##v[] __attribute__((weak)), kata_image_##v##_end[] __attribute__((weak));
IMAGE_SYMBOLS(sysv)
IMAGE_SYMBOLS(gnu)
IMAGE_SYMBOLS(both)
IMAGE_SYMBOLS(sysv_two)
IMAGE_SYMBOLS(gnu_two)

static const struct {
	const char *name;
	const unsigned char *start, *end;
} embedded[KATA_IMAGE_VARIANTS] = {
	[KATA_IMAGE_SYSV] = { "sysv", kata_image_sysv, kata_image_sysv_end },
	[KATA_IMAGE_GNU] = { "gnu", kata_image_gnu, kata_image_gnu_end },
	[KATA_IMAGE_BOTH] = { "both", kata_image_both, kata_image_both_end },
	[KATA_IMAGE_SYSV_TWO] = { "sysv-two", kata_image_sysv_two, kata_image_sysv_two_end },
	[KATA_IMAGE_GNU_TWO] = { "gnu-two", kata_image_gnu_two, kata_image_gnu_two_end },
};

#define MAX_SYMS 256

struct kata_image {
	unsigned char *mem;   /* as it lies in memory: mem[0] is the ELF header */
	size_t len;
	uint64_t link;        /* p_vaddr - p_offset of the first PT_LOAD: mem[x] is at vaddr link + x */
	Elf64_Sym *sym;
	size_t nsym;
	char *str;
	size_t strsz;
	Elf64_Dyn *dyn;       /* the dynamic section */
	uint32_t *hash;       /* DT_HASH, or NULL */
	uint32_t *gnu;        /* DT_GNU_HASH, or NULL */
	uint16_t *versym;
	Elf64_Verdef *verdef;
	uint32_t gnu_of[MAX_SYMS]; /* each symbol's GNU hash, from its name at load (decoys keep theirs) */
	uint32_t sysv_of[MAX_SYMS]; /* and its SysV hash */
	int fd;
	struct kata_image_answers *answers; /* in mem: what its functions return, drawn afresh at load */
	int trapped_linear[8]; /* the decoys renamed, or -1 */
	int bloom_trap;        /* the symbol left out of the bloom filter, or -1 */
	int chain_end_trap;    /* the symbol filed in another bucket's run, or -1 */
};

/* ---- reading an image ------------------------------------------------------ */

/* A pointer to `size` bytes at link-time address `vaddr`, or NULL outside the image. */
static void *at(const struct kata_image *img, uint64_t vaddr, size_t size)
{
	if (vaddr < img->link || vaddr - img->link > img->len || img->len - (vaddr - img->link) < size)
		return NULL;
	return img->mem + (vaddr - img->link);
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

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static const char *name_of(const struct kata_image *img, size_t i)
{
	if (i >= img->nsym || img->sym[i].st_name >= img->strsz)
		return "";
	return img->str + img->sym[i].st_name;
}

/* Parses the dynamic tables: 0, or -1 if the image is not one we can read. */
static int parse(struct kata_image *img)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img->mem;
	if (img->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	if (eh->e_phoff > img->len || (img->len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return -1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img->mem + eh->e_phoff);
	uint64_t dyn_vaddr = 0;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			img->link = ph[i].p_vaddr - ph[i].p_offset;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn_vaddr = ph[i].p_vaddr;
		}
	}
	if (!have_load || !dyn_vaddr)
		return -1;
	img->dyn = at(img, dyn_vaddr, sizeof(Elf64_Dyn));
	uint64_t symtab = 0, strtab = 0, strsz = 0, hash = 0, gnu = 0, versym = 0, verdef = 0;
	for (Elf64_Dyn *d = at(img, dyn_vaddr, sizeof(*d)); d && d->d_tag != DT_NULL; d = at(img, dyn_vaddr += sizeof(*d), sizeof(*d))) {
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = d->d_un.d_ptr; break;
		case DT_STRTAB: strtab = d->d_un.d_ptr; break;
		case DT_STRSZ: strsz = d->d_un.d_val; break;
		case DT_HASH: hash = d->d_un.d_ptr; break;
		case DT_GNU_HASH: gnu = d->d_un.d_ptr; break;
		case DT_VERSYM: versym = d->d_un.d_ptr; break;
		case DT_VERDEF: verdef = d->d_un.d_ptr; break;
		}
	}
	img->str = at(img, strtab, strsz);
	img->strsz = strsz;
	img->hash = hash ? at(img, hash, 8) : NULL;
	img->gnu = gnu ? at(img, gnu, 16) : NULL;
	if (!img->str || (!img->hash && !img->gnu) || !symtab)
		return -1;
	/* The number of symbols: DT_HASH says; for GNU only, the end of the last chain. */
	if (img->hash) {
		img->nsym = img->hash[1];
	} else {
		uint32_t nb = img->gnu[0], off = img->gnu[1], bloom = img->gnu[2];
		uint32_t *buckets = at(img, gnu + 16 + 8ull * bloom, 4ull * nb);
		if (!buckets)
			return -1;
		uint32_t last = 0;
		for (uint32_t b = 0; b < nb; b++)
			if (buckets[b] > last)
				last = buckets[b];
		if (last >= off) {
			uint32_t *chain = buckets + nb;
			while ((unsigned char *)&chain[last - off + 1] <= img->mem + img->len && !(chain[last - off] & 1))
				last++;
		}
		img->nsym = last + 1;
	}
	if (img->nsym > MAX_SYMS)
		return -1;
	img->sym = at(img, symtab, img->nsym * sizeof(Elf64_Sym));
	img->versym = versym ? at(img, versym, img->nsym * 2) : NULL;
	img->verdef = verdef ? at(img, verdef, sizeof(Elf64_Verdef)) : NULL;
	if (!img->sym)
		return -1;
	for (size_t i = 0; i < img->nsym; i++)
		img->gnu_of[i] = gnu_hash(name_of(img, i)), img->sysv_of[i] = sysv_hash(name_of(img, i));
	return 0;
}

static const char *arch_of_agent(void)
{
#if defined(__x86_64__)
	return kata_emulated() ? "aarch64" : "x86_64";
#else
	return kata_emulated() ? "x86_64" : "aarch64";
#endif
}

static int agent_is_x86(void)
{
	return strcmp(arch_of_agent(), "x86_64") == 0;
}

const char *kata_vdso_clock_name(void)
{
	return agent_is_x86() ? "__vdso_clock_gettime" : "__kernel_clock_gettime";
}

const char *kata_vdso_version(void)
{
	return agent_is_x86() ? KATA_VDSO_X86_64_VERSION : KATA_VDSO_AARCH64_VERSION;
}

const char *kata_vdso_prefix(void)
{
	return agent_is_x86() ? "__vdso_" : "__kernel_";
}

/* The file's own symbol table (not mapped: after the PT_LOAD) says where
 * kata_image_answers is; the judge writes fresh answers there. */
static void draw_answers(struct kata_image *img, const unsigned char *file, size_t file_len, uint64_t first)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	if (eh->e_shoff == 0 || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > file_len)
		kata_setup_failed("the test vDSO image has no section headers");
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		const Elf64_Sym *sym = (const Elf64_Sym *)(file + sh[i].sh_offset);
		const char *str = (const char *)(file + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++) {
			if (strcmp(str + sym[k].st_name, "kata_image_answers") != 0)
				continue;
			uint64_t off = sym[k].st_value - first;
			if (off + sizeof(struct kata_image_answers) > img->len)
				break;
			struct kata_image_answers *a = (struct kata_image_answers *)(img->mem + off);
			/* Times far from any real clock's reading (REALTIME is ~1.7e9 s). */
			a->sec = 3000000000L + (long)kata_rand_range(0, 999999999);
			a->nsec = (long)kata_rand_range(0, 999999999);
			do
				a->wrong_nsec = (long)kata_rand_range(0, 999999999);
			while (a->wrong_nsec == a->nsec);
			a->tod_sec = 3000000000L + (long)kata_rand_range(0, 999999999);
			a->tod_usec = (long)kata_rand_range(0, 999999);
			a->cpu = (unsigned)kata_rand_range(1000, 60000); /* no CPU this machine has */
			a->node = (unsigned)kata_rand_range(100, 999);
			img->answers = a;
			return;
		}
	}
	kata_setup_failed("the test vDSO image has no kata_image_answers");
}

const struct kata_image_answers *kata_image_answers_of(const struct kata_image *img)
{
	return img->answers;
}

/* An image of `len` zero bytes, no memfd yet, no trap set. */
static struct kata_image *new_image(size_t len)
{
	struct kata_image *img = calloc(1, sizeof(*img));
	if (img)
		img->mem = calloc(1, len);
	if (!img || !img->mem)
		kata_setup_failed("memory for a vDSO image");
	img->len = len;
	img->fd = -1;
	for (int k = 0; k < 8; k++)
		img->trapped_linear[k] = -1;
	img->bloom_trap = -1;
	img->chain_end_trap = -1;
	return img;
}

struct kata_image *kata_image_load(enum kata_image_variant v)
{
	if (v < 0 || v >= KATA_IMAGE_VARIANTS || !embedded[v].start || embedded[v].end <= embedded[v].start)
		kata_setup_failed("the test vDSO image was not built into this judge (the runner builds it with the compiler for the agent's architecture)");
	size_t file_len = (size_t)(embedded[v].end - embedded[v].start);
	/* As a loader would: every PT_LOAD at its address. The images have one,
	 * holding the whole file; the copy is its memory size. */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)embedded[v].start;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(embedded[v].start + eh->e_phoff);
	uint64_t first = UINT64_MAX, end = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			if (first == UINT64_MAX)
				first = ph[i].p_vaddr - ph[i].p_offset;
			if (ph[i].p_vaddr + ph[i].p_memsz > end)
				end = ph[i].p_vaddr + ph[i].p_memsz;
		}
	if (first == UINT64_MAX)
		kata_setup_failed("the test vDSO image has no PT_LOAD");
	struct kata_image *img = new_image((size_t)(end - first + 4095) & ~(size_t)4095);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz <= file_len)
			memcpy(img->mem + (ph[i].p_vaddr - first), embedded[v].start + ph[i].p_offset, ph[i].p_filesz);
	if (parse(img) != 0)
		kata_setup_failed("the test vDSO image does not parse");
	draw_answers(img, embedded[v].start, file_len, first);
	return img;
}

struct kata_image *kata_image_live(void)
{
	const unsigned char *base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	if (!base)
		kata_setup_failed("the judge has no vDSO of its own to compare with");
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	uint64_t end = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_memsz > end)
			end = ph[i].p_offset + ph[i].p_memsz;
	struct kata_image *img = new_image((size_t)end);
	memcpy(img->mem, base, img->len);
	if (parse(img) != 0)
		kata_setup_failed("the judge's own vDSO does not parse");
	return img;
}

size_t kata_image_size(const struct kata_image *img)
{
	return img->len;
}

/* ---- the lookup -------------------------------------------------------------- */

/* The version's name for symbol i ("" for the base, NULL when the image has no versions). */
static const char *version_of(const struct kata_image *img, size_t i, int *hidden)
{
	*hidden = 0;
	if (!img->versym || !img->verdef)
		return NULL;
	uint16_t v = img->versym[i];
	*hidden = (v & 0x8000) != 0;
	v &= 0x7fff;
	Elf64_Verdef *d = img->verdef;
	for (int guard = 0; d && guard < 64; guard++) {
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == v) {
			Elf64_Verdaux *aux = (Elf64_Verdaux *)((char *)d + d->vd_aux);
			if ((unsigned char *)aux + sizeof(*aux) > img->mem + img->len || aux->vda_name >= img->strsz)
				return NULL;
			return img->str + aux->vda_name;
		}
		if (!d->vd_next)
			break;
		d = (Elf64_Verdef *)((char *)d + d->vd_next);
		if ((unsigned char *)d + sizeof(*d) > img->mem + img->len)
			break;
	}
	return "";
}

static int matches(const struct kata_image *img, size_t i, const char *version, const char *name)
{
	const Elf64_Sym *s = &img->sym[i];
	if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS || strcmp(name_of(img, i), name) != 0)
		return 0;
	int hidden;
	const char *v = version_of(img, i, &hidden);
	if (!v)
		return 1;
	return version ? strcmp(v, version) == 0 : !hidden;
}

/* Symbol indices in the order a lookup of `name` meets them: GNU or SysV chain. */
static int chain_order(const struct kata_image *img, int use_gnu, const char *name, int *out, int max)
{
	int n = 0;
	if (use_gnu) {
		const uint32_t *g = img->gnu;
		uint32_t nb = g[0], off = g[1], bloom = g[2], shift = g[3];
		const uint64_t *words = (const uint64_t *)(g + 4);
		uint32_t h = gnu_hash(name);
		uint64_t word = words[(h / 64) % bloom];
		uint64_t mask = (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
		if ((word & mask) != mask)
			return 0;
		const uint32_t *buckets = (const uint32_t *)(words + bloom), *chain = buckets + nb;
		uint32_t i = buckets[h % nb];
		if (i < off)
			return 0;
		for (; i < img->nsym && n < max; i++) {
			uint32_t h2 = chain[i - off];
			if ((h | 1) == (h2 | 1))
				out[n++] = (int)i;
			if (h2 & 1)
				break;
		}
	} else {
		const uint32_t *t = img->hash;
		uint32_t nb = t[0], nc = t[1];
		const uint32_t *buckets = t + 2, *chain = buckets + nb;
		for (uint32_t i = buckets[sysv_hash(name) % nb], guard = 0; i && i < nc && guard < nc && n < max; i = chain[i], guard++)
			out[n++] = (int)i;
	}
	return n;
}

static int lookup_index(const struct kata_image *img, const char *version, const char *name)
{
	int order[MAX_SYMS];
	int n = chain_order(img, img->gnu != NULL, name, order, MAX_SYMS);
	for (int k = 0; k < n; k++)
		if (matches(img, (size_t)order[k], version, name))
			return order[k];
	return -1;
}

int64_t kata_image_lookup(const struct kata_image *img, const char *version, const char *name)
{
	int i = lookup_index(img, version, name);
	return i < 0 ? -1 : (int64_t)(img->sym[i].st_value - img->link);
}

/* ---- traps ----------------------------------------------------------------------- */

static uint32_t bucket_of(const struct kata_image *img, int gnu, const char *name, size_t i)
{
	return gnu ? img->gnu_of[i] % img->gnu[0] : sysv_hash(name) % img->hash[0];
}

/* Swaps symbols i and j with everything that goes with them. */
static void swap_symbols(struct kata_image *img, int i, int j)
{
	Elf64_Sym s = img->sym[i];
	img->sym[i] = img->sym[j];
	img->sym[j] = s;
	if (img->versym) {
		uint16_t v = img->versym[i];
		img->versym[i] = img->versym[j];
		img->versym[j] = v;
	}
	uint32_t h = img->gnu_of[i];
	img->gnu_of[i] = img->gnu_of[j];
	img->gnu_of[j] = h;
	h = img->sysv_of[i];
	img->sysv_of[i] = img->sysv_of[j];
	img->sysv_of[j] = h;
}

/*
 * A DT_HASH-only image: the real entry and its decoys dealt out again among
 * their places, and the hash table built afresh (as ld builds it: each
 * symbol pushed on its bucket's chain in order), each filed under the name it
 * was filed under. A walk over the table meets the real entry at any rank.
 */
static void shuffle_lookalikes(struct kata_image *img, int t)
{
	int place[9], n = 0;
	place[n++] = t;
	for (int k = 0; k < 8; k++)
		if (img->trapped_linear[k] >= 0)
			place[n++] = img->trapped_linear[k];
	int to = place[kata_rand_range(0, (uint64_t)n - 1)];
	if (to != t) {
		swap_symbols(img, t, to);
		for (int k = 0; k < 8; k++)
			if (img->trapped_linear[k] == to)
				img->trapped_linear[k] = t;
	}
	uint32_t nb = img->hash[0], nc = img->hash[1];
	uint32_t *bucket = img->hash + 2, *chain = bucket + nb;
	memset(bucket, 0, 4ull * nb);
	memset(chain, 0, 4ull * nc);
	for (uint32_t i = 1; i < nc && i < img->nsym; i++) {
		uint32_t b = img->sysv_of[i] % nb;
		chain[i] = bucket[b];
		bucket[b] = i;
	}
}

void kata_image_trap_linear_scan(struct kata_image *img, const char *name)
{
	int t = lookup_index(img, NULL, name);
	if (t < 0)
		kata_setup_failed("trap_linear_scan: the name is not in the image");
	size_t len = strlen(name);
	int cand[8], ncand = 0, before = 0, after = 0;
	for (size_t i = 1; i < img->nsym && ncand < 8; i++) {
		const char *n = name_of(img, i);
		if (strlen(n) != len || strncmp(n, name, len - 1) != 0 || n[len - 1] < '0' || n[len - 1] > '7')
			continue;
		/* Filed in another bucket in every table, so no lookup of `name` meets it. */
		if ((img->gnu && bucket_of(img, 1, n, i) == bucket_of(img, 1, name, (size_t)t)) ||
		    (img->hash && bucket_of(img, 0, n, i) == bucket_of(img, 0, name, (size_t)t)))
			continue;
		cand[ncand++] = (int)i;
		before += (int)i < t;
		after += (int)i > t;
	}
	if (ncand == 0)
		kata_setup_failed("trap_linear_scan: no decoy in the image");
	/* A random number of decoys on each side of the real entry (at least one
	 * where there is one), each a copy of it but for its name's place in the
	 * hash and its address: no field tells them apart, only the hash does. */
	int first_before = before ? (int)kata_rand_range(0, (uint64_t)before - 1) : -1;
	int first_after = after ? (int)kata_rand_range(0, (uint64_t)after - 1) : -1;
	int nb = 0, na = 0, *slot = img->trapped_linear;
	for (int k = 0; k < ncand; k++) {
		int i = cand[k];
		int pick = i < t ? (nb++ == first_before || kata_rand_range(0, 1)) : (na++ == first_after || kata_rand_range(0, 1));
		if (!pick)
			continue;
		memcpy(img->str + img->sym[i].st_name, name, len); /* same length: the table is unchanged */
		Elf64_Addr own = img->sym[i].st_value;
		Elf64_Word name_at = img->sym[i].st_name;
		img->sym[i] = img->sym[t];
		img->sym[i].st_name = name_at;
		img->sym[i].st_value = own;
		if (img->versym)
			img->versym[i] = img->versym[t];
		*slot++ = i;
	}
	if (!img->gnu)
		shuffle_lookalikes(img, t);
}

void kata_image_shuffle_values(struct kata_image *img)
{
	int idx[MAX_SYMS], n = 0;
	for (size_t i = 1; i < img->nsym; i++)
		if (img->sym[i].st_shndx != SHN_UNDEF && img->sym[i].st_shndx != SHN_ABS &&
		    ELF64_ST_TYPE(img->sym[i].st_info) == STT_FUNC)
			idx[n++] = (int)i;
	for (int k = n - 1; k > 0; k--) {
		int j = (int)kata_rand_range(0, (uint64_t)k);
		Elf64_Addr v = img->sym[idx[k]].st_value;
		img->sym[idx[k]].st_value = img->sym[idx[j]].st_value;
		img->sym[idx[j]].st_value = v;
	}
}

int kata_image_same_chain(const struct kata_image *img, const char *a, const char *b)
{
	int both = 0;
	if (img->hash && sysv_hash(a) % img->hash[0] == sysv_hash(b) % img->hash[0])
		both |= 1;
	if (img->gnu && gnu_hash(a) % img->gnu[0] == gnu_hash(b) % img->gnu[0])
		both |= 2;
	return both;
}

void kata_image_shuffle_dynamic(struct kata_image *img)
{
	int n = 0;
	while (n < 64 && img->dyn[n].d_tag != DT_NULL)
		n++;
	for (int k = n - 1; k > 0; k--) {
		int j = (int)kata_rand_range(0, (uint64_t)k);
		Elf64_Dyn t = img->dyn[k];
		img->dyn[k] = img->dyn[j];
		img->dyn[j] = t;
	}
}

void kata_image_renumber_versions(struct kata_image *img)
{
	if (!img->verdef || !img->versym)
		return;
	/* The non-base definitions' indices, dealt out again: a version's index
	 * is its vd_ndx, not where its record stands. */
	Elf64_Verdef *defs[16];
	int n = 0;
	for (Elf64_Verdef *d = img->verdef; d && n < 16; d = d->vd_next ? (Elf64_Verdef *)((char *)d + d->vd_next) : NULL)
		if (!(d->vd_flags & VER_FLG_BASE))
			defs[n++] = d;
	if (n < 2)
		return;
	uint16_t old[16], map[64];
	for (int i = 0; i < 64; i++)
		map[i] = (uint16_t)i;
	for (int i = 0; i < n; i++)
		old[i] = defs[i]->vd_ndx;
	/* A rotation by one: every record's index changes. */
	for (int i = 0; i < n; i++) {
		uint16_t to = old[(i + 1) % n];
		if (old[i] < 64)
			map[old[i]] = to;
		defs[i]->vd_ndx = to;
	}
	for (size_t i = 0; i < img->nsym; i++) {
		uint16_t v = img->versym[i] & 0x7fff;
		if (v < 64)
			img->versym[i] = (uint16_t)((img->versym[i] & 0x8000) | map[v]);
	}
}

const char *kata_image_trap_bloom(struct kata_image *img, int clear_second)
{
	if (!img->gnu)
		kata_setup_failed("trap_bloom: the image has no GNU hash table");
	uint32_t *g = img->gnu;
	uint32_t off = g[1], bloom = g[2], shift = g[3];
	uint64_t *words = (uint64_t *)(g + 4);
	for (size_t u = off; u < img->nsym; u++) {
		const char *n = name_of(img, u);
		if (!strstr(n, "unlisted"))
			continue;
		uint64_t fresh[64] = { 0 };
		if (bloom > 64)
			kata_setup_failed("trap_bloom: bloom filter too large");
		for (size_t i = off; i < img->nsym; i++) {
			if (i == u)
				continue;
			uint32_t h = img->gnu_of[i];
			fresh[(h / 64) % bloom] |= (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
		}
		uint32_t h = img->gnu_of[u];
		/* Exactly one of its two bits clear (the other set, as a false positive
		 * may set it): a lookup must test both. */
		uint64_t keep = 1ull << (clear_second ? h % 64 : (h >> shift) % 64);
		uint64_t gone = 1ull << (clear_second ? (h >> shift) % 64 : h % 64);
		if (keep == gone || (fresh[(h / 64) % bloom] & gone))
			continue; /* other names set the bit: the filter cannot rule it out that way */
		fresh[(h / 64) % bloom] |= keep;
		memcpy(words, fresh, 8ull * bloom);
		img->bloom_trap = (int)u;
		return n;
	}
	kata_setup_failed("trap_bloom: no name the filter can leave out");
}

/* Puts the clock's definition at version `first` before the one at `other` in its chain. */
static void version_first(struct kata_image *img, const char *first, const char *other, const char *who)
{
	const char *name = kata_vdso_clock_name();
	int right = lookup_index(img, other, name);
	int wrong = lookup_index(img, first, name);
	if (right < 0 || wrong < 0) {
		char what[128];
		snprintf(what, sizeof(what), "%s: the image does not define the clock at two versions", who);
		kata_setup_failed(what);
	}
	int order[MAX_SYMS];
	int n = chain_order(img, img->gnu != NULL, name, order, MAX_SYMS);
	for (int k = 0; k < n; k++) {
		if (order[k] == wrong)
			return; /* already first */
		if (order[k] == right)
			break;
	}
	/* Same name, same hash, same chain: swapping the entries keeps the tables valid. */
	Elf64_Sym s = img->sym[right];
	img->sym[right] = img->sym[wrong];
	img->sym[wrong] = s;
	uint16_t v = img->versym[right];
	img->versym[right] = img->versym[wrong];
	img->versym[wrong] = v;
}

/* The run of GNU bucket `b`: its first symbol, and its last (the chain entry
 * with the low bit set). 0 when the bucket is empty. */
static int gnu_run(const struct kata_image *img, uint32_t b, uint32_t *first, uint32_t *last)
{
	const uint32_t *g = img->gnu;
	uint32_t nb = g[0], off = g[1], bloom = g[2];
	const uint32_t *buckets = (const uint32_t *)((const uint64_t *)(g + 4) + bloom), *chain = buckets + nb;
	uint32_t i = buckets[b % nb];
	if (i < off || i >= img->nsym)
		return 0;
	*first = i;
	while (i + 1 < img->nsym && !(chain[i - off] & 1))
		i++;
	*last = i;
	return 1;
}

const char *kata_image_trap_chain_end(struct kata_image *img)
{
	if (!img->gnu)
		kata_setup_failed("trap_chain_end: the image has no GNU hash table");
	uint32_t *g = img->gnu;
	uint32_t nb = g[0], off = g[1], bloom = g[2], shift = g[3];
	uint64_t *words = (uint64_t *)(g + 4);
	uint32_t *chain = (uint32_t *)(words + bloom) + nb;
	for (size_t v = off; v < img->nsym; v++) {
		const char *old = name_of(img, v);
		const char *u = strstr(old, "unlisted");
		size_t len = strlen(old);
		if (!u || (int)v == img->bloom_trap || len >= 64)
			continue;
		for (int c = 0; c < 36; c++) {
			char cand[64];
			memcpy(cand, old, len + 1);
			memcpy(cand + (u - old), "misfiled", 8);
			cand[len - 1] = (char)(c < 10 ? '0' + c : 'a' + c - 10);
			uint32_t h = gnu_hash(cand), first, last;
			/* Its own bucket's run ends before the victim, which a walk from
			 * there meets only by going past that end. */
			if (!gnu_run(img, h % nb, &first, &last) || last >= v)
				continue;
			/* Nor may DT_HASH (in an image with both) lead to it. */
			if (img->hash && sysv_hash(cand) % img->hash[0] == sysv_hash(old) % img->hash[0])
				continue;
			int taken = 0;
			for (size_t i = 0; i < img->nsym && !taken; i++)
				taken = strcmp(name_of(img, i), cand) == 0;
			if (taken)
				continue;
			/* Renamed (same length) and its chain entry rehashed, where it stands:
			 * the filter has its bits, as ld would have set them. */
			memcpy(img->str + img->sym[v].st_name, cand, len);
			chain[v - off] = (h & ~1u) | (chain[v - off] & 1u);
			img->gnu_of[v] = h;
			words[(h / 64) % bloom] |= (1ull << (h % 64)) | (1ull << ((h >> shift) % 64));
			if (img->bloom_trap >= 0) {
				uint32_t hb = img->gnu_of[img->bloom_trap];
				uint64_t mask = (1ull << (hb % 64)) | (1ull << ((hb >> shift) % 64));
				if ((words[(hb / 64) % bloom] & mask) == mask)
					kata_setup_failed("trap_chain_end: set after trap_bloom, it let the left-out name back in");
			}
			img->chain_end_trap = (int)v;
			return name_of(img, v);
		}
	}
	kata_setup_failed("trap_chain_end: no name to file in another bucket's run");
}

void kata_image_wrong_version_first(struct kata_image *img)
{
	version_first(img, KATA_IMAGE_WRONG_VERSION, kata_vdso_version(), "wrong_version_first");
}

void kata_image_right_version_first(struct kata_image *img)
{
	version_first(img, kata_vdso_version(), KATA_IMAGE_WRONG_VERSION, "right_version_first");
}

void kata_image_without_clock(struct kata_image *img)
{
	const char *name = kata_vdso_clock_name();
	int right = lookup_index(img, kata_vdso_version(), name);
	int wrong = lookup_index(img, KATA_IMAGE_WRONG_VERSION, name);
	if (right < 0 || wrong < 0)
		kata_setup_failed("without_clock: the image does not define the clock at two versions");
	img->versym[right] = img->versym[wrong]; /* both at the wrong version, hidden */
}

const char *kata_image_damage(struct kata_image *img, enum kata_image_damage what)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img->mem;
	switch (what) {
	case KATA_DAMAGE_MAGIC: {
		/* Each call spoils the next of the four bytes, so that a case that
		 * calls it four times shows each must be checked. */
		static char words[96];
		static const char *spoilt[4] = { "\\x7eELF", "\\x7fXLF", "\\x7fEXF", "\\x7fELX" };
		static int next;
		int k = next++ % 4;
		eh->e_ident[k] = k == 0 ? 0x7e : 'X';
		snprintf(words, sizeof(words), "its first four bytes are \"%s\", not \"\\x7fELF\"", spoilt[k]);
		return words;
	}
	case KATA_DAMAGE_CLASS:
		eh->e_ident[EI_CLASS] = ELFCLASS32;
		return "EI_CLASS says ELFCLASS32: a 32-bit image, whose headers are not Elf64 ones";
	case KATA_DAMAGE_DATA:
		eh->e_ident[EI_DATA] = ELFDATA2MSB;
		return "EI_DATA says ELFDATA2MSB: big-endian, every field byte-swapped for this machine";
	case KATA_DAMAGE_MACHINE:
		eh->e_machine = agent_is_x86() ? EM_AARCH64 : EM_X86_64;
		return agent_is_x86() ? "e_machine says EM_AARCH64 (183): code for another processor"
				      : "e_machine says EM_X86_64 (62): code for another processor";
	}
	return "";
}

/* ---- the observation ---------------------------------------------------------- */

void kata_expect_symbol(const char *what, const struct kata_image *img, const char *version, const char *name,
			uint64_t base, uint64_t got)
{
	int64_t want = kata_image_lookup(img, version, name);
	int64_t got_off = got ? (int64_t)(got - base) : -1;
	/* Absent is NULL and nothing else (base - 1 is not "not found"). */
	if (want < 0 ? got == 0 : (got != 0 && got_off == want)) {
		kata_expect_true(what, 1, NULL);
		return;
	}
	char detail[512];
	const char *why = NULL;
	if (want < 0 && got) {
		snprintf(detail, sizeof(detail), "`%s` is not in this image%s, yet your lookup returned base %c 0x%llx%s", name,
			 version ? " at that version" : "", got_off < 0 ? '-' : '+',
			 (unsigned long long)(got_off < 0 ? -got_off : got_off),
			 got_off < 0 || (uint64_t)got_off >= img->len ? " (not an address in it: a name that is not there is NULL)" : "");
		why = detail;
		for (size_t i = 1; i < img->nsym; i++) {
			const char *n = name_of(img, i);
			size_t ln = strlen(n), la = strlen(name);
			if ((int64_t)(img->sym[i].st_value - img->link) != got_off || !*n)
				continue;
			int prefix = (ln < la && strncmp(n, name, ln) == 0) || (la < ln && strncmp(n, name, la) == 0);
			size_t used = strlen(detail);
			snprintf(detail + used, sizeof(detail) - used, ": that is where `%s` is%s", n,
				 prefix ? ", a name that only begins the same way: compare the whole name, to the NUL of both" : "");
			break;
		}
		int t = img->chain_end_trap;
		uint32_t first, last;
		if (t >= 0 && strcmp(name, name_of(img, (size_t)t)) == 0 &&
		    got_off == (int64_t)(img->sym[t].st_value - img->link) &&
		    gnu_run(img, gnu_hash(name) % img->gnu[0], &first, &last)) {
			snprintf(detail, sizeof(detail),
				 "`%s` hashes to bucket %u, whose run is symbols %u to %u, and it is not among them; your lookup "
				 "returned symbol %d, which stands in a later bucket's run: it walked on past the end of the run. "
				 "The low bit of a chain entry marks the run's last symbol: stop after it",
				 name, gnu_hash(name) % img->gnu[0], first, last, t);
		}
		if (img->bloom_trap >= 0 && strcmp(name, name_of(img, (size_t)img->bloom_trap)) == 0) {
			snprintf(detail, sizeof(detail),
				 "`%s` is in the chains but the image's bloom filter rules it out: ld.so reads the filter first "
				 "and stops there, and so must your lookup (bits h %% 64 and (h >> bloom_shift) %% 64 of word "
				 "(h / 64) %% bloom_size)",
				 name);
		}
	} else if (want >= 0 && !got) {
		int n = snprintf(detail, sizeof(detail), "`%s`%s%s is in this image, at base + 0x%llx, but your lookup returned NULL", name,
				 version ? " at " : "", version ? version : "", (unsigned long long)want);
		int i = lookup_index(img, version, name);
		if (version && i >= 0 && img->versym && (img->versym[i] & 0x8000) && n > 0 && (size_t)n < sizeof(detail))
			snprintf(detail + n, sizeof(detail) - (size_t)n,
				 ". Note that it is a hidden definition: its DT_VERSYM entry is 0x%04x, bit 15 (0x8000, hidden) "
				 "set over index %u. Hidden means only \"not the default\": asked for by its version, it is "
				 "found (compare versym & 0x7fff with vd_ndx)",
				 img->versym[i], img->versym[i] & 0x7fffu);
		else if (!img->hash && i >= 0 && n > 0 && (size_t)n < sizeof(detail)) {
			/* Only DT_GNU_HASH leads to it: where each step of that walk stands, for this name. */
			uint32_t h = gnu_hash(name), nb = img->gnu[0], off = img->gnu[1];
			snprintf(detail + n, sizeof(detail) - (size_t)n,
				 ". Through DT_GNU_HASH: its hash is 0x%08x, so bucket %u of %u; the bucket holds symbol "
				 "index %u (at least symoffset, %u), whose chain entry is chain[%u - %u]; compare (h | 1) with "
				 "(chain | 1), and it is symbol %d",
				 h, h % nb, nb, ((const uint32_t *)((const uint64_t *)(img->gnu + 4) + img->gnu[2]))[h % nb], off,
				 ((const uint32_t *)((const uint64_t *)(img->gnu + 4) + img->gnu[2]))[h % nb], off, i);
		}
		why = detail;
	} else {
		uint64_t link_addr = (uint64_t)want + img->link;
		int decoy = -1;
		for (int k = 0; k < 8; k++)
			if (img->trapped_linear[k] >= 0 && got_off == (int64_t)(img->sym[img->trapped_linear[k]].st_value - img->link))
				decoy = img->trapped_linear[k];
		int wrong_version = -1;
		for (size_t i = 0; i < img->nsym; i++)
			if ((int64_t)(img->sym[i].st_value - img->link) == got_off && strcmp(name_of(img, i), name) == 0 &&
			    !matches(img, i, version, name))
				wrong_version = (int)i;
		if (decoy >= 0) {
			snprintf(detail, sizeof(detail),
				 "your lookup returned symbol %d, named `%s` in the symbol table but filed in the hash table under "
				 "another name: it walked the symbol table instead of following the hash chain. The hash "
				 "(bucket, then chain) is what ld.so uses, and it finds symbol %d",
				 decoy, name, lookup_index(img, version, name));
			why = detail;
		} else if (wrong_version >= 0) {
			int hidden;
			const char *v = version_of(img, (size_t)wrong_version, &hidden);
			snprintf(detail, sizeof(detail),
				 "your lookup returned the `%s` defined at version %s, not %s: compare the version's name "
				 "(DT_VERSYM gives the index, DT_VERDEF the name) for every candidate in the chain",
				 name, v ? v : "?", version ? version : "(default)");
			why = detail;
		} else if (got == link_addr || got_off == (int64_t)link_addr) {
			snprintf(detail, sizeof(detail),
				 "your lookup returned st_value%s (0x%llx) without the load offset: this image is linked at 0x%llx, "
				 "so its symbols are at base + st_value - 0x%llx (the load offset is base + p_offset - p_vaddr of "
				 "the first PT_LOAD)",
				 got == link_addr ? " itself" : " added to the base", (unsigned long long)link_addr,
				 (unsigned long long)img->link, (unsigned long long)img->link);
			why = detail;
		} else {
			snprintf(detail, sizeof(detail), "`%s` is at base + 0x%llx; your lookup returned base + 0x%llx%s", name,
				 (unsigned long long)want, (unsigned long long)got_off,
				 got_off < 0 || (uint64_t)got_off >= img->len ? " (outside the image)" : "");
			why = detail;
		}
	}
	kata_expect_true(what, 0, why);
}

/* ---- handing over ---------------------------------------------------------------- */

int kata_image_fd(struct kata_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	img->fd = memfd_create("kata-vdso-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (img->fd < 0 || write(img->fd, img->mem, img->len) != (ssize_t)img->len)
		kata_setup_failed("memfd for the test vDSO image");
	/* Sealed: the agent maps it and cannot change the judge's copy. */
	fcntl(img->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return img->fd;
}

uint64_t kata_image_address(void)
{
	/* Somewhere in the lower half of the user address space, clear of the
	 * program (low), the heap and the libraries and stack (0x7f...). */
	return 0x100000000ull + (kata_rand_range(0, 0x3fffff) << 12);
}

static int maps_line(int pid, uint64_t base, const char *needle, uint64_t *found)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int ok = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		if (sscanf(line, "%llx-%llx", &lo, &hi) != 2 || !strstr(line, needle))
			continue;
		if (base && lo != base)
			continue;
		if (found)
			*found = lo;
		ok = 1;
		break;
	}
	fclose(f);
	return ok;
}

void kata_image_expect_mapped(const struct kata_image *img, int64_t ret)
{
	(void)img;
	if (ret < 0) {
		char what[96];
		snprintf(what, sizeof(what), "the agent mapping the test vDSO image (error %lld)", (long long)ret);
		kata_setup_failed(what);
	}
	if (kata_emulated())
		return; /* qemu's guest addresses are not the host's */
	/* The memfd of a per-call mapping ("kata-vdso-image"), or the runtime's file ("vdso-image"). */
	if (maps_line(kata_agent_pid(), (uint64_t)ret, "vdso-image", NULL) != 1)
		kata_setup_failed("the test vDSO image is not mapped in the agent where it says");
}

/* ---- what the agent starts with ------------------------------------------------------ */

void kata_agent_vdso_kernel(void)
{
	agent_stop();
	agent_vdso_start(0, NULL, 0, 0);
}

void kata_agent_vdso_none(void)
{
	agent_stop();
	agent_vdso_start(1, NULL, 0, 0);
}

void kata_agent_vdso_image(const struct kata_image *img, uint64_t addr)
{
	agent_stop();
	agent_vdso_start(2, img->mem, img->len, addr);
}

/* ---- the live vDSO ----------------------------------------------------------------- */

uint64_t kata_agent_vdso_base(void)
{
	if (kata_emulated())
		return 0;
	uint64_t lo = 0;
	return maps_line(kata_agent_pid(), 0, "[vdso]", &lo) == 1 ? lo : 0;
}

int64_t kata_live_vdso_lookup(const char *version, const char *name)
{
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	void *h = dlopen("linux-vdso.so.1", RTLD_NOLOAD | RTLD_LAZY);
	if (!base || !h)
		return -1;
	void *p = dlvsym(h, name, version);
	dlclose(h);
	return p ? (int64_t)((uintptr_t)p - base) : -1;
}
