/*
 * Driver for vdso-clock: vdso_clock_gettime() calls the vDSO's clock_gettime
 * for the clocks it serves. Right: within the judge's reads of the same clock
 * around each call, never going back. Through the vDSO this process was
 * given: a test image handed over as AT_SYSINFO_EHDR gives its own,
 * predictable times, including the image with a second definition at the
 * wrong version. In user space: no clock_gettime syscall (traced per call,
 * counted over a run). Fast: within the manifest's ratio of glibc's
 * clock_gettime(), which goes through the same vDSO, with a floor that a
 * remembered time falls through (native/cases/vdso-clock.c).
 */
#include "cases/vdso-clock.c"

static void served(void)
{
	default_vdso();
	long clocks[7];
	served_clocks(clocks);
	for (int i = 0; i < 7; i++)
		expect_served(clocks[i]);
}

static void monotonic(void)
{
	default_vdso();
	expect_monotonic_run(256);
}

static void handed_over(void)
{
	image_as_vdso(KATA_IMAGE_BOTH, 0);
	long clocks[7];
	served_clocks(clocks);
	for (int i = 0; i < 3; i++)
		expect_served(clocks[i]);
}

static void right_version(void)
{
	/* Both tables' chains, each with the wrong definition first. */
	image_as_vdso(KATA_IMAGE_GNU_TWO, 1);
	expect_served(CLOCK_MONOTONIC);
	image_as_vdso(KATA_IMAGE_SYSV_TWO, 1);
	expect_served(CLOCK_REALTIME);
}

const struct kata_case kata_cases[] = {
	{ "served-clocks", served, 0 },
	{ "monotonic", monotonic, 0 },
	{ "handed-over", handed_over, 0 },
	{ "right-version", right_version, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "clock", "monotonic-loop", reference_clock, NULL, check_timed_clock },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "clock", "monotonic-loop", default_vdso },
	{ 0 },
};
