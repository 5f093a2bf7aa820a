/*
 * The agent's lock-down (see confine.h). Three layers, each doing what it is
 * best at:
 *
 *  - Landlock (unprivileged, Linux >= 5.13): the agent reads only the system's
 *    libraries and configuration, executes only them and its own program,
 *    writes only its own directory. Not the course, not the build cache, not
 *    PATH directories, not /proc (so not /proc/<judge>/mem, not the runner's
 *    environ, not /proc/self/mem). ABI >= 6 also scopes signals and abstract
 *    unix sockets to the agent's own processes. Under an emulator /proc stays
 *    readable: qemu-user reads /proc/self/maps.
 *  - seccomp (built with libseccomp): no ptrace, no process_vm_*, no new
 *    namespaces, no changing its CPU, no signals to the judge, its supervisor
 *    or the runner; when grading, no 32-bit ABI (int $0x80 gets -ENOSYS).
 *    The agent runtime adds its own filter once the loader is done: no
 *    executable memory from then on (native/agent/runtime.c).
 *  - a uid of its own when the judge is root (CI): nothing of root's is
 *    reachable, and RLIMIT_NPROC counts only this agent's processes.
 */
#define _GNU_SOURCE
#include "confine.h"
#include "landlock.h"
#include "proc-stat.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

static int build_landlock(struct confine_plan *p, char *err, size_t errlen)
{
	p->ruleset_fd = -1;
	p->landlock_abi = ll_abi();
	if (p->landlock_abi <= 0)
		return 0; /* not on this kernel: the docs say what that leaves */
	int abi = p->landlock_abi;
	struct ll_ruleset_attr attr = { .handled_access_fs = ll_fs_rights(abi) };
	size_t size = sizeof(uint64_t);
	if (abi >= 4) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = 2 * sizeof(uint64_t);
	}
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rs < 0) {
		snprintf(err, errlen, "landlock_create_ruleset: %s", strerror(errno));
		return -1;
	}
	const uint64_t handled = attr.handled_access_fs;
	const uint64_t read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	const uint64_t run = read | LANDLOCK_ACCESS_FS_EXECUTE;
	static const char *system_code[] = { "/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin" };
	static const char *system_data[] = { "/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf",
					     "/sys/devices/system/cpu", "/dev/urandom", "/dev/random", "/dev/zero" };
	int bad = 0;
	for (size_t i = 0; i < sizeof(system_code) / sizeof(*system_code); i++)
		bad |= ll_allow(rs, system_code[i], run & handled);
	for (size_t i = 0; i < sizeof(system_data) / sizeof(*system_data); i++)
		bad |= ll_allow(rs, system_data[i], read & handled);
	bad |= ll_allow(rs, "/dev/null", (read | LANDLOCK_ACCESS_FS_WRITE_FILE) & handled);
	bad |= ll_allow(rs, p->exe, run & handled);
	if (p->emulated)
		bad |= ll_allow(rs, "/proc", read & handled); /* qemu-user reads /proc/self/maps */
	bad |= ll_allow(rs, p->dir, handled);
	if (bad) {
		snprintf(err, errlen, "landlock_add_rule: %s", strerror(errno));
		close(rs);
		return -1;
	}
	p->ruleset_fd = rs;
	return 0;
}

/* The parent of `pid`, or -1. */
static pid_t parent_of(pid_t pid)
{
	struct proc_stat st;
	return proc_stat_read(pid, &st) == 0 ? st.ppid : -1;
}

static int build_seccomp(struct confine_plan *p, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	int rc = 0;
	/* Speculative store bypass stays as the kernel has it: the course times
	 * syscalls, and seccomp's default mitigation would slow every one. */
	rc |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	rc |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* confine_lock() sets it */
	/* An ABI the filter does not name (x32; i386 when grading) gets ENOSYS. */
	rc |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
#if defined(__x86_64__)
	if (!p->grading)
		rc |= seccomp_arch_add(ctx, SCMP_ARCH_X86); /* int $0x80 stays a lesson to see */
#endif
	static const char *denied[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp", "perf_event_open",
		"bpf", "keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root", "chroot", "unshare",
		"setns", "sched_setaffinity", "personality", "userfaultfd", "open_by_handle_at",
		"name_to_handle_at", "kexec_load", "kexec_file_load", "init_module", "finit_module",
		"delete_module", "reboot", "swapon", "swapoff", "syslog", "acct", "iopl", "ioperm",
		"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "fanotify_init", "move_mount",
		"open_tree", "fsopen", "fsmount", "fspick",
	};
	for (size_t i = 0; i < sizeof(denied) / sizeof(*denied); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr != __NR_SCMP_ERROR)
			rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	/* io_uring does reads, writes, opens and sends in the kernel's own threads,
	 * none of them a syscall the judge counts: outside the io_uring katas it
	 * would be a way around every count budget. ENOSYS, as on a kernel without it. */
	if (!p->io_uring) {
		static const char *uring[] = { "io_uring_setup", "io_uring_enter", "io_uring_register" };
		for (size_t i = 0; i < sizeof(uring) / sizeof(*uring); i++) {
			int nr = seccomp_syscall_resolve_name(uring[i]);
			if (nr != __NR_SCMP_ERROR)
				rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		}
	}
	/* No new namespaces (a user namespace is the way to capabilities), and no
	 * child the tracer is not told of (CLONE_UNTRACED). */
	static const uint64_t ns_flags[] = { CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,    CLONE_NEWNET,
					     CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_UNTRACED };
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(*ns_flags); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	/* clone3 passes its flags in memory, where a filter cannot look: libc falls back to clone. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* Signals: never to everyone, never to the judge, its supervisor or the runner
	 * (as pids or as their process groups). Landlock ABI >= 6 scopes them too. */
	pid_t sup = parent_of(p->judge), runner = sup > 1 ? parent_of(sup) : -1;
	uint32_t protect[8];
	int np = 0;
	protect[np++] = (uint32_t)-1;
	protect[np++] = (uint32_t)p->judge;
	protect[np++] = (uint32_t)-p->judge;
	if (sup > 1) {
		protect[np++] = (uint32_t)sup;
		protect[np++] = (uint32_t)-sup;
	}
	if (runner > 1) {
		protect[np++] = (uint32_t)runner;
		protect[np++] = (uint32_t)-runner;
	}
	static const char *signalling[] = { "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
					    "pidfd_open" };
	for (size_t i = 0; i < sizeof(signalling) / sizeof(*signalling); i++) {
		int nr = seccomp_syscall_resolve_name(signalling[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		for (int k = 0; k < np; k++)
			rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
					       SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, protect[k]));
	}
	if (rc != 0) {
		snprintf(err, errlen, "building the seccomp filter failed (%d)", rc);
		seccomp_release(ctx);
		return -1;
	}
	p->seccomp = ctx;
	return 0;
}

