/*
 * Driver for vdso-version: vdso_sym() finds a name at a version, through
 * DT_GNU_HASH or DT_HASH and DT_VERSYM/DT_VERDEF, in the agent's own vDSO
 * (checked against glibc's dlvsym) and in test images that define the clock
 * twice, at the kernel's version and at KATA_IMAGE_WRONG_VERSION
 * (native/cases/vdso-lookup.c).
 */
#include "cases/vdso-lookup.c"

static void live(void)
{
	lookup_live(kata_vdso_version());
}

/* The wrong definition first in the clock's chain, where a lookup that
 * ignores versions takes it; decoys for a walk over the symbol table. */
static void two_versions_sysv(void)
{
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_SYSV_TWO, .trap_linear = 1,
					       .wrong_version_first = 1, .version = kata_vdso_version() });
}

static void two_versions_gnu(void)
{
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_GNU_TWO, .trap_linear = 1,
					       .wrong_version_first = 1, .version = kata_vdso_version() });
}

/* Asked for the other version by name: the hidden definition is then the
 * answer (and the kernel's one, first in the chain now, is not), and names
 * defined only at the kernel's version are absent. Then a version no image
 * has: every name absent. */
static void wrong_version_asked(void)
{
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_SYSV_TWO, .right_version_first = 1,
					       .version = KATA_IMAGE_WRONG_VERSION });
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_GNU_TWO, .right_version_first = 1,
					       .version = KATA_IMAGE_WRONG_VERSION });
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_GNU_TWO, .version = "LINUX_9.9" });
}

const struct kata_case kata_cases[] = {
	{ "live", live, 0 },
	{ "two-versions-sysv", two_versions_sysv, 0 },
	{ "two-versions-gnu", two_versions_gnu, 0 },
	{ "wrong-version-asked", wrong_version_asked, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
