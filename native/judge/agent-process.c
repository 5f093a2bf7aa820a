/*
 * The agent: the learner's process, started, confined, traced and driven by
 * the judge.
 *
 * Start: fork; in the child, the channel moves to KATA_AGENT_CHANNEL_FD and
 * every other descriptor but 0-2 is closed; limits, a uid of its own (when
 * the judge runs as root), PTRACE_TRACEME, then the lock-down (confine.c:
 * no new privileges, Landlock, seccomp) and exec. The judge sets its ptrace
 * options at the child's first stop, so every thread and process the agent
 * makes is traced from birth.
 *
 * Calls: the judge sends a request, then runs the trace loop until the
 * reply arrives (or the agent dies, or the call's time runs out). In a
 * traced run every syscall stops the agent twice (entry, exit); the judge
 * reads it with PTRACE_GET_SYSCALL_INFO (number, arguments, ABI, the
 * address after the instruction, the result) and keeps it with the call
 * unless it came from the agent runtime's own code (the channel's
 * recvmsg/sendmsg). The agent cannot hide a syscall from this, nor say
 * which code made it: the kernel does.
 *
 * Under an emulator (qemu-user) the agent is not ptraced: qemu's own
 * syscalls are not the guest's. Counts come from qemu's -strace log there,
 * which the guest could write to: the docs say so.
 */
#define _GNU_SOURCE
#include "judge.h"
#include "confine.h"
#include "proc-stat.h"
#include "raw-syscall.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif

static struct agent_config cfg;
static int start_traced = 1;

#define MAX_TRACEES 512

static struct {
	pid_t pid;                 /* the agent's main thread; 0 when none */
	int sock;                  /* the judge's end of the channel */
	int sigfd;                 /* SIGCHLD, as a descriptor to poll */
	int traced;
	int dead;
	int status;                /* wait status of the main thread, once dead */
	char dir[256];             /* the agent's temporary directory */
	uid_t uid;                 /* the agent's uid (its own when the judge is root) */
	pid_t tids[MAX_TRACEES];   /* every traced thread and process */
	int ntids;
	/* the last fatal signal seen in a signal-delivery-stop */
	int crash_sig;
	pid_t crash_tid;
	uint64_t crash_addr, crash_pc, crash_sp;
	const char *crash_stack;   /* where its sp was: "inside" or "outside" the stack, or "unknown" */
	/* perf tracepoint raw_syscalls:sys_enter on the agent, or -1 */
	int syscall_counter;
} A = { .sock = -1, .sigfd = -1, .syscall_counter = -1 };

static int count_add(struct count_result *out, const char *name, long nr, int compat, int elsewhere);

/* The current call's syscalls. */
static int window_open;
static struct kata_syscall window[KATA_MAX_TRACED];
static int window_n;
/* The io_uring katas: the files (device, inode) behind the descriptors the
 * call under way passed, and for each syscall of the window the descriptor
 * argument that named one of them, whatever its number (-1: none). A
 * descriptor to the judge's file the agent got another way (a registered file
 * turned back into one, IORING_OP_FIXED_FD_INSTALL) is the judge's all the same. */
static struct {
	dev_t dev;
	ino_t ino;
} call_files[KATA_WIRE_MAX_FDS];
static int call_nfiles;
static int64_t window_judge_fd[KATA_MAX_TRACED];

/* The descriptor arguments of syscall nr (at most two), or 0 for one that takes none we look at. */
static int fd_args(long nr, const uint64_t *arg, int64_t out[2])
{
	switch (nr) {
	case SYS_mmap:
		out[0] = (int64_t)arg[4];
		return 1;
	case SYS_sendfile:
	case SYS_tee:
		out[0] = (int64_t)arg[0], out[1] = (int64_t)arg[1];
		return 2;
	case SYS_splice:
	case SYS_copy_file_range:
		out[0] = (int64_t)arg[0], out[1] = (int64_t)arg[2];
		return 2;
	case SYS_fcntl:
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
	case SYS_ioctl:
	case SYS_ftruncate:
	case SYS_fallocate:
	case SYS_readahead:
	case SYS_fadvise64:
	case SYS_sync_file_range:
		out[0] = (int64_t)arg[0];
		return 1;
	default:
		if (!kata_is_read_like(nr) && !kata_is_write_like(nr))
			return 0;
		out[0] = (int64_t)arg[0];
		return 1;
	}
}

/* Which descriptor argument of the agent's syscall names a file the call passed, or -1. */
static int64_t judge_file_named(pid_t tid, long nr, const uint64_t *arg)
{
	int64_t fds[2];
	int n = call_nfiles ? fd_args(nr, arg, fds) : 0;
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0 || fds[i] > 1 << 20)
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/fd/%lld", tid, (long long)fds[i]);
		if (stat(path, &st) != 0)
			continue;
		for (int k = 0; k < call_nfiles; k++)
			if (st.st_dev == call_files[k].dev && st.st_ino == call_files[k].ino)
				return fds[i];
	}
	return -1;
}
static long window_total;
static struct count_result *window_hist;

/* A syscall entered but not yet returned, per thread. */
static struct {
	pid_t tid;
	int slot; /* index in window[], or -1 when not kept */
	int row;  /* its row in window_hist, or -1 */
	struct timespec entered; /* when the judge saw it enter (for trace's time column) */
} pending[MAX_TRACEES];

jmp_buf judge_case_end;
int judge_in_case;

void agent_configure(const struct agent_config *c)
{
	cfg = *c;
}

void agent_set_traced(int traced)
{
	start_traced = traced;
}

