/*
 * The judge's main(): the runner's modes, the seeded generator, the
 * observations a driver makes, and the records that carry them to the
 * runner. Linked with a kata's check.c (the driver) into the judge program,
 * which never contains a line of the learner's code: that runs in the agent
 * (agent-process.c), a process the judge starts, confines and traces.
 *
 * Usage (the runner's, not the learner's):
 *   judge --agent=EXE [--learner-text=LO-HI] [--runtime-text=LO-HI]
 *         [--emulator=QEMU] [--nostdlib] [--grading] [--call-timeout-ms=N]
 *         list | cases <seed> | bench <seed> <name> <epochs> [scaling reference]
 *         | count <seed> <name> <iterations>
 *
 * The agent sees none of this: its command line is its program's name (and
 * for -nostdlib katas one number), its environment four fixed variables (and
 * what a case adds: its vDSO, extra arguments), and nothing in it depends on
 * the mode. Records go to fd 3 (stdout by hand).
 */
#define _GNU_SOURCE
#include "judge.h"
#include "kata-references.h"
#include "raw-syscall.h"
#include "records.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PROTOCOL_VERSION 2

/* ---- seeded generator (splitmix64: tiny, good enough for test inputs) -- */

static uint64_t rng_state;

uint64_t kata_rand(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t kata_rand_range(uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;
	return span == 0 ? kata_rand() : lo + kata_rand() % span;
}

void kata_rand_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)kata_rand();
}

/* ---- observations ----------------------------------------------------- */

void kata_expect_i64(const char *what, long long expected, long long got)
{
	struct out o;
	rec_begin(&o, "expect");
	rec_case(&o);
	rec_str(&o, ",\"what\":");
	rec_jstr(&o, what);
	rec_fmt(&o, ",\"kind\":\"i64\",\"expected\":\"%lld\",\"got\":\"%lld\"", expected, got);
	rec_send(&o);
}

void kata_expect_bytes(const char *what, const void *expected, size_t expected_len, const void *got,
		       size_t got_len)
{
	/* Long buffers are compared here and summarised, so records stay small. */
	enum { SHOWN = 1024 };
	struct out o;
	rec_begin(&o, "expect");
	rec_case(&o);
	rec_str(&o, ",\"what\":");
	rec_jstr(&o, what);
	rec_str(&o, ",\"kind\":\"bytes\"");
	if (expected_len <= SHOWN && got_len <= SHOWN) {
		rec_str(&o, ",\"expected\":");
		rec_hex(&o, expected, expected_len);
		rec_str(&o, ",\"got\":");
		rec_hex(&o, got, got_len);
	} else {
		size_t first = 0, common = expected_len < got_len ? expected_len : got_len;
		while (first < common && ((const unsigned char *)expected)[first] == ((const unsigned char *)got)[first])
			first++;
		int same = expected_len == got_len && first == common;
		rec_fmt(&o, ",\"expected\":\"%zu bytes\",\"got\":\"%zu bytes%s\"", expected_len, got_len,
			same ? "" : " (different)");
		if (!same)
			rec_fmt(&o, ",\"detail\":\"first difference at byte %zu\"", first);
	}
	rec_send(&o);
}

void kata_expect_true(const char *what, int ok, const char *detail)
{
	struct out o;
	rec_begin(&o, "expect");
	rec_case(&o);
	rec_str(&o, ",\"what\":");
	rec_jstr(&o, what);
	rec_str(&o, ",\"kind\":\"bool\",\"expected\":\"true\",\"got\":");
	rec_jstr(&o, ok ? "true" : "false");
	if (detail) {
		rec_str(&o, ",\"detail\":");
		rec_jstr(&o, detail);
	}
	rec_send(&o);
}

/* A record of one formatted text field: a note, an error. */
static void text_record(const char *type, const char *field, const char *fmt, va_list ap)
{
	char text[1024];
	vsnprintf(text, sizeof(text), fmt, ap);
	struct out o;
	rec_begin(&o, type);
	rec_case(&o);
	rec_fmt(&o, ",\"%s\":", field);
	rec_jstr(&o, text);
	rec_send(&o);
}

