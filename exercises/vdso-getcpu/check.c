/*
 * Driver for vdso-getcpu: the learner's vdso_gettimeofday(), vdso_time() and
 * vdso_getcpu() call the process's own vDSO. The judge checks each answer
 * from its own side: the time against its own gettimeofday() and time() read
 * just before and just after the call (the same clock, the kernel's, read
 * through the judge's vDSO); the CPU against where the judge put the agent
 * (sched_setaffinity on every thread of it: it can run nowhere else, and it
 * cannot change that itself), moved from one CPU to another between calls.
 * That no call enters the kernel is the counting run's part (kata.json).
 */
#define _GNU_SOURCE
#include "kata.h"
#include "judge/proc-stat.h"
#include "kata-vdso.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define GETCPU_POISON 0xdeadbeefu /* what the agent stores before each call (agent.c) */

static const struct kata_args no_args;

/* Where `name` is in the vDSO (the judge's, the same kernel image as the
 * agent's): for a learner whose lookup went somewhere else. */
static void note_vdso(const char *name)
{
	int64_t off = kata_live_vdso_lookup(KATA_VDSO_X86_64_VERSION, name);
	if (off >= 0)
		kata_note("this kernel's vDSO has %s@%s at base + 0x%llx", name, KATA_VDSO_X86_64_VERSION,
			  (unsigned long long)off);
	else
		kata_note("this kernel's vDSO has no %s@%s", name, KATA_VDSO_X86_64_VERSION);
}

/*
 * A syscall the vDSO made itself: its clock code falls back to the syscall
 * when the machine's clocksource is not one it can read from user space (no
 * usable TSC: hpet, acpi_pm, a hypervisor's clock without a stable page).
 * Then nothing can pass the counting run here, whatever the learner wrote:
 * an error of the machine, said so, rather than their fail.
 */
static void expect_vdso_stays_in_user_space(const struct kata_reply *r)
{
	if (!r->traced)
		return;
	uint64_t base = 0, size = 0;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *s = &r->sc[i];
		if (s->origin != KATA_FROM_ELSEWHERE)
			continue;
		if (!base) {
			base = kata_agent_vdso_base();
			size = base ? kata_image_size(kata_image_live()) : 0;
		}
		if (!(s->ip > base && s->ip - base <= size))
			continue;
		static char what[300];
		char source[64] = "unknown";
		FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
		if (f) {
			if (fscanf(f, "%63s", source) != 1)
				snprintf(source, sizeof(source), "unknown");
			fclose(f);
		}
		snprintf(what, sizeof(what),
			 "the vDSO itself made a %s syscall: this machine's clocksource (%s) is not one it reads in user "
			 "space, so no answer here can avoid the kernel",
			 kata_syscall_name(s->nr, s->compat) ? kata_syscall_name(s->nr, s->compat) : "", source);
		kata_setup_failed(what);
	}
	/* The learner's own syscalls: the lesson is that these calls need none. */
	if (r->nsc > 0) {
		static char detail[200];
		const char *name = kata_syscall_name(r->sc[0].nr, r->sc[0].compat);
		snprintf(detail, sizeof(detail), "it made %d system call%s (the first: %s): the vDSO answers this in user space",
			 r->nsc, r->nsc == 1 ? "" : "s", name ? name : "unknown");
		kata_expect_true("the call stays in user space (no syscall)", 0, detail);
	}
}

/* ---- the time calls ------------------------------------------------------- */

