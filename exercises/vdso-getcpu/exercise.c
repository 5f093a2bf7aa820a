/*
 * Kata vdso-getcpu — three calls that never enter the kernel.
 *
 * Write vdso_gettimeofday(), vdso_time() and vdso_getcpu() by calling the
 * x86-64 vDSO's __vdso_gettimeofday, __vdso_time and __vdso_getcpu (version
 * LINUX_2.6), found with getauxval(AT_SYSINFO_EHDR) and your own lookup. No
 * other library call: <elf.h> has the types, <sys/auxv.h> getauxval().
 * Every helper you add must be static.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/time.h>

long vdso_gettimeofday(struct timeval *tv);   /* 0 or -errno */
long vdso_time(void);                         /* seconds since the epoch */
long vdso_getcpu(unsigned *cpu, unsigned *node); /* 0 or -errno */

/*
 * TODO: bring your vdso_sym() from vdso-version here: the address of `name`
 * defined at `version` in the ELF image at `base` (DT_GNU_HASH or DT_HASH,
 * then DT_VERSYM / DT_VERDEF), or NULL. This placeholder finds nothing, so
 * that the file compiles.
 */
static void *vdso_sym(const void *base, const char *version, const char *name)
{
	(void)base;
	(void)version;
	(void)name;
	return NULL;
}

/*
 * TODO: resolve the three names once (static pointers; each case runs in a
 * fresh process), then call through them. The vDSO's functions take one
 * argument more than these (see the README): pass NULL for it.
 */
long vdso_gettimeofday(struct timeval *tv)
{
	const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	void *fn = vdso_sym(base, "LINUX_2.6", "__vdso_gettimeofday");
	(void)fn;
	(void)tv;
	return -38; /* -ENOSYS: TODO */
}

long vdso_time(void)
{
	/* TODO: __vdso_time(NULL) returns the seconds. */
	return -38;
}

long vdso_getcpu(unsigned *cpu, unsigned *node)
{
	/* TODO: __vdso_getcpu(cpu, node, NULL), every time: the CPU can change
	 * between two calls, so an answer from an earlier one is no answer. */
	(void)cpu;
	(void)node;
	return -38;
}
