/*
 * The agent side of vdso-version: the learner's vdso_sym() asked for names at
 * a version in the judge's test images and in the process's own vDSO
 * (native/cases/vdso-lookup-agent.c). The judge always sends a version.
 */
#include "kata-agent.h"

void *vdso_sym(const void *base, const char *version, const char *name);

#define KATA_LOOKUP(base, version, name) vdso_sym((base), (version), (name))
#include "cases/vdso-lookup-agent.c"

const struct kata_agent_call kata_agent_calls[] = {
	{ "lookup", call_lookup },
	{ 0 },
};
