/*
 * kata-vdso.h — the judge's side of the vDSO katas: the harness's own ELF
 * lookup (the oracle), the course's test images and what a case does to them,
 * and the live vDSO seen from outside the agent.
 *
 * A test image (native/vdso/image.c) is built for the agent's architecture
 * with the system's toolchain and embedded in the judge. kata_image_load()
 * gives the judge its own copy, as it lies in memory; the case rearranges it
 * (traps a linear scan, a bloom filter left unread, the wrong version), hands
 * it to the agent as a sealed memfd (kata_image_fd), and checks what the
 * learner's parser found against kata_image_lookup() on its own copy.
 *
 * Addresses are compared as offsets from the image's base, the address of its
 * ELF header: the agent maps the image wherever the judge says.
 */
#ifndef KATA_VDSO_H
#define KATA_VDSO_H

#include <stddef.h>
#include <stdint.h>

#include "kata-vdso-image.h"

enum kata_image_variant {
	KATA_IMAGE_SYSV,        /* DT_HASH only */
	KATA_IMAGE_GNU,         /* DT_GNU_HASH only */
	KATA_IMAGE_BOTH,        /* both, as the kernel's vDSO */
	KATA_IMAGE_SYSV_TWO,    /* DT_HASH only; the clock defined at two versions */
	KATA_IMAGE_GNU_TWO,     /* DT_GNU_HASH only; the clock defined at two versions */
	KATA_IMAGE_VARIANTS
};

struct kata_image;

/* A fresh copy of a test image for the agent's architecture. Ends the case
 * (a set-up failure) where the image was not built. */
struct kata_image *kata_image_load(enum kata_image_variant v);

/* What this copy's functions return (drawn afresh by kata_image_load). */
const struct kata_image_answers *kata_image_answers_of(const struct kata_image *img);

/* A copy of the judge's own vDSO (the kernel's image, the same the agent
 * has when it runs natively), for kata_image_lookup and kata_expect_symbol. */
struct kata_image *kata_image_live(void);

/* The clock function's name and version on the agent's architecture
 * (__vdso_clock_gettime at LINUX_2.6; __kernel_clock_gettime at LINUX_2.6.39). */
const char *kata_vdso_clock_name(void);
const char *kata_vdso_version(void);
/* "__vdso_" or "__kernel_": the prefix of every name in the agent's vDSO. */
const char *kata_vdso_prefix(void);

/* ---- what a case does to its copy ---------------------------------------- */

/* Deals the functions' addresses out again at random among their names: a
 * lookup is then right only by reading this image's tables, never by
 * remembering where a name was in the course's image. Only for images whose
 * functions are not called. */
void kata_image_shuffle_values(struct kata_image *img);

/* Whether names a and b share a chain: bit 0 in DT_HASH, bit 1 in DT_GNU_HASH. */
int kata_image_same_chain(const struct kata_image *img, const char *a, const char *b);

/* Puts the dynamic section's entries in a random order (DT_NULL stays last):
 * nothing says DT_STRTAB comes before DT_SYMTAB. */
void kata_image_shuffle_dynamic(struct kata_image *img);

/* Deals the version definitions' indices (vd_ndx, and DT_VERSYM to match)
 * out again: a version's index is not where its record stands. */
void kata_image_renumber_versions(struct kata_image *img);

/* Renames two decoys to `name`: one before its entry in the symbol table and
 * one after it, still filed in the hash table under their own names. A lookup
 * through the hash never meets them; a walk over the symbol table does. */
void kata_image_trap_linear_scan(struct kata_image *img, const char *name);

/* Rebuilds the GNU bloom filter without one of the image's names, which stays
 * in the chains, leaving exactly one of its two bits clear (the first,
 * h % 64, or with clear_second the other); returns that name. ld.so trusts the filter: a lookup that
 * reads it finds nothing. */
const char *kata_image_trap_bloom(struct kata_image *img, int clear_second);

