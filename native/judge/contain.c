/*
 * contain: runs one trusted tool on untrusted input (the compiler on a
 * learner's unit) so that the input cannot make it read or write what it
 * should not: an `#include` of the course's solutions, an `.incbin` of
 * another student's file, an include of /dev/zero that eats the machine.
 *
 *   contain [--ro DIR]... --rw DIR [--limit-mb N] -- PROG ARGS...
 *
 * Landlock (when the kernel has it): PROG and everything it starts may read
 * and execute the system's files (/usr, /lib*, /bin, /sbin, the loader's
 * cache and /etc/alternatives, where Debian's `cc` points) and the
 * --ro directories, write only --rw, and open nothing else (no /proc, no
 * /dev but /dev/null). Limits: address space (--limit-mb, default 4096),
 * 256 MiB per file written, 60 s of CPU. No new privileges. Then exec.
 * Built by the runner with the host compiler, like the supervisor.
 */
#define _GNU_SOURCE
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void limit(int resource, rlim_t value)
{
	struct rlimit r = { value, value };
	setrlimit(resource, &r);
}

static int usage(void)
{
	fprintf(stderr, "usage: contain [--ro DIR]... --rw DIR [--limit-mb N] -- PROG ARGS...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *ro[64];
	int nro = 0;
	const char *rw = NULL;
	unsigned long limit_mb = 4096;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--ro") && nro < 64)
			ro[nro++] = argv[++i];
		else if (!strcmp(argv[i], "--rw"))
			rw = argv[++i];
		else if (!strcmp(argv[i], "--limit-mb"))
			limit_mb = strtoul(argv[++i], NULL, 10);
		else
			return usage();
	}
	if (!rw || i >= argc)
		return usage();

	limit(RLIMIT_AS, (rlim_t)limit_mb << 20);
	limit(RLIMIT_FSIZE, 256ul << 20);
	limit(RLIMIT_CPU, 60);
	limit(RLIMIT_CORE, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		perror("contain: no_new_privs");
		return 125;
	}
	int abi = ll_abi();
	if (abi > 0) {
		uint64_t all = ll_fs_rights(abi);
		struct landlock_ruleset_attr attr = { .handled_access_fs = all };
		int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
		if (rs < 0) {
			perror("contain: landlock_create_ruleset");
			return 125;
		}
		const uint64_t read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;
		/* Not all of /etc: the compiler runs as root, and its errors quote what it read. */
		static const char *system[] = { "/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives",
						"/etc/ld.so.cache" };
		int bad = 0;
		for (size_t k = 0; k < sizeof(system) / sizeof(*system); k++)
			bad |= ll_allow(rs, system[k], read & all);
		for (int k = 0; k < nro; k++)
			bad |= ll_allow(rs, ro[k], read & all);
		bad |= ll_allow(rs, "/dev/null", (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE) & all);
		bad |= ll_allow(rs, rw, all);
		if (bad || syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
			perror("contain: landlock");
			return 125;
		}
		close(rs);
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "contain: exec %s: %s\n", argv[i], strerror(errno));
	return 127;
}