void kata_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_record("note", "text", fmt, ap);
	va_end(ap);
}

void judge_error_record(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_record("error", "message", fmt, ap);
	va_end(ap);
}

/* After the record saying why: the case ends here (the run, outside one). */
static _Noreturn void end_case(void)
{
	agent_stop();
	if (judge_in_case)
		longjmp(judge_case_end, 1);
	_exit(5);
}

void kata_setup_failed(const char *what)
{
	judge_error_record("the harness's own set-up failed (%s): %s", what, strerror(errno));
	end_case();
}

void kata_unsupported(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_record("unsupported", "message", fmt, ap);
	va_end(ap);
	end_case();
}

void judge_crash_record(int sig, uint64_t addr, uint64_t pc, uint64_t sp, int in_learner, uint64_t learner_off,
			int main_thread, const char *stack)
{
	struct out o;
	rec_begin(&o, "crash");
	rec_case(&o);
	rec_fmt(&o, ",\"signal\":%d,\"addr\":\"0x%" PRIx64 "\",\"pc\":\"0x%" PRIx64 "\",\"sp\":\"0x%" PRIx64 "\"", sig,
		addr, pc, sp);
	if (in_learner)
		rec_fmt(&o, ",\"learnerOffset\":\"0x%" PRIx64 "\"", learner_off);
	rec_fmt(&o, ",\"mainThread\":%s,\"stack\":\"%s\"", main_thread ? "true" : "false", stack ? stack : "unknown");
	rec_send(&o);
}

void judge_agent_end_record(const char *how, int code, int sig)
{
	struct out o;
	rec_begin(&o, "agent");
	rec_case(&o);
	rec_str(&o, ",\"how\":");
	rec_jstr(&o, how);
	if (!strcmp(how, "exit"))
		rec_fmt(&o, ",\"code\":%d", code);
	if (!strcmp(how, "signal"))
		rec_fmt(&o, ",\"signal\":%d", sig);
	rec_send(&o);
}

void judge_leftover_record(int count, const pid_t *pids, int named)
{
	struct out o;
	rec_begin(&o, "leftover");
	rec_case(&o);
	rec_fmt(&o, ",\"count\":%d,\"pids\":[", count);
	for (int i = 0; i < named; i++)
		rec_fmt(&o, "%s%d", i ? "," : "", (int)pids[i]);
	rec_str(&o, "]");
	rec_send(&o);
}

/* ---- one syscall, checked from the kernel's side ---------------------- */

static const char *reg_name(int i)
{
#if defined(__x86_64__)
	static const char *regs[] = { "rdi", "rsi", "rdx", "r10", "r8", "r9" };
#else
	static const char *regs[] = { "x0", "x1", "x2", "x3", "x4", "x5" };
#endif
	return regs[i];
}

#if defined(__x86_64__)
#define NR_REG "rax"
#else
#define NR_REG "x8"
#endif

static const char *name_or(long nr, int compat, char *buf, size_t n)
{
	const char *s = kata_syscall_name(nr, compat);
	if (s)
		return s;
	snprintf(buf, n, "syscall %ld", nr);
	return buf;
}

