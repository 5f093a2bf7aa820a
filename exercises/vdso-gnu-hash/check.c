/*
 * Driver for vdso-gnu-hash: vdso_lookup_gnu() finds names through
 * DT_GNU_HASH in test images that are linked away from 0, mapped at a fresh
 * address, and rearranged: decoys a walk over the symbol table would return,
 * a bloom filter that rules out one name still in the chains, a name standing
 * in a later bucket's run; then in the agent's own vDSO, checked against
 * glibc's dlvsym (native/cases/vdso-lookup.c). The images come first: they
 * name the mistake, where the live vDSO can only say right or wrong.
 */
#include "cases/vdso-lookup.c"

static void gnu_only(void)
{
	lookup_in_image(&(struct lookup_plan){
		.variant = KATA_IMAGE_GNU, .trap_linear = 1, .trap_chain_end = 1, .trap_bloom = 1 });
}

static void both_tables(void)
{
	lookup_in_image(&(struct lookup_plan){
		.variant = KATA_IMAGE_BOTH, .trap_linear = 1, .trap_chain_end = 1, .trap_bloom = 2 });
}

static void live(void)
{
	lookup_live(NULL);
}

const struct kata_case kata_cases[] = {
	{ "gnu-only", gnu_only, 0 },
	{ "both-tables", both_tables, 0 },
	{ "live", live, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
