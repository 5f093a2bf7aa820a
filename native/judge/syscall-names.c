/*
 * Syscall numbers to names on the judge's own architecture (the one it
 * traces). The table is generated from the system's <asm/unistd*.h> when the
 * judge is built (runner/src/build.ts): KATA_SC(name, nr) for the native ABI,
 * KATA_SC32(name, nr) for x86-64's 32-bit one.
 */
#define _GNU_SOURCE
#include <string.h>
#include "kata.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

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

const char *kata_arch_name(void)
{
#if defined(__x86_64__)
	return "x86-64";
#elif defined(__aarch64__)
	return "ARM64";
#else
#error "the judge runs on x86-64 or AArch64"
#endif
}

void kata_syscall_words(const struct kata_syscall *s, char *buf, size_t n)
{
#if defined(__x86_64__)
	const char *reg = s->compat ? "eax" : "rax";
#else
	const char *reg = "x8";
#endif
	const char *name = kata_syscall_name(s->nr, s->compat);
	const char *abi = s->compat ? "x86-64's 32-bit ABI" : kata_arch_name();
	int at = name ? snprintf(buf, n, "%s = %ld is %s on %s", reg, s->nr, name, abi)
		      : snprintf(buf, n, "%s = %ld is no syscall on %s", reg, s->nr, abi);
	if (at < 0 || (size_t)at >= n || !s->returned)
		return;
	const char *err = s->ret < 0 && s->ret >= -4095 ? strerrorname_np((int)-s->ret) : NULL;
	if (!name && s->ret == -ENOSYS)
		snprintf(buf + at, n - at, " (-ENOSYS)");
	else if (err)
		snprintf(buf + at, n - at, " and returned %lld (%s)", (long long)s->ret, err);
	else
		snprintf(buf + at, n - at, " and returned %lld", (long long)s->ret);
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