void kata_expect_syscall(const char *what, const struct kata_reply *r, long nr, int nargs, const int64_t *args,
			 int64_t returned)
{
	char label[256], detail[600], n1[48], n2[48];
	if (!r->traced)
		return; /* under emulation: the value checks are all there is (docs/architecture.md) */
	const char *want = name_or(nr, 0, n1, sizeof(n1));
	snprintf(label, sizeof(label), "%s: one %s syscall, made by your own code", what, want);
	/* The calls the learner's function made: the one the kata is about, if any. */
	int mine = -1, mine_matches = 0, theirs = -1, compat = -1, other = -1;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *s = &r->sc[i];
		if (s->compat) {
			if (compat < 0)
				compat = i;
		} else if (s->origin != KATA_FROM_LEARNER) {
			if (theirs < 0)
				theirs = i;
		} else if (s->nr == nr) {
			/* the one whose arguments are the ones asked for, else the first */
			int match = 1;
			for (int k = 0; k < nargs; k++)
				match &= args[k] == KATA_ANY || s->arg[k] == (uint64_t)args[k];
			if (mine < 0 || (match && !mine_matches)) {
				mine = i;
				mine_matches = match;
			}
		} else if (other < 0) {
			other = i;
		}
	}
	if (compat >= 0) {
		const struct kata_syscall *s = &r->sc[compat];
		snprintf(detail, sizeof(detail),
			 "it entered the kernel through the 32-bit path (int $0x80): %s number %ld is %s there, and "
			 "only the low 32 bits of each argument get through. 64-bit code uses the syscall instruction",
			 NR_REG, s->nr, name_or(s->nr, 1, n2, sizeof(n2)));
		return kata_expect_true(label, 0, detail);
	}
	if (mine < 0 && theirs >= 0) {
		const struct kata_syscall *s = &r->sc[theirs];
		snprintf(detail, sizeof(detail),
			 "the kernel saw %s made from code outside your file (at 0x%" PRIx64
			 ", in libc or code made at run time), not by a syscall instruction of yours",
			 name_or(s->nr, 0, n2, sizeof(n2)), s->ip - KATA_SYSCALL_INSN_BYTES);
		return kata_expect_true(label, 0, detail);
	}
	if (mine < 0 && other >= 0) {
		const struct kata_syscall *s = &r->sc[other];
		char words[200];
		kata_syscall_words(s, words, sizeof(words));
		snprintf(detail, sizeof(detail), "%s; %s is %ld", words, want, nr);
		return kata_expect_true(label, 0, detail);
	}
	if (mine < 0) {
		snprintf(detail, sizeof(detail), "it made no syscall at all%s",
			 r->ret[0] == returned ? ", yet returned the right value: the answer was made up, not asked of the kernel" : "");
		return kata_expect_true(label, 0, detail);
	}
	const struct kata_syscall *s = &r->sc[mine];
	if (!s->in_probe) {
		snprintf(detail, sizeof(detail),
			 "your syscall instruction ran in a function the kata's probe called instead of inside the probe "
			 "(a helper kept out of line: noipa, noinline, a function pointer): the probe must have your asm "
			 "inlined to see what it clobbers. Put the asm statement in the function the kata asks for");
		return kata_expect_true(label, 0, detail);
	}
	for (int i = 0; i < nargs; i++) {
		uint64_t got = s->arg[i], exp = (uint64_t)args[i];
		if (got == exp || args[i] == KATA_ANY)
			continue;
		int poisoned = (got & 0xffffffffu) == 0x5ca1ab1eu || (got & 0xffffu) == 0xba11u;
		snprintf(detail, sizeof(detail),
			 "argument %d (%s) reached the kernel as 0x%" PRIx64 ", expected 0x%" PRIx64 "%s", i + 1, reg_name(i),
			 got, exp,
			 poisoned ? ": that is the value the harness left in the register, so your asm never put the "
				    "argument there (is it an input operand, with the right constraint?)"
				  : "");
		return kata_expect_true(label, 0, detail);
	}
	int count = 0;
	for (int i = 0; i < r->nsc; i++)
		count += r->sc[i].nr == nr && r->sc[i].origin == KATA_FROM_LEARNER;
	if (count != 1 || theirs >= 0 || other >= 0) {
		snprintf(detail, sizeof(detail), "it made %ld syscalls (%d of them %s), where one %s was asked for",
			 r->nsc_total, count, want, want);
		return kata_expect_true(label, 0, detail);
	}
	if (s->returned && s->ret != returned) {
		snprintf(detail, sizeof(detail), "the kernel returned %" PRId64 ", expected %" PRId64, s->ret, returned);
		return kata_expect_true(label, 0, detail);
	}
	if (s->returned && (int64_t)r->ret[0] != s->ret) {
		snprintf(detail, sizeof(detail),
			 "the kernel returned %" PRId64 " but your function returned %" PRId64
			 ": return what the kernel left in the result register",
			 s->ret, (int64_t)r->ret[0]);
		return kata_expect_true(label, 0, detail);
	}
	kata_expect_true(label, 1, NULL);
}