int kata_emulated(void)
{
	return cfg.emulator != NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tracees ------------------------------------------------------------- */

static void add_tid(pid_t t)
{
	for (int i = 0; i < A.ntids; i++)
		if (A.tids[i] == t)
			return;
	if (A.ntids < MAX_TRACEES)
		A.tids[A.ntids++] = t;
}

static void drop_tid(pid_t t)
{
	for (int i = 0; i < A.ntids; i++)
		if (A.tids[i] == t) {
			A.tids[i] = A.tids[--A.ntids];
			break;
		}
	for (int i = 0; i < MAX_TRACEES; i++)
		if (pending[i].tid == t)
			pending[i].tid = 0;
}

static void resume(pid_t t, int sig)
{
	ptrace(A.traced ? PTRACE_SYSCALL : PTRACE_CONT, t, 0, (void *)(long)sig);
}

static int listed(const uint64_t *set, int n, uint64_t ip)
{
	for (int i = 0; i < n; i++)
		if (set[i] == ip)
			return 1;
	return 0;
}

static enum kata_origin origin_of(uint64_t ip)
{
	uint64_t at = ip - KATA_SYSCALL_INSN_BYTES;
	if (!(at >= cfg.learner_lo && at < cfg.learner_hi))
		return KATA_FROM_ELSEWHERE;
	/* In the learner's unit: theirs only at one of their own instructions. */
	return !cfg.have_own || listed(cfg.own, cfg.nown, ip) ? KATA_FROM_LEARNER : KATA_FROM_ELSEWHERE;
}

/*
 * The runtime's own channel traffic, left out of what a call made: a
 * syscall from the runtime's code that is one the runtime makes (receive or
 * send on the channel, placing the judge's descriptors, closing them). Any
 * other syscall from there counts, as made outside the learner's code: code
 * that jumps into the runtime's syscall instructions hides nothing.
 */
static int runtime_channel_syscall(uint64_t ip, long nr, const uint64_t *args)
{
	uint64_t at = ip - KATA_SYSCALL_INSN_BYTES;
	if (!(cfg.runtime_hi > cfg.runtime_lo && at >= cfg.runtime_lo && at < cfg.runtime_hi))
		return 0;
	if (nr == SYS_recvmsg || nr == SYS_sendmsg)
		return args[0] == KATA_AGENT_CHANNEL_FD;
	if (nr == SYS_dup3)
		return args[1] >= KATA_AGENT_FD_BASE && args[1] < KATA_AGENT_FD_BASE + KATA_WIRE_MAX_FDS;
	if (nr == SYS_close)
		return 1; /* a descriptor the judge passed, once the call is over */
	return 0;
}

static void on_syscall_stop(pid_t t)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t, (void *)sizeof(info), &info) <= 0)
		return;
	int p = -1;
	for (int i = 0; i < MAX_TRACEES; i++)
		if (pending[i].tid == t) {
			p = i;
			break;
		}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		if (p < 0)
			for (int i = 0; i < MAX_TRACEES && p < 0; i++)
				if (pending[i].tid == 0)
					p = i;
		if (p < 0)
			return;
		pending[p].tid = t;
		pending[p].slot = -1;
		pending[p].row = -1;
		if (!window_open || (info.arch != AUDIT_ARCH_I386 &&
				     runtime_channel_syscall(info.instruction_pointer, (long)info.entry.nr, info.entry.args)))
			return;
		int compat = info.arch == AUDIT_ARCH_I386;
		long nr = (long)info.entry.nr;
		enum kata_origin origin = origin_of(info.instruction_pointer);
		window_total++;
		if (window_hist) {
			pending[p].row = count_add(window_hist, kata_syscall_name(nr, compat), nr, compat, origin != KATA_FROM_LEARNER);
			clock_gettime(CLOCK_MONOTONIC, &pending[p].entered);
		}
		if (window_n < KATA_MAX_TRACED) {
			struct kata_syscall *s = &window[window_n];
			memset(s, 0, sizeof(*s));
			s->tid = t;
			s->compat = compat;
			s->nr = nr;
			for (int i = 0; i < 6; i++)
				s->arg[i] = info.entry.args[i];
			s->ip = info.instruction_pointer;
			s->origin = origin;
			s->in_probe = origin == KATA_FROM_LEARNER && (!cfg.have_own || listed(cfg.probe, cfg.nprobe, s->ip));
			window_judge_fd[window_n] = compat ? -1 : judge_file_named(t, nr, s->arg);
			pending[p].slot = window_n++;
		}
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && p >= 0) {
		int slot = pending[p].slot;
		if (slot >= 0 && slot < window_n && window[slot].tid == t) {
			window[slot].ret = info.exit.rval;
			window[slot].returned = 1;
			/* io_uring_setup(entries, params): the flags asked for (params + 8), read
			 * while the agent is stopped, so a kata can see what ring was made. */
			if (!window[slot].compat && window[slot].nr == SYS_io_uring_setup) {
				uint32_t flags = 0;
				struct iovec local = { &flags, sizeof(flags) }, remote = { (void *)(uintptr_t)(window[slot].arg[1] + 8), sizeof(flags) };
				if (process_vm_readv(t, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(flags))
					window[slot].looked = flags;
			}
		}
		/* An error return (-4095..-1), for `syscall-katas trace`'s errors column. */
		if (window_hist && pending[p].row >= 0 && pending[p].row < window_hist->nrows) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			/* From the entry stop to the exit stop, as strace -c -w measures: tracing included. */
			window_hist->rows[pending[p].row].ns += (now.tv_sec - pending[p].entered.tv_sec) * 1000000000LL +
								(now.tv_nsec - pending[p].entered.tv_nsec);
			if (info.exit.is_error)
				window_hist->rows[pending[p].row].errors++;
		}
		pending[p].tid = 0;
	} else if (info.op == PTRACE_SYSCALL_INFO_SECCOMP && p >= 0) {
		pending[p].tid = 0;
	}
}

