/*
 * Kata vdso-clock — clock_gettime through the vDSO, within budget.
 *
 * vdso_clock_gettime(clock, ts) reads `clock` as clock_gettime(2) does and
 * returns 0 (or the kernel's negative errno), without entering the kernel:
 * through the function the vDSO exports for it, found with the lookup you
 * wrote in vdso-version. It must be as fast as glibc's clock_gettime(),
 * which calls the same function.
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

/*
 * TODO: bring your vdso_sym() from vdso-version (the hash lookup with
 * versions), in place of this one. It stays static: the kata asks for
 * vdso_clock_gettime only.
 */
static void *vdso_sym(const void *base, const char *version, const char *name)
{
	(void)base;
	(void)version;
	(void)name;
	return NULL;
}

long vdso_clock_gettime(long clock, struct timespec *ts)
{
	/*
	 * TODO: find the vDSO (getauxval(AT_SYSINFO_EHDR)), resolve
	 * CLOCK_NAME at CLOCK_VERSION once, and call it.
	 */
	(void)clock;
	(void)ts;
	(void)vdso_sym;
	return -38; /* -ENOSYS: not written yet */
}
