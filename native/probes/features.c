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

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425 /* the same number on x86-64 and arm64 */
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

	printf("{\"io_uring\":%s,\"io_uring_error\":\"%s\",\"vdso\":%s}\n", io_uring ? "true" : "false",
	       io_uring ? "" : strerror(io_uring_errno), vdso ? "true" : "false");
	return 0;
}
