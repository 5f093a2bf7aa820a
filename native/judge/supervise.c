/*
 * supervise: runs one untrusted program (a kata program, or strace/qemu in
 * front of one) and makes sure that nothing it started outlives it. Built by
 * the runner with the host compiler (runner/src/build.ts) and put in front of
 * every program sandbox.ts runs, under either sandbox (the native addon or
 * Node's spawn).
 *
 *   supervise --report-fd N --timeout-ms N [--output-limit BYTES]
 *             [--rlimit cpu|as|fsize|nofile|nproc=VALUE]... -- PROG ARGS...
 *
 * --report-fd: the report is the last line written there, once every process
 * of the run is dead, as {"t":"supervisor",...}: the runner's results channel
 * (fd 3), which the judge writes its records to and closes in the agent, so
 * no learner code ever holds it. --output-limit: when stdout or stderr is a
 * regular file (the native addon's way), the program is stopped once either
 * grows past BYTES. --rlimit: set on the program before exec, never above the current hard
 * limit (the Node sandbox's way to the limits the addon sets itself).
 *
 * Why a process of its own: a process group is not a container. A program
 * that calls setsid() (or setpgid()) leaves the group, and `kill(-pgid)` no
 * longer reaches it; once its parent is gone it is re-parented to init and
 * nothing links it to the run any more. This supervisor is a child subreaper
 * (PR_SET_CHILD_SUBREAPER): every orphan in the tree below it, whatever its
 * session or group, is re-parented to *it*, so "what the program started" is
 * exactly "the processes whose parent chain leads to the supervisor", and
 * "all of them are gone" is exactly "the supervisor has no children left"
 * (wait() says ECHILD). When the program ends, times out, floods its output
 * or the runner asks (SIGTERM) or goes away (SIGHUP, the parent-death
 * signal), the supervisor kills that tree, pid by pid, round after round,
 * until it has no children, then writes a one-line JSON report and exits 0.
 *
 * What protects the supervisor from the learner's code: it runs the judge,
 * not the learner's program, and the judge confines the agent it starts
 * (native/judge/confine.c: Landlock, seccomp, its own uid as root), which
 * cannot signal, trace or read this process. It is also not dumpable.
 *
 * The exit status of the supervisor is not the program's: the report is.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc-stat.h"


#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

/* How long the sweep may take before it gives up (a fork bomb as root). */
#define SWEEP_BUDGET_MS 5000
/* How many leftover processes the report names. */
#define MAX_NAMED 32
/* How often, while waiting, the size of file-backed stdout/stderr is looked at. */
#define OUTPUT_TICK_MS 50

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the report -------------------------------------------------------- */

static char report[16384];
static size_t report_len;

static void rep(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void rep(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(report + report_len, sizeof(report) - report_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		report_len += (size_t)n < sizeof(report) - report_len ? (size_t)n : sizeof(report) - report_len - 1;
}

/* A JSON string of untrusted text (a process name the program chose). */
static void rep_str(const char *s, size_t n)
{
	rep("\"");
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			rep("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			rep("\\u%04x", c);
		else
			rep("%c", c);
	}
	rep("\"");
}

/* ---- the process tree -------------------------------------------------- */

struct proc {
	pid_t pid, ppid, pgid;
	char state;
	char comm[17];
};

static struct proc *procs;
static size_t nprocs, cap_procs;

static int read_stat(pid_t pid, struct proc *out)
{
	struct proc_stat st;
	if (proc_stat_read(pid, &st) != 0)
		return -1;
	out->pid = pid;
	out->ppid = st.ppid;
	out->pgid = st.pgid;
	out->state = st.state;
	memcpy(out->comm, st.comm, sizeof(out->comm));
	return 0;
}

static void snapshot(void)
{
	nprocs = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (nprocs == cap_procs) {
			size_t cap = cap_procs ? cap_procs * 2 : 1024;
			struct proc *grown = realloc(procs, cap * sizeof(*procs));
			if (!grown)
				break;
			procs = grown;
			cap_procs = cap;
		}
		if (read_stat((pid_t)pid, &procs[nprocs]) == 0)
			nprocs++;
	}
	closedir(d);
}

static int by_pid(const void *x, const void *y)
{
	const struct proc *a = x, *b = y;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

static const struct proc *find(pid_t pid)
{
	struct proc key;
	key.pid = pid;
	return bsearch(&key, procs, nprocs, sizeof(*procs), by_pid);
}

/* Marks, in `mark`, every process whose parent chain leads to `root`
 * (procs sorted by pid; a chain longer than the table is a loop: not ours). */
static size_t descendants(pid_t root, unsigned char *mark)
{
	qsort(procs, nprocs, sizeof(*procs), by_pid);
	size_t found = 0;
	for (size_t i = 0; i < nprocs; i++) {
		mark[i] = 0;
		const struct proc *p = &procs[i];
		for (size_t depth = 0; p && p->pid != root && depth <= nprocs; depth++) {
			if (p->ppid == root) {
				mark[i] = procs[i].pid != root;
				break;
			}
			p = p->ppid > 0 ? find(p->ppid) : NULL;
		}
		found += mark[i];
	}
	return found;
}

/* ---- the run ----------------------------------------------------------- */

static pid_t prog_pid;
static int prog_status;
static int prog_reaped;

static void reap_available(void)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (p == prog_pid) {
			prog_status = st;
			prog_reaped = 1;
		}
	}
}

