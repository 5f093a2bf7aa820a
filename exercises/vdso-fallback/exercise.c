/*
 * Kata vdso-fallback — when the vDSO says no, the system call.
 *
 * vdso_clock_gettime(clock, ts), as in vdso-clock, for every clock and every
 * process: through the vDSO where it can answer, and through the clock_gettime
 * system call where it cannot (a process without a vDSO, a vDSO without the
 * function). It returns 0, or the kernel's negative errno as it is.
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
	 * TODO: start from your vdso-clock solution. Where getauxval() gives 0,
	 * or vdso_sym() finds nothing, make the system call yourself
	 * (clock_gettime: 228 on x86-64, 113 on ARM64) and return its answer.
	 */
	(void)clock;
	(void)ts;
	(void)vdso_sym;
	return -38; /* -ENOSYS: not written yet */
}
