/*
 * Driver for vdso-fallback: vdso_clock_gettime() where the vDSO cannot
 * answer. Clocks it does not serve (CPU-time clocks): the right value, one
 * clock_gettime syscall per call. Clock ids nobody serves: the kernel's
 * -EINVAL. A process without a vDSO (the runtime hides it and unmaps it
 * before the learner's code runs): the raw syscall, from the learner's code.
 * And still no syscall where the vDSO serves the clock
 * (native/cases/vdso-clock.c).
 */
#include "cases/vdso-clock.c"

static void served(void)
{
	default_vdso();
	long clocks[7];
	served_clocks(clocks);
	for (int i = 0; i < 4; i++)
		expect_served(clocks[i]);
}

static void unserved(void)
{
	default_vdso();
	expect_kernel_clock(CLOCK_PROCESS_CPUTIME_ID);
	expect_kernel_clock(CLOCK_THREAD_CPUTIME_ID);
	expect_kernel_clock(CLOCK_PROCESS_CPUTIME_ID);
}

static void invalid(void)
{
	default_vdso();
	static const long ids[] = { 10, 12, 13, 14, 15, 16, 63, 4096, 1000003 };
	expect_invalid_clock(ids[kata_rand_range(0, 4)]);
	expect_invalid_clock(ids[kata_rand_range(5, 8)]);
}

static void no_vdso(void)
{
	given_image = NULL;
	kata_agent_vdso_none();
	kata_note("this process has no vDSO: AT_SYSINFO_EHDR is 0 (as under vdso=0, or qemu)");
	long clocks[7];
	served_clocks(clocks);
	expect_without_vdso(clocks[0]);
	expect_without_vdso(clocks[1]);
	expect_without_vdso(CLOCK_MONOTONIC);
	expect_invalid_clock(16);
}

/* A vDSO without the function: the clock only at the wrong version. */
static void no_clock_in_vdso(void)
{
	image_as_vdso(kata_rand_range(0, 1) ? KATA_IMAGE_GNU_TWO : KATA_IMAGE_SYSV_TWO, 0);
	kata_image_without_clock(given_image); /* in the copy the agent is started with, at its first call */
	kata_note("this process's vDSO has %s only at %s, not at %s", kata_vdso_clock_name(), KATA_IMAGE_WRONG_VERSION,
		  kata_vdso_version());
	expect_without_vdso(CLOCK_MONOTONIC);
	expect_without_vdso(CLOCK_REALTIME);
}

static void no_vdso_count(void)
{
	kata_agent_vdso_none();
}

const struct kata_case kata_cases[] = {
	{ "served-clocks", served, 0 },
	{ "unserved-clocks", unserved, 0 },
	{ "invalid-clock", invalid, 0 },
	{ "no-vdso", no_vdso, 0 },
	{ "no-clock-in-vdso", no_clock_in_vdso, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "served", "monotonic-loop", default_vdso },
	{ "unserved", "cputime-loop", default_vdso },
	{ "no-vdso", "monotonic-loop", no_vdso_count },
	{ 0 },
};