/* Whether `sp` is inside the [stack] mapping of `tid`'s process (threads
 * other than the main one run on stacks /proc does not name: unknown). */
static const char *stack_place(pid_t tid, uint64_t sp)
{
	if (tid != A.pid)
		return "unknown";
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return "unknown";
	const char *where = "unknown";
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			/* the stack grows down: a little below its low end is still it */
			where = sp + 65536 >= lo && sp <= hi ? "inside" : "outside";
			break;
		}
	}
	fclose(f);
	return where;
}

static int is_fatal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS ||
	       sig == SIGABRT;
}

/* One wait status from a tracee. */
static void on_wait(pid_t t, int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		drop_tid(t);
		if (t == A.pid) {
			A.dead = 1;
			A.status = st;
		}
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	int sig = WSTOPSIG(st);
	int event = st >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t);
		resume(t, 0);
		return;
	}
	if (sig == SIGTRAP && event) {
		if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
			unsigned long child = 0;
			if (ptrace(PTRACE_GETEVENTMSG, t, 0, &child) == 0 && child)
				add_tid((pid_t)child);
		}
		resume(t, 0);
		return;
	}
	add_tid(t); /* a new child's first stop may come before its parent's event */
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		resume(t, 0); /* a learner stopping itself gains nothing but a hang */
		return;
	}
	if (is_fatal(sig)) {
		siginfo_t si;
		struct __ptrace_syscall_info info;
		memset(&si, 0, sizeof(si));
		memset(&info, 0, sizeof(info));
		ptrace(PTRACE_GETSIGINFO, t, 0, &si);
		ptrace(PTRACE_GET_SYSCALL_INFO, t, (void *)sizeof(info), &info);
		A.crash_sig = sig;
		A.crash_tid = t;
		A.crash_addr = (uint64_t)(uintptr_t)si.si_addr;
		A.crash_pc = info.instruction_pointer;
		A.crash_sp = info.stack_pointer;
		A.crash_stack = stack_place(t, A.crash_sp);
	}
	resume(t, sig);
}

static void drain_waits(void)
{
	for (;;) {
		int st;
		pid_t t = waitpid(-1, &st, WNOHANG | __WALL);
		if (t <= 0)
			break;
		on_wait(t, st);
	}
}

/* ---- the agent's directory ---------------------------------------------- */

/* Removes everything beneath the directory `dirfd`, by descriptor: never
 * through a path, so a symlink or a rename the agent left behind cannot
 * send it anywhere else. */
static void remove_beneath(int dirfd, int depth)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			continue;
		int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0 && depth < 64)
			remove_beneath(sub, depth + 1);
		else if (sub >= 0)
			close(sub);
		unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/*
 * The agent's directory, gone. As root the agent has a uid of its own:
 * first every process of that uid is killed (whatever escaped tracing, with
 * CLONE_UNTRACED, is one of them), then the directory's contents are removed
 * by a child with that uid, which can delete nothing the agent could not.
 */
/* How many processes run as `uid` (root reads every /proc/<pid>/status). */
static int processes_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], line[256];
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		unsigned r = 0, eu = 0, su = 0;
		int zombie = 0;
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "State:", 6))
				zombie = strchr(line, 'Z') != NULL;
			if (sscanf(line, "Uid: %u %u %u", &r, &eu, &su) == 3)
				break;
		}
		fclose(f);
		n += !zombie && (r == uid || eu == uid || su == uid);
	}
	closedir(d);
	return n;
}

static int remove_dir(void)
{
	if (!A.dir[0])
		return 0;
	int escaped = geteuid() == 0 ? processes_of(A.uid) : 0;
	pid_t child = fork();
	if (child == 0) {
		if (geteuid() == 0) {
			if (setgroups(0, NULL) != 0 || setresgid(A.uid, A.uid, A.uid) != 0 ||
			    setresuid(A.uid, A.uid, A.uid) != 0)
				_exit(0);
			if (escaped)
				kill(-1, SIGKILL); /* every process of this uid but this one */
		}
		int fd = open(A.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			remove_beneath(fd, 0);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, __WALL);
	rmdir(A.dir);
	A.dir[0] = 0;
	return escaped;
}

/* ---- start and stop -------------------------------------------------------- */

static void open_syscall_counter(void);
static int keep_dir; /* agent_stop() leaves the directory (an emulator's log is in it) */
static int emulator_log; /* the next emulated agent logs its syscalls (qemu -d strace) */

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int ok = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ok = -1;
			break;
		}
	close(in);
	close(out);
	return n < 0 ? -1 : ok;
}

/* What the next agents find as their vDSO (kata_agent_vdso_*, kata-vdso.h). */
static struct {
	int mode;                  /* 0: the kernel's; 1: none; 2: an image */
	const unsigned char *image;
	size_t len;
	uint64_t addr;
} start_vdso;

void agent_vdso_start(int mode, const void *image, size_t len, uint64_t addr)
{
	start_vdso.mode = mode;
	start_vdso.image = image;
	start_vdso.len = len;
	start_vdso.addr = addr;
}

/* The image goes in the agent's own directory; the runtime maps it, then
 * deletes it, before any learner code runs (native/agent/runtime.c). */