int64_t kata_magic(void)
{
	return (int64_t)(kata_rand() | 1);
}

void kata_expect_clobbers(const char *what, const struct kata_reply *r, int64_t magic)
{
	char label[256], detail[400];
	if (kata_emulated())
		return; /* AArch64's svc destroys no register: nothing to probe */
	snprintf(label, sizeof(label), "%s: a value GCC kept in rcx across your asm survives", what);
	snprintf(detail, sizeof(detail),
		 "rcx held 0x%" PRIx64 " before and 0x%" PRIx64
		 " after: `syscall` writes the return address there; list \"rcx\" in the clobbers",
		 (uint64_t)magic, (uint64_t)r->ret[1]);
	kata_expect_true(label, r->ret[1] == magic, r->ret[1] == magic ? NULL : detail);
	snprintf(label, sizeof(label), "%s: a value GCC kept in r11 across your asm survives", what);
	snprintf(detail, sizeof(detail),
		 "r11 held 0x%" PRIx64 " before and 0x%" PRIx64 " after: `syscall` saves rflags there; list \"r11\" in the clobbers",
		 (uint64_t)~magic, (uint64_t)r->ret[2]);
	kata_expect_true(label, r->ret[2] == ~magic, r->ret[2] == ~magic ? NULL : detail);
}

/* ---- records of the modes ------------------------------------------- */

static void hello(const char *mode)
{
	struct out o;
	rec_begin(&o, "hello");
	rec_fmt(&o, ",\"v\":%d,\"mode\":", PROTOCOL_VERSION);
	rec_jstr(&o, mode);
#if defined(__x86_64__)
	rec_str(&o, ",\"arch\":\"x86_64\"");
#elif defined(__aarch64__)
	rec_str(&o, ",\"arch\":\"aarch64\"");
#else
	rec_str(&o, ",\"arch\":\"other\"");
#endif
	rec_send(&o);
}

static void done(void)
{
	struct out o;
	judge_current_case = "";
	rec_begin(&o, "done");
	rec_send(&o);
}

static void mark(const char *type, const char *name)
{
	struct out o;
	judge_current_case = name;
	rec_begin(&o, type);
	rec_case(&o);
	rec_send(&o);
}

/* `,"key":[...]`: one field of every row of a table that ends with a NULL name. */
#define REC_COLUMN(o, key, table, field)                                        \
	do {                                                                    \
		rec_str(o, ",\"" key "\":[");                                  \
		for (typeof(&(table)[0]) row = (table); row->name; row++) {     \
			rec_str(o, row == (table) ? "" : ",");                  \
			rec_jstr(o, row->field);                                \
		}                                                               \
		rec_str(o, "]");                                                \
	} while (0)

/* `list`: the driver's tables, for the runner to compare with kata.json. */
static void list_tables(void)
{
	struct out o;
	rec_begin(&o, "tables");
	REC_COLUMN(&o, "cases", kata_cases, name);
	REC_COLUMN(&o, "benches", kata_benches, name);
	REC_COLUMN(&o, "counts", kata_counts, name);
	/* Which agent loop each bench and count drives: the runner holds a timed
	 * run to the count of the same loop. */
	REC_COLUMN(&o, "benchLoops", kata_benches, agent_loop);
	REC_COLUMN(&o, "countLoops", kata_counts, agent_loop);
	rec_send(&o);
}

/* Judge and agent on one CPU: every ptrace stop wakes the other, and a
 * wake-up across CPUs costs an interrupt (tens of µs on a VM). */
static void share_a_cpu(void)
{
	kata_pin_to_current_cpu();
}

static void run_cases(void)
{
	hello("cases");
	share_a_cpu();
	for (const struct kata_case *c = kata_cases; c->name; c++) {
		mark("begin", c->name);
		agent_set_traced(!(c->flags & KATA_UNTRACED));
		agent_vdso_start(0, NULL, 0, 0); /* each case starts with the kernel's vDSO */
		judge_in_case = 1;
		if (setjmp(judge_case_end) == 0) {
			c->run();
			agent_stop();
			mark("end", c->name);
		}
		judge_in_case = 0;
	}
	done();
}

