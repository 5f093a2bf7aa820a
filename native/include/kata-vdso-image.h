/*
 * kata-vdso-image.h — what the course's test vDSO images (native/vdso/image.c)
 * export and what their functions return, shared by the images and the judge
 * that predicts their results.
 *
 * The images are shaped like the kernel's vDSO for each architecture (the
 * same names at the same version), linked at KATA_IMAGE_LINK_ADDRESS rather
 * than 0, so a parser that adds st_value or p_vaddr to the image's base
 * without the load offset gets a wrong address.
 */
#ifndef KATA_VDSO_IMAGE_H
#define KATA_VDSO_IMAGE_H

#define KATA_IMAGE_LINK_ADDRESS 0x5a0000

/* Their clock_gettime for a clock the kernel's vDSO serves: a time nobody's
 * clock shows, so the judge can tell a call into the image from a syscall. */
#define KATA_IMAGE_SEC(clock) (1000000007L + 1000L * (long)(clock))
#define KATA_IMAGE_NSEC 123456789L
/* The same function at the wrong version (the two-versions image). */
#define KATA_IMAGE_WRONG_NSEC 987654321L
/* gettimeofday and time. */
#define KATA_IMAGE_TOD_SEC 1000000042L
#define KATA_IMAGE_TOD_USEC 424242L

/* Names and versions, per architecture, as the kernel's vDSO has them. */
#define KATA_VDSO_X86_64_VERSION "LINUX_2.6"
#define KATA_VDSO_AARCH64_VERSION "LINUX_2.6.39"
#define KATA_IMAGE_WRONG_VERSION "LINUX_2.5"

/* The clocks the kernel's vDSO answers itself (lib/vdso/gettimeofday.c):
 * REALTIME 0, MONOTONIC 1, MONOTONIC_RAW 4, REALTIME_COARSE 5,
 * MONOTONIC_COARSE 6, BOOTTIME 7, TAI 11. The rest it passes to the syscall. */
#define KATA_VDSO_SERVED_CLOCKS ((1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 11))
static inline int kata_vdso_serves(long clock)
{
	return clock >= 0 && clock < 32 && ((KATA_VDSO_SERVED_CLOCKS >> clock) & 1);
}

#endif