static long long usec_of(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

static void gettimeofday_case(void)
{
	int n = (int)kata_rand_range(4, 8);
	kata_agent_pid(); /* started now, so that no call's window holds its start-up */
	kata_note("%d calls, each between two gettimeofday() reads in the judge", n);
	note_vdso("__vdso_gettimeofday");
	for (int i = 0; i < n; i++) {
		struct timeval before, after;
		gettimeofday(&before, NULL);
		const struct kata_reply *r = kata_call("gettimeofday", &no_args);
		gettimeofday(&after, NULL);
		expect_vdso_stays_in_user_space(r);
		kata_expect_i64("vdso_gettimeofday() return value", 0, r->ret[0]);
		long long sec = r->ret[1], usec = r->ret[2];
		char detail[400];
		if (sec == (long long)GETCPU_POISON && usec == (long long)GETCPU_POISON) {
			kata_expect_true("vdso_gettimeofday() filled in *tv", 0,
					 "*tv still holds what the agent put there before the call: nothing wrote it");
			continue;
		}
		if (usec < 0 || usec > 999999) {
			snprintf(detail, sizeof(detail), "tv_usec = %lld is not a count of microseconds (0 to 999999)", usec);
			kata_expect_true("vdso_gettimeofday()'s tv_usec", 0, detail);
			continue;
		}
		long long got = sec * 1000000 + usec, lo = usec_of(&before), hi = usec_of(&after);
		int ok = got >= lo && got <= hi;
		if (!ok) {
			long long off = got < lo ? lo - got : got - hi;
			snprintf(detail, sizeof(detail),
				 "it said %lld.%06lld; the judge's gettimeofday() read %lld.%06lld just before the call and "
				 "%lld.%06lld just after: %lld.%06lld s %s that",
				 sec, usec, (long long)before.tv_sec, (long long)before.tv_usec, (long long)after.tv_sec,
				 (long long)after.tv_usec, off / 1000000, off % 1000000, got < lo ? "before" : "after");
		}
		kata_expect_true("vdso_gettimeofday() between the judge's gettimeofday() before and after the call", ok,
				 ok ? NULL : detail);
	}
}

static void time_case(void)
{
	int n = (int)kata_rand_range(4, 8);
	kata_agent_pid();
	kata_note("%d calls, each between two time() reads in the judge", n);
	note_vdso("__vdso_time");
	for (int i = 0; i < n; i++) {
		long long before = (long long)time(NULL);
		const struct kata_reply *r = kata_call("time", &no_args);
		long long after = (long long)time(NULL);
		struct timeval tv;
		gettimeofday(&tv, NULL);
		expect_vdso_stays_in_user_space(r);
		long long got = r->ret[0];
		/* time() reads the seconds the kernel stores at each tick;
		 * gettimeofday() counts on from there, and may be up to a tick
		 * ahead: a vdso_time() made of vdso_gettimeofday() is slower, not
		 * wrong. */
		int ok = got >= before && (got <= after || got <= (long long)tv.tv_sec);
		char detail[300];
		if (!ok)
			snprintf(detail, sizeof(detail),
				 "it returned %lld; the judge's time() read %lld just before the call and %lld just after%s", got,
				 before, after,
				 got < 0 && got > -4096 ? " (an error number, which the vDSO's time() never returns: did your lookup find __vdso_time?)" : "");
		kata_expect_true("vdso_time() between the judge's time() before and after the call", ok, ok ? NULL : detail);
	}
}

/* ---- the CPU ------------------------------------------------------------------ */

/*
 * The CPUs the judge may use. It pins itself to one for the cases, so its
 * own mask says one; the set it was started with is its parent's (the
 * runner's supervisor, never pinned), which it inherited. Where the parent
 * cannot be asked, every CPU the machine has: pin_agent() then keeps those
 * the kernel lets the agent run on.
 */
static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	pid_t parent = getppid();
	if (parent <= 1 || sched_getaffinity(parent, sizeof(set), &set) != 0 || CPU_COUNT(&set) == 0) {
		long conf = sysconf(_SC_NPROCESSORS_CONF);
		CPU_ZERO(&set);
		for (long c = 0; c < conf && c < CPU_SETSIZE; c++)
			CPU_SET((int)c, &set);
	}
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Every thread of the agent (it has one; a runtime may have more) may run on
 * `cpu` only. 0, or -1 when the kernel refuses that CPU (not in the agent's
 * cpuset: EINVAL). */
static int pin_agent(int pid, int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	int n = 0;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			int tid = atoi(e->d_name);
			if (tid <= 0)
				continue;
			if (sched_setaffinity(tid, sizeof(set), &set) != 0) {
				if (errno == ESRCH)
					continue; /* a thread that just ended */
				closedir(d);
				if (errno == EINVAL)
					return -1;
				kata_setup_failed("sched_setaffinity() on the agent's threads");
			}
			n++;
		}
		closedir(d);
	}
	if (n == 0 && sched_setaffinity(pid, sizeof(set), &set) != 0) {
		if (errno == EINVAL)
			return -1;
		kata_setup_failed("sched_setaffinity() on the agent");
	}
	cpu_set_t now;
	CPU_ZERO(&now);
	if (sched_getaffinity(pid, sizeof(now), &now) != 0 || !CPU_EQUAL(&now, &set))
		kata_setup_failed("the agent's CPU affinity did not change to the one CPU the judge set");
	return 0;
}