/* ---- budget runs ------------------------------------------------------ */

static void out_series(struct out *o, const char *key, const struct kata_series *s)
{
	rec_fmt(o, ",\"%s\":{\"iters\":%" PRIu64 ",\"rerun\":%d,\"disturbed\":%d,\"wallNs\":[", key, s->iters, s->rerun,
		s->still_descheduled);
	for (int i = 0; i < s->epochs; i++)
		rec_fmt(o, "%s%.3f", i ? "," : "", s->wall_ns[i]);
	rec_str(o, "],\"cpuNs\":[");
	for (int i = 0; i < s->epochs; i++)
		rec_fmt(o, "%s%.3f", i ? "," : "", s->cpu_ns[i]);
	rec_str(o, "]");
	double insns = kata_median_insns(s);
	if (insns >= 0)
		rec_fmt(o, ",\"insnPerCall\":%.2f", insns);
	rec_str(o, "}");
}

/* The agent's side of a bench, as a loop the engine can time. */
static const char *bench_call;
static const struct kata_bench *bench_now;
static char bench_invalid[512];
static long bench_syscalls, bench_iters;
static double bench_round_trip_ns;

static struct timed_result bench_last;
static uint64_t bench_last_iters;

static void agent_loop(uint64_t iters, int audit, double *cpu_ns, long *syscalls)
{
	agent_timed_call(bench_call, iters, audit, &bench_last);
	bench_last_iters = iters;
	*cpu_ns = bench_last.cpu_ns;
	*syscalls = bench_last.syscalls;
}

/* The bench's check of each timed call's answer, once the engine has read
 * its clock: what the check costs (reading /proc) is in no epoch. */
static void bench_check_last(void)
{
	const struct timed_result *t = &bench_last;
	if (bench_last_iters && bench_now && bench_now->check && !bench_invalid[0]) {
		const char *bad = bench_now->check(t->ret, bench_last_iters, t->before_ns, t->after_ns);
		if (bad)
			snprintf(bench_invalid, sizeof(bench_invalid), "%s", bad);
	}
}

/* The empty round trip (the call with 0 iterations): its wall time comes off
 * every epoch, and its syscalls (the runtime's sendmsg, and its recvmsg when
 * it re-enters it before the counter is off: the larger) off every audit. */
static void measure_round_trip(double *ns, long *syscalls)
{
	double walls[21];
	long sc = 0;
	for (int i = 0; i < 21; i++) {
		struct timed_result t;
		agent_timed_call(bench_call, 0, i < 5, &t);
		walls[i] = t.wall_ns;
		if (i < 5)
			sc = t.syscalls < 0 ? -1 : (t.syscalls > sc ? t.syscalls : sc);
	}
	for (int i = 1; i < 21; i++)
		for (int j = i; j > 0 && walls[j] < walls[j - 1]; j--) {
			double x = walls[j];
			walls[j] = walls[j - 1];
			walls[j - 1] = x;
		}
	*ns = walls[10];
	*syscalls = sc;
}