static int write_vdso_image(uid_t uid)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/vdso-image", A.dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	if (fd < 0)
		return -1;
	int ok = write(fd, start_vdso.image, start_vdso.len) == (ssize_t)start_vdso.len;
	if (geteuid() == 0 && fchown(fd, uid, uid) != 0)
		ok = 0;
	close(fd);
	return ok ? 0 : -1;
}

/* The next start's extra arguments and environment strings
 * (kata_agent_start_with, kata.h): used by one start, then forgotten. */
#define START_EXTRA_MAX 32
static const char *const *start_args, *const *start_env;

void kata_agent_start_with(const char *const *args, const char *const *env)
{
	start_args = args;
	start_env = env;
}

/* Starts an agent; `arg` (may be NULL) becomes its argv[1]. */
static void start_agent(const char *arg)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(A.dir, sizeof(A.dir), "%s/agent-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(A.dir)) {
		A.dir[0] = 0;
		judge_error_record("the judge could not make the agent's directory: %s", strerror(errno));
		_exit(5);
	}
	/* Under an emulator the program is opened by path: it lives in the
	 * agent's own directory, which its uid can reach. */
	char exe[512];
	if (cfg.emulator) {
		snprintf(exe, sizeof(exe), "%s/prog", A.dir);
		if (copy_file(cfg.exe, exe) != 0) {
			judge_error_record("the judge could not copy the agent program: %s", strerror(errno));
			_exit(5);
		}
	} else {
		snprintf(exe, sizeof(exe), "%s", cfg.exe);
	}
	uid_t uid = geteuid() == 0 ? confine_pick_uid() : geteuid();
	A.uid = uid;
	if (geteuid() == 0 && (chown(A.dir, uid, uid) != 0 || (cfg.emulator && chown(exe, uid, uid) != 0))) {
		judge_error_record("the judge could not hand the agent its directory: %s", strerror(errno));
		_exit(5);
	}
	if (start_vdso.mode == 2 && write_vdso_image(uid) != 0) {
		judge_error_record("the judge could not hand the agent its test vDSO: %s", strerror(errno));
		_exit(5);
	}
	int sv[2] = { -1, -1 };
	if (!cfg.nostdlib && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		judge_error_record("the judge could not make the agent's channel: %s", strerror(errno));
		_exit(5);
	}
	if (A.sigfd < 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
		A.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	}
	struct confine_plan plan;
	memset(&plan, 0, sizeof(plan));
	plan.dir = A.dir;
	plan.exe = cfg.emulator ? cfg.emulator : exe;
	plan.guest = cfg.emulator ? exe : NULL;
	plan.uid = uid;
	plan.grading = cfg.grading;
	plan.io_uring = cfg.io_uring;
	plan.emulated = cfg.emulator != NULL;
	plan.timeout_s = cfg.call_timeout_s;
	/* seccomp refuses, ptrace observes: both in traced runs. A timed run has
	 * neither (each seccomp filter adds ~30 ns to every syscall here, and
	 * the course measures syscalls); tracing already shows in a syscall's
	 * cost, so leaving the filter out of timed runs tells the agent nothing
	 * new. Landlock, the uid and no-new-privileges hold in every run. */
	plan.no_seccomp = !start_traced && !cfg.emulator;
	plan.judge = getpid();
	char err[256] = "";
	if (confine_prepare(&plan, err, sizeof(err)) != 0) {
		judge_error_record("the judge could not prepare the agent's confinement: %s", err);
		_exit(5);
	}

	/* Paths relative to the agent's directory (its cwd): the directories
	 * above it may not be searchable by the agent's uid. */
	const char *argv[12 + START_EXTRA_MAX];
	int ac = 0;
	if (cfg.emulator) {
		argv[ac++] = cfg.emulator;
		if (emulator_log) { /* counting runs only: the log costs time and file size */
			argv[ac++] = "-d";
			argv[ac++] = "strace";
			argv[ac++] = "-D";
			argv[ac++] = "strace.log";
		}
		argv[ac++] = "./prog";
	} else {
		argv[ac++] = "prog";
	}
	if (arg)
		argv[ac++] = arg;
	for (int i = 0; start_args && start_args[i] && i < START_EXTRA_MAX; i++)
		argv[ac++] = start_args[i];
	argv[ac] = NULL;
	char envhome[300], envtmp[300];
	snprintf(envhome, sizeof(envhome), "HOME=%s", A.dir);
	snprintf(envtmp, sizeof(envtmp), "TMPDIR=%s", A.dir);
	char envvdso[64] = "KATA_VDSO=kernel";
	if (start_vdso.mode == 1)
		snprintf(envvdso, sizeof(envvdso), "KATA_VDSO=none");
	else if (start_vdso.mode == 2)
		snprintf(envvdso, sizeof(envvdso), "KATA_VDSO=image@%llx,%zx", (unsigned long long)start_vdso.addr, start_vdso.len);
	const char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C", envhome, envtmp, start_vdso.mode ? envvdso : NULL, NULL };
	const char *envx[8 + START_EXTRA_MAX];
	int ec = 0;
	for (const char **e = envp; *e; e++)
		envx[ec++] = *e;
	for (int i = 0; start_env && start_env[i] && i < START_EXTRA_MAX; i++)
		envx[ec++] = start_env[i];
	envx[ec] = NULL;
	start_args = start_env = NULL;

	A.traced = start_traced && !cfg.emulator;
	A.dead = 0;
	A.status = 0;
	A.ntids = 0;
	A.crash_sig = 0;
	memset(pending, 0, sizeof(pending));
	pid_t pid = fork();
	if (pid < 0) {
		judge_error_record("the judge could not fork the agent: %s", strerror(errno));
		_exit(5);
	}
	if (pid == 0) {
		if (!cfg.nostdlib) {
			if (dup2(sv[1], KATA_AGENT_CHANNEL_FD) < 0)
				_exit(126);
		}
		confine_child(&plan, KATA_AGENT_CHANNEL_FD); /* closes the rest; limits, uid */
		if (!cfg.emulator) {
			if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
				_exit(126);
			raise(SIGSTOP);
		}
		if (confine_lock(&plan) != 0)
			_exit(126);
		if (cfg.emulator)
			execve(argv[0], (char *const *)argv, (char *const *)envx);
		else
			execveat(plan.exe_fd, "", (char *const *)argv, (char *const *)envx, AT_EMPTY_PATH);
		_exit(127);
	}
	confine_release(&plan);
	if (sv[1] >= 0)
		close(sv[1]);
	A.sock = sv[0];
	A.pid = pid;
	add_tid(pid);
	if (!cfg.emulator) {
		int st;
		if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
			/* The child could not confine itself or be traced (Yama
			 * ptrace_scope 3, a container's filter): the environment's fault. */
			judge_error_record("the agent could not be %s here (ptrace or the lock-down was refused): "
					   "run `syscall-katas doctor`",
					   WIFEXITED(st) && WEXITSTATUS(st) == 126 ? "confined and traced" : "started");
			A.dead = 1;
			A.status = st;
			agent_stop();
			if (judge_in_case)
				longjmp(judge_case_end, 1);
			_exit(5);
		}
		ptrace(PTRACE_SETOPTIONS, pid, 0,
		       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK |
				      PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL));
		/* Until exec: the child's own lock-down is not the learner's. */
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
}

