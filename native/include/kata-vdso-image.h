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

/*
 * What their functions return: values the judge draws afresh for every image
 * it hands over and writes into the image's copy of this struct (found
 * through the image file's own symbol table, `kata_image_answers`, which is
 * not part of what is mapped). So the answers are nobody's clock and nothing
 * a program could know without calling the function it was given.
 * clock_gettime(clock) for a clock the kernel's vDSO serves returns
 * { sec + 1000 * clock, nsec } (the wrong-version definition: wrong_nsec).
 */
struct kata_image_answers {
	long sec, nsec, wrong_nsec;
	long tod_sec, tod_usec;  /* gettimeofday; time() returns tod_sec */
	unsigned cpu, node;      /* getcpu */
};
#define KATA_IMAGE_CLOCK_SEC(a, clock) ((a)->sec + 1000L * (long)(clock))

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