static void run_bench(const struct kata_bench *b, int epochs, const char *scale_by)
{
	static struct kata_series learner, reference;
	int cpu = kata_pin_to_current_cpu(); /* the agent, started after this, inherits the pin */
	agent_set_traced(0);
	agent_vdso_start(0, NULL, 0, 0);
	if (b->setup)
		b->setup();
	bench_call = b->agent_loop;
	bench_now = b;
	bench_invalid[0] = 0;
	long rt_syscalls = -1;
	measure_round_trip(&bench_round_trip_ns, &rt_syscalls);
	double overhead = kata_loop_overhead_ns();
	struct kata_remote remote = { agent_loop, bench_round_trip_ns, rt_syscalls, 3, kata_rand_range, 0, 0, bench_check_last };
	kata_measure_remote_pair(&remote, b->reference, epochs, &learner, &reference);
	bench_syscalls = remote.syscalls;
	bench_iters = remote.iters;
	struct out o;
	rec_begin(&o, "bench");
	rec_str(&o, ",\"name\":");
	rec_jstr(&o, b->name);
	rec_fmt(&o, ",\"pinnedCpu\":%d,\"overheadNs\":%.3f,\"roundTripNs\":%.1f", cpu, overhead, bench_round_trip_ns);
	if (bench_syscalls >= 0 && bench_iters > 0)
		rec_fmt(&o, ",\"syscallsPerCall\":%.4f", (double)bench_syscalls / (double)bench_iters);
	if (bench_invalid[0]) {
		rec_str(&o, ",\"invalid\":");
		rec_jstr(&o, bench_invalid);
	}
	out_series(&o, "learner", &learner);
	out_series(&o, "reference", &reference);
	rec_str(&o, ",\"references\":{");
	for (const struct kata_reference *r = kata_references; scale_by && r->name; r++) {
		if (strcmp(r->name, scale_by) != 0)
			continue;
		struct kata_series s;
		kata_measure_pair(r->loop, NULL, 7, &s, NULL);
		rec_jstr(&o, r->name);
		rec_fmt(&o, ":%.3f", kata_median_wall(&s));
	}
	rec_str(&o, "}");
	rec_send(&o);
	agent_stop();
}

static void count_record(const char *name, uint64_t iters, const struct count_result *r, const char *invalid)
{
	struct out o;
	rec_begin(&o, "count");
	rec_str(&o, ",\"name\":");
	rec_jstr(&o, name);
	rec_fmt(&o, ",\"calls\":%" PRIu64 ",\"traced\":%s,\"total\":%ld,\"elsewhere\":%ld,\"syscalls\":[", iters,
		r->traced ? "true" : "false", r->total, r->elsewhere);
	for (int i = 0; i < r->nrows; i++) {
		rec_str(&o, i ? ",{\"name\":" : "{\"name\":");
		rec_jstr(&o, r->rows[i].name);
		rec_fmt(&o, ",\"compat\":%s,\"n\":%ld,\"elsewhere\":%ld,\"errors\":%ld,\"tracedNs\":%lld}",
			r->rows[i].compat ? "true" : "false", r->rows[i].n, r->rows[i].elsewhere, r->rows[i].errors, r->rows[i].ns);
	}
	rec_str(&o, "]");
	if (invalid) {
		rec_str(&o, ",\"invalid\":");
		rec_jstr(&o, invalid);
	}
	rec_send(&o);
}

static void run_count(const struct kata_count *c, uint64_t iters)
{
	static struct count_result r;
	share_a_cpu();
	agent_set_traced(1);
	judge_current_case = c->name;
	judge_in_case = 1;
	if (setjmp(judge_case_end) != 0) {
		judge_in_case = 0;
		return;
	}
	agent_vdso_start(0, NULL, 0, 0);
	if (c->setup)
		c->setup();
	agent_count(c->agent_loop, iters, &r);
	/* Before the agent goes: a check may read what it left (its files, /proc). */
	const char *invalid = c->check ? c->check(r.ret, iters) : NULL;
	agent_stop();
	judge_in_case = 0;
	count_record(c->name, iters, &r, invalid);
}

/* `syscall-katas trace`: one case, every syscall its calls made, counted. */
static void run_trace(const struct kata_case *c)
{
	static struct count_result r;
	share_a_cpu();
	agent_set_traced(1);
	agent_vdso_start(0, NULL, 0, 0);
	mark("begin", c->name);
	agent_trace_cases(&r);
	judge_in_case = 1;
	if (setjmp(judge_case_end) == 0) {
		c->run();
		agent_stop();
		mark("end", c->name);
	}
	judge_in_case = 0;
	agent_trace_cases(NULL);
	r.traced = !kata_emulated();
	count_record(c->name, 0, &r, NULL);
}

