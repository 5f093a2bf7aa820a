/*
 * Driver for vdso-hash: vdso_lookup() finds names through DT_HASH in the
 * agent's own vDSO (checked against glibc's dlvsym) and in test images that
 * are linked away from 0, mapped at a fresh address, and carry decoys a walk
 * over the symbol table would return (native/cases/vdso-lookup.c).
 */
#include "cases/vdso-lookup.c"

static void live(void)
{
	lookup_live(NULL);
}

static void relocated(void)
{
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_SYSV, .trap_linear = 1 });
}

static void both_tables(void)
{
	lookup_in_image(&(struct lookup_plan){ .variant = KATA_IMAGE_BOTH, .trap_linear = 1 });
}

const struct kata_case kata_cases[] = {
	{ "live", live, 0 },
	{ "relocated", relocated, 0 },
	{ "both-tables", both_tables, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