/* The CPU the agent's main thread last ran on (field 39 of /proc/<pid>/stat). -1 if unknown. */
static int last_cpu_of(int pid)
{
	struct proc_stat st;
	return proc_stat_read(pid, &st) == 0 ? st.processor : -1;
}

/* The NUMA node of `cpu`: the nodeN entry of /sys/devices/system/cpu/cpuC; 0
 * on a kernel without NUMA (no /sys/devices/system/node); -1 if unknown. */
static int node_of(int cpu)
{
	char path[64];
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	DIR *d = opendir(path);
	int node = -1;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL && node < 0)
			if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' && e->d_name[4] <= '9')
				node = atoi(e->d_name + 4);
		closedir(d);
	}
	struct stat st;
	if (node < 0 && stat("/sys/devices/system/node", &st) != 0)
		node = 0;
	return node;
}

/* One step: the agent pinned to `cpu` (it was on `from`, -1 for the first);
 * vdso_getcpu(&cpu, &node), then vdso_getcpu(&cpu, NULL). */
static void getcpu_on(int pid, int cpu, int from)
{
	if (pin_agent(pid, cpu) != 0)
		kata_setup_failed("the kernel refused to move the agent to a CPU the judge may use");
	int node = node_of(cpu);
	char what[200], detail[400];
	if (from < 0)
		snprintf(what, sizeof(what), "vdso_getcpu() once the judge pinned the agent to CPU %d", cpu);
	else
		snprintf(what, sizeof(what), "vdso_getcpu() once the judge moved the agent from CPU %d to CPU %d", from, cpu);
	for (int no_node = 0; no_node < 2; no_node++) {
		struct kata_args a = { .arg = { no_node } };
		const struct kata_reply *r = kata_call("getcpu", &a);
		expect_vdso_stays_in_user_space(r);
		int ran = last_cpu_of(pid);
		if (ran >= 0 && ran != cpu)
			kata_setup_failed("the agent ran on another CPU than the one it was pinned to");
		char label[260];
		snprintf(label, sizeof(label), "%s, return value%s", what, no_node ? " (node = NULL)" : "");
		static int noted;
		if (r->ret[0] != 0 && !noted++)
			note_vdso("__vdso_getcpu"); /* this case's notes are always shown: only when it helps */
		kata_expect_i64(label, 0, r->ret[0]);
		unsigned got = (unsigned)r->ret[1];
		snprintf(label, sizeof(label), "%s%s", what, no_node ? ", called with node = NULL (getcpu(2) allows it)" : "");
		if (got == (unsigned)cpu) {
			kata_expect_true(label, 1, NULL);
		} else {
			if (got == GETCPU_POISON)
				snprintf(detail, sizeof(detail), "*cpu was not written: it still holds 0x%x, what the agent put there",
					 GETCPU_POISON);
			else if (from >= 0 && got == (unsigned)from)
				snprintf(detail, sizeof(detail),
					 "*cpu = %u, the CPU it ran on before it was moved: an answer kept from an earlier call. The "
					 "kernel may move a thread between any two instructions; ask the vDSO every time",
					 got);
			else
				snprintf(detail, sizeof(detail), "*cpu = %u, but the agent can run on CPU %d only", got, cpu);
			kata_expect_true(label, 0, detail);
		}
		if (no_node || node < 0)
			continue;
		unsigned got_node = (unsigned)r->ret[2];
		snprintf(label, sizeof(label), "%s: *node (CPU %d is on NUMA node %d)", what, cpu, node);
		if (got_node == GETCPU_POISON) {
			snprintf(detail, sizeof(detail), "*node was not written: it still holds 0x%x, what the agent put there",
				 GETCPU_POISON);
			kata_expect_true(label, 0, detail);
		} else {
			kata_expect_i64(label, node, got_node);
		}
	}
}