static int have_children(void)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	/* WNOWAIT: look, do not reap. ECHILD: no child at all, running or zombie. */
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0)
		return errno != ECHILD;
	return 1;
}

struct named {
	pid_t pid;
	char comm[17];
};

/*
 * Kills every descendant (the program too, if it still runs) until none is
 * left. Records in `left` the processes other than the program that were
 * still running (not zombies) in the first round.
 */
static void sweep(pid_t self, struct named *left, unsigned *nleft, unsigned *total_left, int *rounds,
		  int *gave_up)
{
	double start = now_ms();
	/* A storm of runnable processes must not starve the one killing them
	 * (allowed as root; harmless to fail otherwise). */
	setpriority(PRIO_PROCESS, 0, -20);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	unsigned char *mark = NULL;
	size_t mark_cap = 0;
	*nleft = *total_left = 0;
	*rounds = 0;
	*gave_up = 0;
	for (;;) {
		reap_available();
		if (!have_children())
			break;
		if (now_ms() - start > SWEEP_BUDGET_MS) {
			*gave_up = 1;
			break;
		}
		snapshot();
		if (nprocs > mark_cap) {
			unsigned char *grown = realloc(mark, nprocs);
			if (!grown)
				break;
			mark = grown;
			mark_cap = nprocs;
		}
		descendants(self, mark);
		for (size_t i = 0; i < nprocs; i++) {
			if (!mark[i])
				continue;
			int running = procs[i].state != 'Z' && procs[i].state != 'X';
			if (*rounds == 0 && running && procs[i].pid != prog_pid) {
				if (*nleft < MAX_NAMED) {
					left[*nleft].pid = procs[i].pid;
					memcpy(left[*nleft].comm, procs[i].comm, sizeof(left[*nleft].comm));
					(*nleft)++;
				}
				(*total_left)++;
			}
			if (!running)
				continue;
			kill(procs[i].pid, SIGKILL);
			/* A group whose leader is ours is ours (only its session's members
			 * could join it): one kill takes all of it at once, and the kernel
			 * makes that atomic with fork(), so no member is born past it. */
			if (procs[i].pgid == procs[i].pid)
				kill(-procs[i].pid, SIGKILL);
		}
		(*rounds)++;
		/* Let the killed die and be re-parented to us; reap as they come. */
		struct timespec ms = { 0, 2000000 };
		sigtimedwait(&chld, NULL, &ms);
	}
	free(mark);
}

