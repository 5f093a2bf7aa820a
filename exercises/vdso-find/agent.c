/*
 * The agent side of vdso-find: the AT_SYSINFO_EHDR entry of the process's
 * auxiliary vector set as the judge asks, then the learner's vdso_find().
 *
 * Request: arg[3] what to do first (check.c's FIND_*): 0 leave the kernel's
 * vDSO; 1 map the judge's image (fd[0], arg[0] its size, arg[1] where) and
 * put its address in AT_SYSINFO_EHDR; 2 set AT_SYSINFO_EHDR to 0 and unmap
 * the kernel's image. Reply: ret[0] the address AT_SYSINFO_EHDR held before
 * the call (0: leave, 2: hide) or the image's (1: or -errno); ret[1] what
 * vdso_find() returned; ret[2] 1 when the entry could be set.
 *
 * A fresh agent per case: this is the learner's first call in the process,
 * so nothing they cached can be stale.
 */
#include "kata-agent.h"
#include "kata-vdso-agent.h"

const void *vdso_find(void);

static void call_find(struct kata_call *c)
{
	c->ret[2] = 1;
	if (c->arg[3] == 1) {
		long p = kata_vdso_map_image(c);
		c->ret[0] = p;
		if (p < 0 && p > -4096)
			return;
		unsigned long *e = kata_vdso_ehdr_entry(c);
		if (!e) {
			c->ret[2] = 0;
			return;
		}
		e[1] = (unsigned long)p;
	} else if (c->arg[3] == 2) {
		c->ret[0] = (long)kata_vdso_hide(c);
	} else {
		c->ret[0] = 0;
		for (unsigned long *a = c->auxv; a[0] != KATA_AT_NULL; a += 2)
			if (a[0] == KATA_AT_SYSINFO_EHDR)
				c->ret[0] = (long)a[1];
	}
	c->ret[1] = (long)vdso_find();
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "find", call_find },
	{ 0 },
};