static void getcpu_follows(void)
{
	int cpus[CPU_SETSIZE];
	int n = allowed_cpus(cpus, CPU_SETSIZE);
	if (n == 0)
		kata_setup_failed("the judge may run on no CPU");
	int pid = kata_agent_pid();
	/* Those the agent may be put on (its cpuset may hold fewer). */
	int k = 0;
	for (int i = 0; i < n; i++)
		if (pin_agent(pid, cpus[i]) == 0)
			cpus[k++] = cpus[i];
	n = k;
	if (n == 0)
		kata_setup_failed("the kernel refuses to pin the agent to any CPU the judge may use");
	/* The lowest two CPUs, then on: every step after the first a move. */
	if (n == 1) {
		kata_note("only CPU %d is available to this judge: the agent cannot be moved, so only that CPU is checked", cpus[0]);
		getcpu_on(pid, cpus[0], -1);
		return;
	}
	int third = n > 2 ? cpus[kata_rand_range(2, (uint64_t)n - 1)] : cpus[0];
	kata_note("the agent is pinned to CPU %d, then moved to CPU %d, then to CPU %d (%d CPUs available to the judge)",
		  cpus[0], cpus[1], third, n);
	getcpu_on(pid, cpus[0], -1);
	getcpu_on(pid, cpus[1], cpus[0]);
	getcpu_on(pid, third, cpus[1]);
}

/* ---- a vDSO the judge hands over ------------------------------------------------ */

/*
 * The agent is given a test image as its vDSO (AT_SYSINFO_EHDR), whose three
 * functions return values the judge drew for this run: no clock, CPU number,
 * rseq area, affinity mask or syscall knows them. Only a call through the
 * function the process was given returns them.
 */
static void handed_over(void)
{
	struct kata_image *img = kata_image_load(KATA_IMAGE_BOTH);
	uint64_t at = kata_image_address();
	kata_agent_vdso_image(img, at);
	const struct kata_image_answers *ans = kata_image_answers_of(img);
	kata_note("this process's vDSO is a test image mapped at 0x%llx: its getcpu says CPU %u, node %u; its "
		  "gettimeofday { %ld, %ld }, drawn for this run",
		  (unsigned long long)at, ans->cpu, ans->node, ans->tod_sec, ans->tod_usec);
	const char *elsewhere = "the answer came from somewhere else than the vDSO this process was given (its "
				"AT_SYSINFO_EHDR): call the function you find there";
	const struct kata_reply *r = kata_call("getcpu", &(struct kata_args){ .arg = { 0 } });
	kata_expect_i64("vdso_getcpu() returns 0", 0, r->ret[0]);
	kata_expect_true("vdso_getcpu(): *cpu is what the given vDSO's getcpu says", r->ret[1] == ans->cpu, elsewhere);
	kata_expect_true("vdso_getcpu(): *node is what the given vDSO's getcpu says", r->ret[2] == ans->node, elsewhere);
	r = kata_call("gettimeofday", &(struct kata_args){ .arg = { 0 } });
	kata_expect_i64("vdso_gettimeofday() returns 0", 0, r->ret[0]);
	kata_expect_true("vdso_gettimeofday(): the given vDSO's time",
			 r->ret[1] == ans->tod_sec && r->ret[2] == ans->tod_usec, elsewhere);
	r = kata_call("time", &(struct kata_args){ .arg = { 0 } });
	kata_expect_true("vdso_time(): the given vDSO's time", r->ret[0] == ans->tod_sec, elsewhere);
}

/* ---- the budget's reference ----------------------------------------------------- */

/* glibc's getcpu() calls __vdso_getcpu (sched_getcpu() may read rseq instead). */
static void reference_getcpu(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		unsigned cpu, node;
		kata_sink(getcpu(&cpu, &node));
		kata_sink(cpu);
	}
}

/* The timed loop's last answer: the CPU the judge and the agent are pinned to for the budget. */
static const char *check_timed_getcpu(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[200];
	(void)iters;
	(void)before_ns;
	(void)after_ns;
	int here = sched_getcpu();
	if (ret[0] != 0)
		snprintf(why, sizeof(why), "vdso_getcpu() returned %lld", (long long)ret[0]);
	else if (here >= 0 && ret[1] != here)
		snprintf(why, sizeof(why), "vdso_getcpu() said CPU %lld, and the agent is pinned to CPU %d", (long long)ret[1], here);
	else
		return NULL;
	return why;
}

const struct kata_case kata_cases[] = {
	{ "gettimeofday", gettimeofday_case, 0 },
	{ "time", time_case, 0 },
	{ "getcpu-follows", getcpu_follows, 0 },
	{ "handed-over", handed_over, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ .name = "getcpu", .agent_loop = "getcpu-loop", .reference = reference_getcpu, .check = check_timed_getcpu },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ .name = "all", .agent_loop = "all-loop" },
	{ 0 },
};
