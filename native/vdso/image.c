/*
 * A test vDSO: the course's stand-in for the kernel's, built per architecture
 * with the system's compiler as a -shared -nostdlib ELF (native/vdso/image.lds,
 * versions.map), in variants that differ only in their hash tables and
 * versions (runner/src/vdso-images.ts). The judge loads one, rearranges it for
 * a case (native/judge/vdso-image.c) and hands it to the agent in place of
 * AT_SYSINFO_EHDR: where qemu gives its guests no vDSO, and wherever a parser
 * must be shown an image that is not the one it was written against.
 *
 * Its functions return values the judge predicts (kata-vdso-image.h); for a
 * clock it does not serve it makes the system call, as the kernel's does.
 */
#include "kata-vdso-image.h"

#if defined(__x86_64__)
#define VDSO(name) __vdso_##name
#define NR_CLOCK_GETTIME 228
#define NR_GETTIMEOFDAY 96
#elif defined(__aarch64__)
#define VDSO(name) __kernel_##name
#define NR_CLOCK_GETTIME 113
#define NR_GETTIMEOFDAY 169
#endif

/* The judge overwrites these in each copy it hands over (kata-vdso-image.h).
 * volatile: read at every call, never folded into the code. */
const volatile struct kata_image_answers kata_image_answers __attribute__((visibility("hidden"), section(".kata_answers"))) = {
	1000000007L, 123456789L, 987654321L, 1000000042L, 424242L, 0, 0,
};

struct image_timespec {
	long tv_sec, tv_nsec;
};
struct image_timeval {
	long tv_sec, tv_usec;
};

static long image_syscall2(long nr, long a, long b)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
#endif
}

static int image_clock(long clock, struct image_timespec *ts, long nsec)
{
	if (!kata_vdso_serves(clock))
		return (int)image_syscall2(NR_CLOCK_GETTIME, clock, (long)ts);
	ts->tv_sec = KATA_IMAGE_CLOCK_SEC(&kata_image_answers, clock);
	ts->tv_nsec = nsec;
	return 0;
}

#ifdef KATA_IMAGE_TWO_VERSIONS
/* Two definitions of one name: the right one at the kernel's version, and one
 * at KATA_IMAGE_WRONG_VERSION, which the judge places first in its chain. */
int image_clock_gettime_right(long clock, struct image_timespec *ts);
int image_clock_gettime_wrong(long clock, struct image_timespec *ts);
int image_clock_gettime_right(long clock, struct image_timespec *ts)
{
	return image_clock(clock, ts, kata_image_answers.nsec);
}
int image_clock_gettime_wrong(long clock, struct image_timespec *ts)
{
	return image_clock(clock, ts, kata_image_answers.wrong_nsec);
}
#define STR_(x) #x
#define STR(x) STR_(x)
#if defined(__x86_64__)
__asm__(".symver image_clock_gettime_right, __vdso_clock_gettime@@" KATA_VDSO_X86_64_VERSION);
__asm__(".symver image_clock_gettime_wrong, __vdso_clock_gettime@" KATA_IMAGE_WRONG_VERSION);
#else
__asm__(".symver image_clock_gettime_right, __kernel_clock_gettime@@" KATA_VDSO_AARCH64_VERSION);
__asm__(".symver image_clock_gettime_wrong, __kernel_clock_gettime@" KATA_IMAGE_WRONG_VERSION);
#endif
#else
int VDSO(clock_gettime)(long clock, struct image_timespec *ts);
int VDSO(clock_gettime)(long clock, struct image_timespec *ts)
{
	return image_clock(clock, ts, kata_image_answers.nsec);
}
#endif

int VDSO(gettimeofday)(struct image_timeval *tv, void *tz);
int VDSO(gettimeofday)(struct image_timeval *tv, void *tz)
{
	(void)tz;
	if (tv) {
		tv->tv_sec = kata_image_answers.tod_sec;
		tv->tv_usec = kata_image_answers.tod_usec;
	}
	return 0;
}

int VDSO(clock_getres)(long clock, struct image_timespec *ts);
int VDSO(clock_getres)(long clock, struct image_timespec *ts)
{
	if (!kata_vdso_serves(clock))
		return -22; /* EINVAL: the test image has no syscall for this one */
	if (ts) {
		ts->tv_sec = 0;
		ts->tv_nsec = 1;
	}
	return 0;
}

#if defined(__x86_64__)
long VDSO(time)(long *t);
long VDSO(time)(long *t)
{
	long now = kata_image_answers.tod_sec;
	if (t)
		*t = now;
	return now;
}
int VDSO(getcpu)(unsigned *cpu, unsigned *node, void *unused);
int VDSO(getcpu)(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = kata_image_answers.cpu;
	if (node)
		*node = kata_image_answers.node;
	return 0;
}
#else
void VDSO(rt_sigreturn)(void);
void VDSO(rt_sigreturn)(void)
{
	image_syscall2(139 /* rt_sigreturn */, 0, 0);
}
#endif

/*
 * Decoys: exported names as long as the clock function's, which the judge may
 * rename to it (native/judge/vdso-image.c) while the hash table still files
 * them under their own names. A lookup through the hash never meets them; a
 * walk over the whole symbol table does, and returns one of these.
 */
#define DECOY(n)                                       \
	int VDSO(clock_gettim##n)(void);               \
	int VDSO(clock_gettim##n)(void) { return -n; }
DECOY(0)
DECOY(1)
DECOY(2)
DECOY(3)
DECOY(4)
DECOY(5)
DECOY(6)
DECOY(7)

/* Names the judge may leave out of the GNU bloom filter: still in the chains,
 * so only a lookup that skips the filter finds them. They differ early (not
 * only in their last letter), so their hashes differ in the high bits too and
 * each can have a filter bit of its own. */
#define UNLISTED(n)                                \
	int VDSO(n##_unlisted)(void);              \
	int VDSO(n##_unlisted)(void) { return n; }
UNLISTED(0)
UNLISTED(1)
UNLISTED(2)
UNLISTED(3)
UNLISTED(4)
UNLISTED(5)
UNLISTED(6)
UNLISTED(7)