int confine_prepare(struct confine_plan *p, char *err, size_t errlen)
{
	p->exe_fd = open(p->exe, O_PATH | O_CLOEXEC);
	if (p->exe_fd < 0) {
		snprintf(err, errlen, "open %s: %s", p->exe, strerror(errno));
		return -1;
	}
	p->seccomp = NULL;
	if (build_landlock(p, err, errlen) != 0 || (!p->no_seccomp && build_seccomp(p, err, errlen) != 0)) {
		close(p->exe_fd);
		return -1;
	}
	return 0;
}

void confine_release(struct confine_plan *p)
{
	if (p->exe_fd >= 0)
		close(p->exe_fd);
	if (p->ruleset_fd >= 0)
		close(p->ruleset_fd);
	if (p->seccomp)
		seccomp_release(p->seccomp);
	p->exe_fd = p->ruleset_fd = -1;
	p->seccomp = NULL;
}

static void limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit cur, want = { soft, hard };
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && want.rlim_max > cur.rlim_max)
		want.rlim_max = cur.rlim_max;
	if (want.rlim_cur > want.rlim_max)
		want.rlim_cur = want.rlim_max;
	setrlimit(resource, &want);
}

void confine_child(struct confine_plan *p, int keep_fd)
{
	/* Every descriptor but stdin/stdout/stderr, the channel and what exec needs. */
	int keep[3] = { keep_fd, p->exe_fd, p->ruleset_fd }, from = 3;
	for (int i = 0; i < 3; i++) /* in order, so the ranges between them can go */
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < 3; i++) {
		if (keep[i] < from)
			continue;
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0u, 0);
	if (fcntl(keep_fd, F_GETFD) >= 0)
		fcntl(keep_fd, F_SETFD, 0);
	setpgid(0, 0);
	if (chdir(p->dir) != 0)
		_exit(126);
	rlim_t cpu = (rlim_t)(p->timeout_s * 4) + 2;
	limit(RLIMIT_CPU, cpu, cpu + 1);
	if (!p->emulated)
		limit(RLIMIT_AS, 4ull << 30, 4ull << 30);
	limit(RLIMIT_FSIZE, 64ull << 20, 64ull << 20);
	limit(RLIMIT_NOFILE, 1024, 1024);
	/* A timed run: no other process or thread of the agent's, which could run
	 * while the judge times its reference on the same CPU. */
	limit(RLIMIT_NPROC, p->no_seccomp ? 1 : 256, p->no_seccomp ? 1 : 256);
	limit(RLIMIT_CORE, 0, 0);
	if (geteuid() == 0) {
		/* SysV IPC of its own, which goes with its last process: Landlock does not
		 * cover it, and a segment left behind would outlive the run (memory, or a
		 * channel to the next student's program). Capped in size while it lasts. */
		if (unshare(CLONE_NEWIPC) == 0) {
			static const char *caps[][2] = { { "/proc/sys/kernel/shmmax", "67108864" },
							 { "/proc/sys/kernel/shmall", "16384" },
							 { "/proc/sys/kernel/msgmnb", "65536" } };
			for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
				int fd = open(caps[i][0], O_WRONLY | O_CLOEXEC);
				if (fd >= 0) {
					if (write(fd, caps[i][1], strlen(caps[i][1])) < 0)
						_exit(126);
					close(fd);
				}
			}
		}
		if (setgroups(0, NULL) != 0 || setresgid(p->uid, p->uid, p->uid) != 0 ||
		    setresuid(p->uid, p->uid, p->uid) != 0)
			_exit(126);
	}
	/* After the uid change, which clears it: the agent dies with the judge. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != p->judge)
		_exit(126);
}

int confine_lock(struct confine_plan *p)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	if (p->ruleset_fd >= 0 && syscall(SYS_landlock_restrict_self, p->ruleset_fd, 0) != 0)
		return -1;
	if (p->ruleset_fd >= 0)
		close(p->ruleset_fd);
	if (p->seccomp && seccomp_load(p->seccomp) != 0)
		return -1;
	return 0;
}

uid_t confine_pick_uid(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)getpid() * 2654435761u;
	return (uid_t)(200000 + r % 60000);
}
