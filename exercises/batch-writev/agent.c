/*
 * The agent side of vdso-hash: the learner's vdso_lookup() asked for names in
 * the judge's test images and in the process's own vDSO
 * (native/cases/vdso-lookup-agent.c).
 */
#include "kata-agent.h"

void *vdso_lookup(const void *base, const char *name);

#define KATA_LOOKUP(base, version, name) ((void)(version), vdso_lookup((base), (name)))
#include "cases/vdso-lookup-agent.c"

const struct kata_agent_call kata_agent_calls[] = {
	{ "lookup", call_lookup },
	{ 0 },
};