static void close_counter(void)
{
	if (A.syscall_counter >= 0)
		close(A.syscall_counter);
	A.syscall_counter = -1;
}

void agent_stop(void)
{
	if (!A.pid)
		return;
	/* What the agent left running besides itself: other processes, not its threads. */
	int left = 0;
	pid_t left_pids[32];
	for (int i = 0; i < A.ntids; i++) {
		if (A.tids[i] == A.pid)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)A.pid, (int)A.tids[i]);
		if (!A.dead && access(path, F_OK) == 0)
			continue; /* a thread of the agent */
		if (left < 32)
			left_pids[left] = A.tids[i];
		left++;
	}
	for (int i = 0; i < A.ntids; i++)
		kill(A.tids[i], SIGKILL);
	kill(-A.pid, SIGKILL);
	kill(A.pid, SIGKILL);
	double deadline = now_s() + 2;
	while (A.ntids > 0 && now_s() < deadline) {
		int st;
		pid_t t = waitpid(-1, &st, __WALL);
		if (t < 0)
			break;
		on_wait(t, st);
	}
	if (A.sock >= 0)
		close(A.sock);
	close_counter();
	uring_watch_close();
	A.sock = -1;
	A.pid = 0;
	A.ntids = 0;
	/* A process of the agent's uid still alive now escaped tracing (CLONE_UNTRACED). */
	int escaped = keep_dir ? 0 : remove_dir();
	int named = left < 32 ? left : 32;
	if (escaped && !left)
		left = escaped; /* unnamed: the judge never saw them */
	if (left && judge_in_case)
		judge_leftover_record(left, left_pids, named);
}

/* ---- messages --------------------------------------------------------------- */

static unsigned char msgbuf[sizeof(struct kata_wire_request) + KATA_WIRE_MAX_BYTES + 64];

/* Waits for one message from the agent while tracing it; returns its length,
 * 0 when the agent died, -1 when time ran out. */
static ssize_t await_message(double timeout_s)
{
	double deadline = now_s() + timeout_s;
	for (;;) {
		drain_waits();
		if (A.sock >= 0) {
			ssize_t n = recv(A.sock, msgbuf, sizeof(msgbuf), MSG_DONTWAIT);
			if (n > 0)
				return n;
			if (n == 0 && !A.dead) {
				/* The agent closed its end: most often because it is exiting.
				 * Its end comes in a moment; say which it was. */
				for (int i = 0; i < 50 && !A.dead; i++) {
					usleep(2000);
					drain_waits();
				}
				return 0;
			}
		}
		if (A.dead)
			return 0;
		double left = deadline - now_s();
		if (left <= 0)
			return -1;
		struct pollfd p[2] = { { A.sock, POLLIN, 0 }, { A.sigfd, POLLIN, 0 } };
		int ms = (int)(left * 1000) + 1;
		if (poll(p, 2, ms > 100 ? 100 : ms) > 0 && (p[1].revents & POLLIN)) {
			struct signalfd_siginfo si;
			while (read(A.sigfd, &si, sizeof(si)) > 0)
				;
		}
	}
}

/* The agent died, exited or hung during a call: say so, end the case. */
static void agent_failed(ssize_t why)
{
	if (why < 0) {
		judge_agent_end_record("timeout", 0, 0);
	} else if (A.dead && WIFSIGNALED(A.status)) {
		int sig = WTERMSIG(A.status);
		if (A.crash_sig == sig) {
			uint64_t at = A.crash_pc;
			int in_learner = at >= cfg.learner_lo && at < cfg.learner_hi;
			judge_crash_record(sig, A.crash_addr, A.crash_pc, A.crash_sp, in_learner,
					   in_learner ? at - cfg.learner_lo : 0, A.crash_tid == A.pid, A.crash_stack);
		} else {
			judge_agent_end_record("signal", 0, sig);
		}
	} else if (A.dead && WIFEXITED(A.status)) {
		judge_agent_end_record("exit", WEXITSTATUS(A.status), 0);
	} else {
		judge_agent_end_record("closed", 0, 0);
	}
	agent_stop();
	if (judge_in_case)
		longjmp(judge_case_end, 1);
	_exit(0);
}

