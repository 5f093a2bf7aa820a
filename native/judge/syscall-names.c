/*
 * Syscall numbers to names on the judge's own architecture (the one it
 * traces). The table is generated from the system's <asm/unistd*.h> when the
 * judge is built (runner/src/build.ts): KATA_SC(name, nr) for the native ABI,
 * KATA_SC32(name, nr) for x86-64's 32-bit one.
 */
#include <string.h>
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

/* Kept equal to runner/src/syscall-groups.ts (a unit test compares them). */
static const char *const write_like[] = { "write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg",
					  "sendmmsg", "sendfile", "splice", "vmsplice", "copy_file_range", "tee", NULL };
static const char *const read_like[] = { "read", "readv", "pread64", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg",
					 "splice", "vmsplice", "tee", "sendfile", "copy_file_range", NULL };

static int in_group(const char *const *group, long nr)
{
	const char *name = kata_syscall_name(nr, 0);
	for (int i = 0; name && group[i]; i++)
		if (strcmp(group[i], name) == 0)
			return 1;
	return 0;
}

int kata_is_write_like(long nr)
{
	return in_group(write_like, nr);
}

int kata_is_read_like(long nr)
{
	return in_group(read_like, nr);
}
