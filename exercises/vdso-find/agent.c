/*
 * The agent side of vdso-find: the learner's vdso_find(), in a process whose
 * AT_SYSINFO_EHDR the runtime set up as the judge asked before any learner
 * code ran (the kernel's vDSO, none, or a test image: KATA_VDSO). Reply:
 * ret[0] what AT_SYSINFO_EHDR holds, ret[1] what vdso_find() returned.
 */
#include "kata-agent.h"
#include "kata-vdso-agent.h"

const void *vdso_find(void);

static void call_find(struct kata_call *c)
{
	c->ret[0] = 0;
	for (unsigned long *a = c->auxv; a[0] != KATA_AT_NULL; a += 2)
		if (a[0] == KATA_AT_SYSINFO_EHDR)
			c->ret[0] = (long)a[1];
	c->ret[1] = (long)vdso_find();
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "find", call_find },
	{ 0 },
};