/* ---- main ------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: judge --agent=EXE [--learner-text=LO-HI] [--runtime-text=LO-HI] [--own-syscalls=IP,...]\n"
		"             [--probe-syscalls=IP,...] [--emulator=QEMU] [--nostdlib] [--io-uring]\n"
		"             [--grading] [--call-timeout-ms=N] list | cases <seed> | bench <seed> <name> <epochs> [reference]\n"
		"             | count <seed> <name> <iterations> | trace <seed> <case>\n"
		"(the runner calls this; `syscall-katas check <id>` is the way to check a kata)\n");
	return 2;
}

/* "0x1,0x2,..." into set (at most cap); -1 when malformed. */
static int address_list(const char *s, uint64_t *set, int cap, int *n)
{
	*n = 0;
	while (*s) {
		char *end;
		uint64_t v = strtoull(s, &end, 0);
		if (end == s || *n >= cap)
			return -1;
		set[(*n)++] = v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

static int range(const char *s, uint64_t *lo, uint64_t *hi)
{
	char *end;
	*lo = strtoull(s, &end, 0);
	if (*end != '-')
		return -1;
	*hi = strtoull(end + 1, &end, 0);
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	/* Nothing of ours is readable or traceable by another process of this uid. */
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	static struct agent_config cfg = { .call_timeout_s = 5 };
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--agent=", 8))
			cfg.exe = a + 8;
		else if (!strncmp(a, "--learner-text=", 15) && range(a + 15, &cfg.learner_lo, &cfg.learner_hi) == 0)
			;
		else if (!strncmp(a, "--runtime-text=", 15) && range(a + 15, &cfg.runtime_lo, &cfg.runtime_hi) == 0)
			;
		else if (!strncmp(a, "--own-syscalls=", 15) && address_list(a + 15, cfg.own, 4096, &cfg.nown) == 0)
			cfg.have_own = 1;
		else if (!strncmp(a, "--probe-syscalls=", 17) && address_list(a + 17, cfg.probe, 4096, &cfg.nprobe) == 0)
			;
		else if (!strncmp(a, "--emulator=", 11))
			cfg.emulator = a + 11;
		else if (!strcmp(a, "--nostdlib"))
			cfg.nostdlib = 1;
		else if (!strcmp(a, "--grading"))
			cfg.grading = 1;
		else if (!strcmp(a, "--io-uring"))
			cfg.io_uring = 1;
		else if (!strncmp(a, "--call-timeout-ms=", 18))
			cfg.call_timeout_s = atof(a + 18) / 1000;
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	const char *mode = argv[i];
	if (!strcmp(mode, "list")) {
		list_tables();
		return 0;
	}
	if (!cfg.exe || i + 1 >= argc)
		return usage();
	agent_configure(&cfg);
	rng_state = strtoull(argv[i + 1], NULL, 0);
	if (!strcmp(mode, "cases")) {
		run_cases();
		return 0;
	}
	if (!strcmp(mode, "bench") && i + 3 < argc) {
		hello("bench");
		for (const struct kata_bench *b = kata_benches; b->name; b++)
			if (!strcmp(b->name, argv[i + 2])) {
				run_bench(b, atoi(argv[i + 3]), i + 4 < argc ? argv[i + 4] : NULL);
				done();
				return 0;
			}
		fprintf(stderr, "no bench named %s\n", argv[i + 2]);
		return 2;
	}
	if (!strcmp(mode, "trace") && i + 2 < argc) {
		hello("trace");
		for (const struct kata_case *c = kata_cases; c->name; c++)
			if (!strcmp(c->name, argv[i + 2])) {
				run_trace(c);
				done();
				return 0;
			}
		fprintf(stderr, "no case named %s\n", argv[i + 2]);
		return 2;
	}
	if (!strcmp(mode, "count") && i + 3 < argc) {
		hello("count");
		for (const struct kata_count *c = kata_counts; c->name; c++)
			if (!strcmp(c->name, argv[i + 2])) {
				run_count(c, strtoull(argv[i + 3], NULL, 0));
				done();
				return 0;
			}
		fprintf(stderr, "no counting run named %s\n", argv[i + 2]);
		return 2;
	}
	return usage();
}