struct limit_arg {
	const char *name;
	int resource;
};
static const struct limit_arg limit_names[] = {
	{ "cpu", RLIMIT_CPU }, { "as", RLIMIT_AS }, { "fsize", RLIMIT_FSIZE }, { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
};
#define NLIMITS (sizeof(limit_names) / sizeof(*limit_names))

/* Lowers a limit of this process (never raises a hard limit we do not have).
 * RLIMIT_CPU's hard limit goes a second past the soft one: the SIGXCPU a
 * program may catch becomes a SIGKILL it cannot. */
static void apply_limit(int resource, unsigned long long value)
{
	struct rlimit cur, want;
	if (getrlimit(resource, &cur) != 0)
		return;
	want.rlim_cur = (rlim_t)value;
	want.rlim_max = resource == RLIMIT_CPU ? (rlim_t)value + 1 : (rlim_t)value;
	if (cur.rlim_max != RLIM_INFINITY && want.rlim_max > cur.rlim_max)
		want.rlim_max = cur.rlim_max;
	if (want.rlim_cur > want.rlim_max)
		want.rlim_cur = want.rlim_max;
	setrlimit(resource, &want);
}

static int usage(void)
{
	fprintf(stderr, "usage: supervise --report-fd N --timeout-ms N [--output-limit BYTES] [--rlimit NAME=VALUE]... -- PROG ARGS...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int rfd = -1;
	double timeout_ms = 0;
	long long output_limit = -1;
	int limit_set[NLIMITS] = { 0 };
	unsigned long long limit_value[NLIMITS] = { 0 };
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--report-fd") == 0)
			rfd = atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout-ms") == 0)
			timeout_ms = atof(argv[++i]);
		else if (strcmp(argv[i], "--output-limit") == 0)
			output_limit = atoll(argv[++i]);
		else if (strcmp(argv[i], "--rlimit") == 0) {
			const char *spec = argv[++i];
			const char *eq = strchr(spec, '=');
			unsigned k = 0;
			for (; eq && k < NLIMITS; k++)
				if (strlen(limit_names[k].name) == (size_t)(eq - spec) && strncmp(spec, limit_names[k].name, (size_t)(eq - spec)) == 0)
					break;
			if (!eq || k == NLIMITS)
				return usage();
			limit_set[k] = 1;
			limit_value[k] = strtoull(eq + 1, NULL, 10);
		} else
			return usage();
	}
	if (rfd < 0 || timeout_ms <= 0 || i >= argc)
		return usage();
	char **prog_argv = argv + i;

	if (fcntl(rfd, F_GETFD) < 0) {
		fprintf(stderr, "supervise: no descriptor %d to report on: %s\n", rfd, strerror(errno));
		return 111;
	}

	pid_t self = getpid();
	pid_t runner = getppid();
	/* The runner dies: we hear SIGHUP, and clean up. */
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != runner)
		runner = -1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_DUMPABLE, 0);

	sigset_t waitset, old;
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	sigaddset(&waitset, SIGHUP);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGINT);
	sigprocmask(SIG_BLOCK, &waitset, &old);

	int errpipe[2];
	if (pipe2(errpipe, O_CLOEXEC) != 0) {
		rep("{\"t\":\"supervisor\",\"v\":1,\"setupError\":");
		rep_str(strerror(errno), 200);
		rep("}\n");
		if (write(rfd, report, report_len) < 0)
			return 111;
		return 0;
	}

	/* Our own options (the report's path) are nobody's business: gone from
	 * /proc/<pid>/cmdline before the program starts. */
	for (char **a = argv + 1; a < prog_argv; a++)
		memset(*a, 0, strlen(*a));

	double started = now_ms();
	prog_pid = fork();
	if (prog_pid == 0) {
		/* The program gets a process group of its own: a kill(0, ...) of
		 * its own stays among its own. */
		setpgid(0, 0);
		/* Should the supervisor itself die (it cannot be signalled from
		 * below; the OOM killer could), the program goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(127);
		for (unsigned k = 0; k < NLIMITS; k++)
			if (limit_set[k])
				apply_limit(limit_names[k].resource, limit_value[k]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(prog_argv[0], prog_argv);
		int e = errno;
		if (write(errpipe[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	int fork_errno = errno;
	close(errpipe[1]);

	int exec_errno = 0;
	if (prog_pid < 0) {
		exec_errno = fork_errno;
	} else {
		int e;
		ssize_t n;
		do
			n = read(errpipe[0], &e, sizeof(e));
		while (n < 0 && errno == EINTR);
		if (n == sizeof(e))
			exec_errno = e;
	}
	close(errpipe[0]);

	int timed_out = 0;
	const char *stopped = NULL;
	const char *flooded = NULL;
	long long flood_size = 0;
	if (prog_pid > 0 && !exec_errno) {
		struct stat st1, st2;
		int watch1 = output_limit >= 0 && fstat(1, &st1) == 0 && S_ISREG(st1.st_mode);
		int watch2 = output_limit >= 0 && fstat(2, &st2) == 0 && S_ISREG(st2.st_mode);
		double deadline = started + timeout_ms;
		for (;;) {
			reap_available();
			if (prog_reaped)
				break;
			if (watch1 && fstat(1, &st1) == 0 && st1.st_size > output_limit) {
				flooded = "stdout";
				flood_size = (long long)st1.st_size;
				break;
			}
			if (watch2 && fstat(2, &st2) == 0 && st2.st_size > output_limit) {
				flooded = "stderr";
				flood_size = (long long)st2.st_size;
				break;
			}
			double left = deadline - now_ms();
			if (left <= 0) {
				timed_out = 1;
				break;
			}
			if ((watch1 || watch2) && left > OUTPUT_TICK_MS)
				left = OUTPUT_TICK_MS;
			long long ns = (long long)(left * 1e6) + 1;
			struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
			siginfo_t si;
			int sig = sigtimedwait(&waitset, &si, &ts);
			if (sig == SIGHUP || sig == SIGTERM || sig == SIGINT) {
				stopped = sig == SIGHUP ? "the runner went away" : "the runner stopped it";
				break;
			}
		}
		/* Still running: its group first (its pid is not reaped, so the group
		 * id cannot have been reused), then the tree. */
		if (!prog_reaped)
			kill(-prog_pid, SIGKILL);
	}
	double ended = now_ms();

	struct named left[MAX_NAMED];
	unsigned nleft = 0, total_left = 0;
	int rounds = 0, gave_up = 0;
	double sweep_start = now_ms();
	sweep(self, left, &nleft, &total_left, &rounds, &gave_up);
	double sweep_ms = now_ms() - sweep_start;
	/* What is still there if we gave up. */
	unsigned remaining = 0;
	if (gave_up) {
		snapshot();
		unsigned char *mark = calloc(nprocs ? nprocs : 1, 1);
		if (mark)
			remaining = (unsigned)descendants(self, mark);
		free(mark);
	}

	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_CHILDREN, &ru);

	rep("{\"t\":\"supervisor\",\"v\":1,\"pid\":%d,\"execErrno\":%d", (int)prog_pid, exec_errno);
	if (exec_errno) {
		rep(",\"execError\":");
		rep_str(strerror(exec_errno), 200);
	}
	rep(",\"reaped\":%s", prog_reaped ? "true" : "false");
	if (prog_reaped && WIFEXITED(prog_status))
		rep(",\"code\":%d", WEXITSTATUS(prog_status));
	if (prog_reaped && WIFSIGNALED(prog_status))
		rep(",\"signal\":%d", WTERMSIG(prog_status));
	rep(",\"timedOut\":%s", timed_out ? "true" : "false");
	if (stopped) {
		rep(",\"stopped\":");
		rep_str(stopped, 100);
	}
	if (flooded)
		rep(",\"flooded\":\"%s\",\"floodBytes\":%lld", flooded, flood_size);
	rep(",\"durationMs\":%.3f,\"sweepMs\":%.3f,\"sweepRounds\":%d", ended - started, sweep_ms, rounds);
	rep(",\"leftovers\":%u,\"named\":[", total_left);
	for (unsigned k = 0; k < nleft; k++) {
		rep("%s{\"pid\":%d,\"name\":", k ? "," : "", (int)left[k].pid);
		rep_str(left[k].comm, 16);
		rep("}");
	}
	rep("],\"unkilled\":%u", remaining);
	rep(",\"userUs\":%.0f,\"systemUs\":%.0f,\"maxRssKb\":%ld,\"voluntarySwitches\":%ld,\"involuntarySwitches\":%ld}\n",
	    (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec,
	    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec, ru.ru_maxrss, ru.ru_nvcsw, ru.ru_nivcsw);
	size_t off = 0;
	while (off < report_len) {
		ssize_t n = write(rfd, report + off, report_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	return 0;
}
