/*
 * features.c — what this kernel lets a process do, for `syscall-katas doctor`
 * and for marking katas unavailable (rather than failed) where a feature is
 * missing. Prints one JSON object. Built and run by the runner, once per
 * kernel release; its answer is cached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425 /* the same number on x86-64 and arm64 */
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444 /* the same number on x86-64 and arm64 */
#endif

int main(void)
{
	/* io_uring_setup with a bad params pointer: EFAULT means the syscall is
	 * there and allowed; ENOSYS (qemu, old kernels), EPERM (seccomp,
	 * io_uring_disabled=2) mean it is not. */
	long r = syscall(__NR_io_uring_setup, 1, (void *)0);
	int io_uring_errno = r < 0 ? errno : 0;
	if (r >= 0)
		close((int)r);
	int io_uring = r >= 0 || io_uring_errno == EFAULT || io_uring_errno == EINVAL;

	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);

	/* Landlock's ABI version (0: none), for the judge's confinement of the agent. */
	long landlock = syscall(__NR_landlock_create_ruleset, NULL, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */);
	if (landlock < 0)
		landlock = 0;

	/* A perf tracepoint on raw_syscalls:sys_enter, which the judge uses to count
	 * an agent's syscalls while it is timed: needs tracefs and the right to. */
	int tracepoint = 0;
	FILE *f = fopen("/sys/kernel/tracing/events/raw_syscalls/sys_enter/id", "re");
	if (f) {
		int id = -1;
		if (fscanf(f, "%d", &id) == 1 && id >= 0) {
			struct perf_event_attr attr;
			memset(&attr, 0, sizeof(attr));
			attr.size = sizeof(attr);
			attr.type = PERF_TYPE_TRACEPOINT;
			attr.config = (unsigned long long)id;
			attr.disabled = 1;
			long fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
			tracepoint = fd >= 0;
			if (fd >= 0)
				close((int)fd);
		}
		fclose(f);
	}

	printf("{\"io_uring\":%s,\"io_uring_error\":\"%s\",\"vdso\":%s,\"landlock\":%ld,\"tracepoint\":%s}\n",
	       io_uring ? "true" : "false", io_uring ? "" : strerror(io_uring_errno), vdso ? "true" : "false", landlock,
	       tracepoint ? "true" : "false");
	return 0;
}
