/*
 * Syscall numbers to names on the judge's own architecture (the one it
 * traces). The table is generated from the system's <asm/unistd*.h> when the
 * judge is built (runner/src/build.ts): KATA_SC(name, nr) for the native ABI,
 * KATA_SC32(name, nr) for x86-64's 32-bit one.
 */
#include "kata.h"

#include <stddef.h>

struct sc_name {
	const char *name;
	long nr;
};

#define KATA_SC(name, nr) { #name, nr },
#define KATA_SC32(name, nr)
static const struct sc_name native_names[] = {
#include "syscall-table.h"
	{ NULL, -1 },
};
#undef KATA_SC
#undef KATA_SC32
#define KATA_SC(name, nr)
#define KATA_SC32(name, nr) { #name, nr },
static const struct sc_name compat_names[] = {
#include "syscall-table.h"
	{ NULL, -1 },
};

const char *kata_syscall_name(long nr, int compat)
{
	for (const struct sc_name *s = compat ? compat_names : native_names; s->name; s++)
		if (s->nr == nr)
			return s->name;
	return NULL;
}