/* Renames one of the image's names to one that is nowhere else, hashes to a
 * bucket whose run ends before it, and is in the bloom filter: its chain
 * entry gets the new name's hash, where it stands, in a later bucket's run.
 * Returns the new name. ld.so stops at the end of the run and finds nothing;
 * a walk that overruns the end marker finds it. Call before trap_bloom. */
const char *kata_image_trap_chain_end(struct kata_image *img);

/* Two-versions images: the definition at the wrong version comes first in
 * the hash chain, where a lookup that ignores versions takes it. */
void kata_image_wrong_version_first(struct kata_image *img);
/* The reverse: the definition at the kernel's version first, where a lookup
 * for KATA_IMAGE_WRONG_VERSION that ignores versions takes it. */
void kata_image_right_version_first(struct kata_image *img);

/* Two-versions images: no clock at the kernel's version any more (both
 * definitions at the wrong one), as a vDSO that lacks the function. */
void kata_image_without_clock(struct kata_image *img);

enum kata_image_damage { KATA_DAMAGE_MAGIC, KATA_DAMAGE_CLASS, KATA_DAMAGE_DATA, KATA_DAMAGE_MACHINE };
/* Spoils one field of the ELF identity (for the magic, one byte of four: the
 * next one at each call); returns what it did, in words. */
const char *kata_image_damage(struct kata_image *img, enum kata_image_damage what);

/* ---- the oracle ------------------------------------------------------------ */

/* The offset from the base of `name` (at `version`, or the default one for
 * NULL), found as ld.so finds it: the GNU hash where there is one, else the
 * SysV hash. -1 when absent. */
int64_t kata_image_lookup(const struct kata_image *img, const char *version, const char *name);

/* The observation: the learner's parser returned `got` for `name` in an image
 * mapped at `base`. Checks it against the oracle, and names the mistake when
 * `got` is somewhere the judge recognises (a decoy, st_value without the load
 * offset, the wrong version, ...). */
void kata_expect_symbol(const char *what, const struct kata_image *img, const char *version, const char *name,
			uint64_t base, uint64_t got);

/* ---- handing it over ----------------------------------------------------- */

size_t kata_image_size(const struct kata_image *img);
/* A sealed memfd with the image's bytes, for kata_args.fd (the judge keeps it). */
int kata_image_fd(struct kata_image *img);
/* A fresh, page-aligned address where the agent maps the image. */
uint64_t kata_image_address(void);
/*
 * Checks that the agent mapped the image where it said (ret = the address, or
 * -errno): a mapping of the memfd at `base` in /proc/<agent>/maps (natively).
 * Ends the case as a set-up failure otherwise.
 */
void kata_image_expect_mapped(const struct kata_image *img, int64_t ret);

/* ---- what the agent starts with ---------------------------------------------- */

/*
 * What the agents started from now on (in this case, or this count or bench
 * run: each begins with the kernel's) find as their vDSO. The agent runtime
 * sets it up before any learner code runs: AT_SYSINFO_EHDR in the auxiliary
 * vector, where getauxval() and a walk from _start look. A running agent is
 * stopped, so the next kata_call() starts one that way.
 *  - kernel: the kernel's own (the default);
 *  - none: AT_SYSINFO_EHDR 0 and the kernel's image unmapped, as on a kernel
 *    booted with vdso=0 (or under qemu);
 *  - image: `img` mapped at `addr` (kata_image_address), executable, in place
 *    of the kernel's, which stays mapped but unannounced.
 */
void kata_agent_vdso_kernel(void);
void kata_agent_vdso_none(void);
void kata_agent_vdso_image(const struct kata_image *img, uint64_t addr);

/* ---- the live vDSO ----------------------------------------------------------- */

/* Where the agent's own vDSO is: the [vdso] line of /proc/<agent>/maps; 0 if
 * it has none (qemu's guests), or it is not natively readable. */
uint64_t kata_agent_vdso_base(void);
/* The offset of `name` at `version` in the judge's own vDSO, through glibc
 * (dlvsym on linux-vdso.so.1, RTLD_NOLOAD): the same kernel image the
 * agent has. -1 when absent. Only meaningful when the agent runs natively. */
int64_t kata_live_vdso_lookup(const char *version, const char *name);

#endif