/* Reads /proc/<pid>/status's line `key` as a number, or -1. */
static long status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long v = -1;
	size_t k = strlen(key);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, k) == 0 && line[k] == ':') {
			v = strtol(line + k + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Starts the agent for a call and waits until it says it is ready. */
static void ensure_agent(void)
{
	if (A.pid)
		return;
	start_agent(NULL);
	ssize_t n = await_message(cfg.call_timeout_s);
	if (n <= 0 && A.dead && WIFEXITED(A.status) && (WEXITSTATUS(A.status) == 126 || WEXITSTATUS(A.status) == 127)) {
		/* No learner code runs before the ready message (constructors are
		 * refused when it is built): this is the lock-down or exec failing. */
		judge_error_record("the agent could not be %s here: run `syscall-katas doctor`",
				   WEXITSTATUS(A.status) == 126 ? "confined (Landlock or seccomp refused)" : "executed");
		agent_stop();
		if (judge_in_case)
			longjmp(judge_case_end, 1);
		_exit(5);
	}
	if (n <= 0)
		agent_failed(n);
	const struct kata_wire_ready *r = (const void *)msgbuf;
	if ((size_t)n < sizeof(*r) || r->magic != KATA_WIRE_MAGIC) {
		judge_agent_end_record("protocol", 0, 0);
		agent_stop();
		if (judge_in_case)
			longjmp(judge_case_end, 1);
		_exit(5);
	}
	/* The runtime's own lock-down (no new executable code) must be in place:
	 * if code ran before it, it is missing. */
	if (A.traced && status_field(A.pid, "Seccomp_filters") < 2) {
		judge_agent_end_record("lockdown", 0, 0);
		agent_stop();
		if (judge_in_case)
			longjmp(judge_case_end, 1);
		_exit(5);
	}
}

static struct kata_reply reply;

static void send_request(const char *name, const struct kata_args *a)
{
	struct kata_wire_request *q = (void *)msgbuf;
	size_t in_len = a && a->in_len ? a->in_len : 0;
	if (in_len > KATA_WIRE_MAX_BYTES || strlen(name) >= KATA_WIRE_NAME) {
		judge_error_record("kata_call(\"%s\") is too big for the channel (a bug in the kata's driver)", name);
		agent_stop();
		longjmp(judge_case_end, 1);
	}
	memset(q, 0, sizeof(*q));
	q->magic = KATA_WIRE_MAGIC;
	snprintf(q->name, sizeof(q->name), "%s", name);
	if (a)
		memcpy(q->arg, a->arg, sizeof(q->arg));
	q->in_len = (uint32_t)in_len;
	q->out_cap = a ? (uint32_t)(a->out_cap > KATA_WIRE_MAX_BYTES ? KATA_WIRE_MAX_BYTES : a->out_cap) : 0;
	if (in_len)
		memcpy(q->in, a->in, in_len);
	q->nfd = a ? (uint32_t)a->nfd : 0;
	struct iovec iov = { q, sizeof(*q) + in_len };
	union {
		char buf[CMSG_SPACE(sizeof(int) * KATA_WIRE_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (a && a->nfd > 0) {
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)a->nfd);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)a->nfd);
		memcpy(CMSG_DATA(c), a->fd, sizeof(int) * (size_t)a->nfd);
	}
	if (sendmsg(A.sock, &m, MSG_NOSIGNAL) < 0)
		agent_failed(0);
}

static void read_reply(ssize_t n, const char *name)
{
	const struct kata_wire_reply *r = (const void *)msgbuf;
	if ((size_t)n < sizeof(*r) || r->magic != KATA_WIRE_MAGIC || r->out_len > (size_t)n - sizeof(*r)) {
		judge_agent_end_record("protocol", 0, 0);
		agent_stop();
		longjmp(judge_case_end, 1);
	}
	if (r->status == KATA_WIRE_NO_SUCH_CALL) {
		judge_error_record("the agent has no call named '%s' (the kata's agent.c and check.c disagree)", name);
		agent_stop();
		longjmp(judge_case_end, 1);
	}
	memcpy(reply.ret, r->ret, sizeof(reply.ret));
	reply.out = r->out;
	reply.out_len = r->out_len;
}

/*
 * The io_uring katas: the descriptors the judge passed are used through the
 * ring only. A syscall of the agent's that names one (a read, a write, an
 * mmap of it, splice, fcntl...) is a way around the ring; only looking at it
 * (fstat), registering it, and closing it are not. The runtime's own calls
 * (it closes the descriptors after the call) are not the learner's.
 */
static void expect_ring_only(const struct kata_args *a)
{
	if (!a || a->nfd <= 0)
		return;
	for (int i = 0; i < window_n; i++) {
		const struct kata_syscall *s = &window[i];
		uint64_t at = s->ip - KATA_SYSCALL_INSN_BYTES;
		if (s->compat || (cfg.runtime_hi > cfg.runtime_lo && at >= cfg.runtime_lo && at < cfg.runtime_hi))
			continue;
		long nr = s->nr;
		if (nr == SYS_io_uring_setup || nr == SYS_io_uring_enter || nr == SYS_io_uring_register || nr == SYS_close ||
		    nr == SYS_fstat || nr == SYS_newfstatat || nr == SYS_statx || nr == SYS_lseek)
			continue;
		int64_t fd = nr == SYS_mmap ? (int64_t)s->arg[4] : (int64_t)s->arg[0];
		if (window_judge_fd[i] >= 0)
			fd = window_judge_fd[i]; /* the judge's file, under a number of the agent's making */
		else if (fd < KATA_AGENT_FD_BASE || fd >= KATA_AGENT_FD_BASE + a->nfd)
			continue;
		char detail[240];
		const char *what = kata_syscall_name(nr, 0);
		snprintf(detail, sizeof(detail),
			 "it made %s() on descriptor %lld, one the judge passed (or another to the same file): in this kata every operation on them is an "
			 "SQE the kernel runs from the ring (%s)",
			 what ? what : "a syscall", (long long)fd,
			 nr == SYS_mmap ? "a mapping of the file is a way around the ring, not through it" : "not a syscall of your own");
		kata_expect_true("the judge's descriptors are used through the ring only", 0, detail);
		return;
	}
}

const struct kata_reply *kata_call(const char *name, const struct kata_args *a)
{
	ensure_agent();
	call_nfiles = 0;
	for (int i = 0; cfg.io_uring && A.traced && a && i < a->nfd && i < KATA_WIRE_MAX_FDS; i++) {
		struct stat st;
		if (fstat(a->fd[i], &st) == 0 && (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			call_files[call_nfiles].dev = st.st_dev, call_files[call_nfiles++].ino = st.st_ino;
	}
	window_open = 1;
	window_n = 0;
	window_total = 0;
	uring_watch_begin(A.pid);
	send_request(name, a);
	ssize_t n = await_message(cfg.call_timeout_s);
	uring_watch_end();
	window_open = 0;
	if (n <= 0)
		agent_failed(n);
	read_reply(n, name);
	reply.traced = A.traced;
	reply.sc = window;
	reply.nsc = window_n;
	reply.nsc_total = window_total;
	if (cfg.io_uring && A.traced)
		expect_ring_only(a);
	return &reply;
}

static struct kata_exit exit_info;

const struct kata_exit *kata_run_agent(const char *arg, double timeout_s)
{
	agent_stop();
	start_agent(arg);
	window_open = 1;
	window_n = 0;
	window_total = 0;
	ssize_t n = await_message(timeout_s);
	window_open = 0;
	memset(&exit_info, 0, sizeof(exit_info));
	exit_info.timed_out = n < 0;
	if (A.dead && WIFEXITED(A.status)) {
		exit_info.exited = 1;
		exit_info.code = WEXITSTATUS(A.status);
	} else if (A.dead && WIFSIGNALED(A.status)) {
		exit_info.signal = WTERMSIG(A.status);
	}
	exit_info.sc = window;
	exit_info.nsc = window_n;
	exit_info.nsc_total = window_total;
	exit_info.traced = A.traced;
	agent_stop();
	return &exit_info;
}

void kata_call_loop(const char *name, uint64_t iters)
{
	struct kata_args a;
	memset(&a, 0, sizeof(a));
	a.arg[0] = (int64_t)iters;
	kata_call(name, &a);
}

void kata_pin_and_start_agent(void)
{
	kata_pin_to_current_cpu();
	ensure_agent();
}

int kata_agent_pid(void)
{
	ensure_agent();
	return (int)A.pid;
}

void kata_agent_faults(struct kata_faults *out)
{
	out->minor = out->major = -1;
	if (cfg.emulator)
		return;
	struct proc_stat st;
	if (proc_stat_read(kata_agent_pid(), &st) == 0) {
		out->minor = st.minflt;
		out->major = st.majflt;
	}
}

int kata_agent_file(const char *name, int flags, unsigned mode)
{
	ensure_agent();
	if (strchr(name, '/'))
		return -EINVAL; /* a name in that directory, nothing below or above it */
	int dir = open(A.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		return -errno;
	int fd = openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, (mode_t)mode);
	int err = errno;
	close(dir);
	if (fd < 0)
		return -err;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL; /* a FIFO, a device, a directory: not the file asked for */
	}
	if ((flags & O_CREAT) && geteuid() == 0 && st.st_uid == 0 && fchown(fd, A.uid, A.uid) != 0) {
		err = errno;
		close(fd);
		return -err;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

long long kata_agent_written(void)
{
	/* Kept open per agent: a reading is one pread (the checks run inside the timing window). */
	static int fd = -1, pid = -1;
	char text[512];
	if (pid != kata_agent_pid()) {
		if (fd >= 0)
			close(fd);
		pid = kata_agent_pid();
		snprintf(text, sizeof(text), "/proc/%d/io", pid);
		fd = open(text, O_RDONLY | O_CLOEXEC);
	}
	ssize_t n = fd < 0 ? -1 : pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return -1;
	text[n] = 0;
	const char *w = strstr(text, "wchar:");
	return w ? strtoll(w + 6, NULL, 10) : -1;
}

long kata_agent_read(uint64_t addr, void *buf, size_t len)
{
	ensure_agent();
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(A.pid, &local, 1, &remote, 1, 0);
	return n < 0 ? -errno : n;
}

/* ---- counting ------------------------------------------------------------------- */

/* Counts one syscall; returns its row (-1 when the table is full). */
static int count_add(struct count_result *out, const char *name, long nr, int compat, int elsewhere)
{
	char unknown[32];
	if (!name) {
		snprintf(unknown, sizeof(unknown), "syscall_%ld", nr);
		name = unknown;
	}
	out->total++;
	out->elsewhere += elsewhere;
	for (int i = 0; i < out->nrows; i++)
		if (out->rows[i].compat == compat && strcmp(out->rows[i].name, name) == 0) {
			out->rows[i].n++;
			out->rows[i].elsewhere += elsewhere;
			return i;
		}
	if (out->nrows < COUNT_ROWS) {
		snprintf(out->rows[out->nrows].name, sizeof(out->rows[0].name), "%s", name);
		out->rows[out->nrows].compat = compat;
		out->rows[out->nrows].n = 1;
		out->rows[out->nrows].elsewhere = elsewhere;
		out->rows[out->nrows].errors = 0;
		out->rows[out->nrows].ns = 0;
		return out->nrows++;
	}
	return -1;
}

/* qemu's -strace log: "PID name(args) = ret". The count call's syscalls are
 * the lines between the runtime's recvmsg that took the request and its
 * sendmsg of the reply. */
static void count_from_log(struct count_result *out)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/strace.log", A.dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[4096];
	int state = 0; /* 0: before the request, 1: counting, 2: done */
	char chan[32];
	snprintf(chan, sizeof(chan), "(%d,", KATA_AGENT_CHANNEL_FD);
	while (fgets(line, sizeof(line), f) && state < 2) {
		char *p = line;
		while (*p >= '0' && *p <= '9')
			p++;
		while (*p == ' ')
			p++;
		char name[64];
		int k = 0;
		while (k < 63 && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			name[k++] = *p++;
		name[k] = 0;
		if (*p != '(' || !k)
			continue;
		int on_channel = strncmp(p, chan, strlen(chan)) == 0;
		if (state == 0 && on_channel && strcmp(name, "recvmsg") == 0) {
			state = 1;
			continue;
		}
		if (state == 1 && on_channel && strcmp(name, "sendmsg") == 0) {
			state = 2;
			continue;
		}
		if (state == 1)
			count_add(out, name, -1, 0, 0);
	}
	fclose(f);
}

void agent_trace_cases(struct count_result *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
	window_hist = cfg.emulator ? NULL : out;
}

void agent_count(const char *name, uint64_t iters, struct count_result *out)
{
	memset(out, 0, sizeof(*out));
	struct kata_args a;
	memset(&a, 0, sizeof(a));
	a.arg[0] = (int64_t)iters;
	window_hist = cfg.emulator ? NULL : out; /* under an emulator the counts come from its log */
	if (cfg.emulator) {
		agent_stop();
		emulator_log = 1;
	}
	kata_call(name, &a);
	emulator_log = 0;
	window_hist = NULL;
	out->traced = reply.traced;
	memcpy(out->ret, reply.ret, sizeof(out->ret));
	if (cfg.emulator) {
		keep_dir = 1;
		agent_stop();
		keep_dir = 0;
		count_from_log(out);
		(void)remove_dir();
	}
}

/* ---- timing ---------------------------------------------------------------------- */

int judge_tracepoint_id(const char *event)
{
	static const char *roots[] = { "/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events" };
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s/id", roots[i], event);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		int id = -1;
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
		if (id >= 0)
			return id;
	}
	return -1;
}

/*
 * A counter of the agent's syscalls, for one audit call. It exists only for
 * that call: while a raw_syscalls tracepoint is registered, every task on
 * the machine takes the slow syscall path (~25 ns here, ~90 ns for the one
 * counted), the judge's own reference loop included.
 */
static void open_syscall_counter(void)
{
	close_counter();
	if (A.traced || cfg.emulator)
		return;
	int id = judge_tracepoint_id("raw_syscalls/sys_enter");
	if (id < 0)
		return;
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	attr.inherit = 1;
	A.syscall_counter = (int)syscall(SYS_perf_event_open, &attr, A.pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static long long counter_value(void)
{
	long long v = -1;
	if (A.syscall_counter < 0 || read(A.syscall_counter, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return -1;
	return v;
}

void agent_timed_call(const char *name, uint64_t iters, int audit, struct timed_result *out)
{
	ensure_agent();
	static clockid_t clock;
	static pid_t clock_of;
	if (clock_of != A.pid) {
		if (clock_getcpuclockid(A.pid, &clock) != 0)
			clock = CLOCK_MONOTONIC;
		clock_of = A.pid;
	}
	struct kata_args a;
	memset(&a, 0, sizeof(a));
	a.arg[0] = (int64_t)iters;
	struct timespec c0, c1, w0, w1;
	if (audit)
		open_syscall_counter();
	uring_watch_begin(audit ? A.pid : 0); /* not an audit: not counted, seen is -1 */
	int counting = audit && A.syscall_counter >= 0;
	long long s0 = counting ? counter_value() : -1;
	clock_gettime(clock, &c0);
	clock_gettime(CLOCK_MONOTONIC, &w0);
	window_open = 0;
	send_request(name, &a);
	ssize_t n = await_message(cfg.call_timeout_s);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	clock_gettime(clock, &c1);
	long long s1 = counting ? counter_value() : -1;
	close_counter();
	uring_watch_end();
	/* Closed now, in the audit's time (which is not counted): closing the last
	 * counter waits for RCU, and in the next timed call it would be timed. */
	uring_watch_close();
	if (n <= 0)
		agent_failed(n);
	read_reply(n, name);
	memcpy(out->ret, reply.ret, sizeof(out->ret));
	out->before_ns = (int64_t)w0.tv_sec * 1000000000 + w0.tv_nsec;
	out->after_ns = (int64_t)w1.tv_sec * 1000000000 + w1.tv_nsec;
	out->wall_ns = (double)(w1.tv_sec - w0.tv_sec) * 1e9 + (double)(w1.tv_nsec - w0.tv_nsec);
	out->cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 + (double)(c1.tv_nsec - c0.tv_nsec);
	out->syscalls = s0 >= 0 && s1 >= s0 ? (long)(s1 - s0) : -1;
}
