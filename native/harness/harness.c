/*
 * The shared harness: main(), the seeded generator, the results channel and
 * the batch timer. Linked into every kata program except the -nostdlib ones
 * (those use start-<arch>.S and report through their exit status alone).
 *
 * Usage (the runner's, not the learner's):
 *   prog [--key=FILE] cases <seed>
 *   prog [--key=FILE] bench <seed> <name> <epochs> [scaling reference]
 *   prog [--key=FILE] count <seed> <name> <iterations>
 *
 * Records go to fd 3 when the runner opened it, else to stdout, so that a
 * learner can run the program by hand and read what it says.
 *
 * Every record is authenticated. The runner draws a fresh random key for each
 * run and writes it to FILE; main() reads it, unlinks FILE and zeroes the
 * argument (so /proc/self/cmdline no longer shows the path) before any
 * driver or learner code runs. Each record then carries its sequence number
 * (0, 1, 2, ... in the order written) and an HMAC-SHA256 of the line up to
 * the MAC itself, truncated to 128 bits:
 *   {"t":"begin","case":"pipe","seq":1,"mac":"<32 hex digits>"}
 * A line the harness did not write (no key, no MAC), a record repeated,
 * dropped or reordered (the sequence), all read as tampering to the runner.
 * Learner code can only forge a record by deliberately digging the key out of
 * this process's memory.
 */
#define _GNU_SOURCE
#include "kata.h"
#include "kata-hmac.h"
#include "kata-references.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define PROTOCOL_VERSION 1
#define RESULTS_FD 3

static int results_fd = RESULTS_FD;

/* The run's key (from the runner); empty when the program is run by hand. */
static unsigned char mac_key[64];
static size_t mac_key_len;

/* ---- results channel -------------------------------------------------- */

struct out {
	char buf[8192];
	size_t len;
};

/* Room kept at the end of every record for ,"seq":N,"mac":"..."}\n */
#define TRAILER_ROOM 96

static void out_raw(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - TRAILER_ROOM - o->len)
		n = sizeof(o->buf) - TRAILER_ROOM - o->len; /* truncate rather than overflow */
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_raw(o, s, strlen(s));
}

/* A JSON string literal; bytes >= 0x80 are escaped so the line stays valid UTF-8. */
static void out_json(struct out *o, const char *s, size_t n)
{
	out_raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			out_raw(o, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			out_raw(o, esc, 6);
		} else {
			out_raw(o, (const char *)&c, 1);
		}
	}
	out_raw(o, "\"", 1);
}

static void out_jstr(struct out *o, const char *s)
{
	out_json(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_raw(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static uint64_t record_seq;

#define OUT_LIT(o, lit) out_tail((o), (lit), sizeof(lit) - 1)

/* Appends without the trailer limit (async-signal-safe: no stdio). */
static void out_tail(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len)
		n = sizeof(o->buf) - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_u64(struct out *o, uint64_t v)
{
	char digits[24];
	int i = (int)sizeof(digits);
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_tail(o, digits + i, sizeof(digits) - (size_t)i);
}

/*
 * One record, one write(2): a crash can lose a record but never split one.
 * The record's closing brace becomes ,"seq":N,"mac":"<HMAC of all before>"}.
 */
static void out_send(struct out *o)
{
	static const char hexdigits[] = "0123456789abcdef";
	if (o->len > 0 && o->buf[o->len - 1] == '}')
		o->len--;
	OUT_LIT(o, ",\"seq\":");
	out_u64(o, record_seq++);
	unsigned char mac[32];
	kata_hmac_sha256(mac_key, mac_key_len, o->buf, o->len, mac);
	char hex[32];
	for (int i = 0; i < 16; i++) {
		hex[2 * i] = hexdigits[mac[i] >> 4];
		hex[2 * i + 1] = hexdigits[mac[i] & 15];
	}
	OUT_LIT(o, ",\"mac\":\"");
	out_tail(o, hex, sizeof(hex));
	OUT_LIT(o, "\"}\n");
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(results_fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* the runner went away, or fd 3 was closed or replaced under us */
			static const char why[] = "harness: the results channel (fd 3) stopped taking records\n";
			if (write(STDERR_FILENO, why, sizeof(why) - 1) < 0)
				_exit(3);
			_exit(3);
		}
		off += (size_t)n;
	}
	o->len = 0;
}

static const char *current_case = "";

static void record_begin(struct out *o, const char *type)
{
	o->len = 0;
	out_str(o, "{\"t\":");
	out_jstr(o, type);
}

static void record_case_field(struct out *o)
{
	out_str(o, ",\"case\":");
	out_jstr(o, current_case);
}

/* ---- observations ----------------------------------------------------- */

void kata_expect_i64(const char *what, long long expected, long long got)
{
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_fmt(&o, ",\"kind\":\"i64\",\"expected\":\"%lld\",\"got\":\"%lld\"}", expected, got);
	out_send(&o);
}

static void out_hex(struct out *o, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	out_raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char pair[2] = { digits[b[i] >> 4], digits[b[i] & 15] };
		out_raw(o, pair, 2);
	}
	out_raw(o, "\"", 1);
}

void kata_expect_bytes(const char *what, const void *expected, size_t expected_len,
		       const void *got, size_t got_len)
{
	/* Long buffers are compared here and summarised, so records stay small. */
	enum { SHOWN = 1024 };
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_str(&o, ",\"kind\":\"bytes\"");
	if (expected_len <= SHOWN && got_len <= SHOWN) {
		out_str(&o, ",\"expected\":");
		out_hex(&o, expected, expected_len);
		out_str(&o, ",\"got\":");
		out_hex(&o, got, got_len);
	} else {
		size_t first_diff = 0;
		size_t common = expected_len < got_len ? expected_len : got_len;
		while (first_diff < common &&
		       ((const unsigned char *)expected)[first_diff] ==
			       ((const unsigned char *)got)[first_diff])
			first_diff++;
		int same = expected_len == got_len && first_diff == common;
		out_fmt(&o, ",\"expected\":\"%zu bytes\",\"got\":\"%zu bytes%s\"", expected_len,
			got_len, same ? "" : " (different)");
		if (!same)
			out_fmt(&o, ",\"detail\":\"first difference at byte %zu\"", first_diff);
	}
	out_str(&o, "}");
	out_send(&o);
}

void kata_expect_true(const char *what, int ok, const char *detail)
{
	struct out o;
	record_begin(&o, "expect");
	record_case_field(&o);
	out_str(&o, ",\"what\":");
	out_jstr(&o, what);
	out_str(&o, ",\"kind\":\"bool\",\"expected\":\"true\",\"got\":");
	out_jstr(&o, ok ? "true" : "false");
	if (detail) {
		out_str(&o, ",\"detail\":");
		out_jstr(&o, detail);
	}
	out_str(&o, "}");
	out_send(&o);
}

void kata_note(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct out o;
	record_begin(&o, "note");
	record_case_field(&o);
	out_str(&o, ",\"text\":");
	out_jstr(&o, text);
	out_str(&o, "}");
	out_send(&o);
}

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

/* ---- budget runs ------------------------------------------------------ */

static void out_series(struct out *o, const char *key, const struct kata_series *s)
{
	out_fmt(o, ",\"%s\":{\"iters\":%" PRIu64 ",\"rerun\":%d,\"disturbed\":%d,\"wallNs\":[", key, s->iters,
		s->rerun, s->still_descheduled);
	for (int i = 0; i < s->epochs; i++)
		out_fmt(o, "%s%.3f", i ? "," : "", s->wall_ns[i]);
	out_str(o, "],\"cpuNs\":[");
	for (int i = 0; i < s->epochs; i++)
		out_fmt(o, "%s%.3f", i ? "," : "", s->cpu_ns[i]);
	out_str(o, "]");
	double insns = kata_median_insns(s);
	if (insns >= 0)
		out_fmt(o, ",\"insnPerCall\":%.2f", insns);
	out_str(o, "}");
}

/* `scale_by`: the reference operation the budget scales by (kata-references.h),
 * measured in the same run; NULL when the budget is a ratio to b->reference. */
static void run_bench(const struct kata_bench *b, int epochs, const char *scale_by)
{
	static struct kata_series learner, reference;
	int cpu = kata_pin_to_current_cpu();
	double overhead = kata_loop_overhead_ns();
	kata_measure_pair(b->learner, b->reference, epochs, &learner, &reference);
	struct out o;
	record_begin(&o, "bench");
	out_str(&o, ",\"name\":");
	out_jstr(&o, b->name);
	out_fmt(&o, ",\"pinnedCpu\":%d,\"overheadNs\":%.3f", cpu, overhead);
	out_series(&o, "learner", &learner);
	out_series(&o, "reference", &reference);
	out_str(&o, ",\"references\":{");
	for (const struct kata_reference *r = kata_references; scale_by && r->name; r++) {
		if (strcmp(r->name, scale_by) != 0)
			continue;
		struct kata_series s;
		kata_measure_pair(r->loop, NULL, 7, &s, NULL);
		out_jstr(&o, r->name);
		out_fmt(&o, ":%.3f", kata_median_wall(&s));
	}
	out_str(&o, "}}");
	out_send(&o);
}

/* ---- crashes ----------------------------------------------------------- */

/*
 * When the learner's code crashes, one last record says where: the signal,
 * the faulting address, the program counter and whether the stack pointer
 * was still inside the stack (asm that clobbers rsp/sp crashes with it far
 * outside). The handler runs on its own stack, writes the record with the
 * same authentication as every other, then lets the signal kill the process
 * as it would have. Only the harness's own process reports: a child forked
 * by a driver or by learner code dies silently.
 */
static char crash_stack[64 * 1024];
static uintptr_t stack_high, stack_low;
static pid_t harness_pid;

static void out_hexaddr(struct out *o, uintptr_t v)
{
	static const char hexdigits[] = "0123456789abcdef";
	char buf[2 + 2 * sizeof(v)];
	int n = 0;
	buf[n++] = '0';
	buf[n++] = 'x';
	int started = 0;
	for (int shift = (int)(8 * sizeof(v)) - 4; shift >= 0; shift -= 4) {
		unsigned d = (unsigned)(v >> shift) & 15;
		if (d || started || shift == 0) {
			buf[n++] = hexdigits[d];
			started = 1;
		}
	}
	OUT_LIT(o, "\"");
	out_tail(o, buf, (size_t)n);
	OUT_LIT(o, "\"");
}

static void on_crash(int sig, siginfo_t *si, void *context)
{
	int saved = errno;
	if ((pid_t)syscall(SYS_getpid) == harness_pid) {
		uintptr_t pc = 0, sp = 0;
		ucontext_t *uc = context;
#if defined(__x86_64__)
		pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
		sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
		pc = (uintptr_t)uc->uc_mcontext.pc;
		sp = (uintptr_t)uc->uc_mcontext.sp;
#else
		(void)uc;
#endif
		struct out o;
		o.len = 0;
		OUT_LIT(&o, "{\"t\":\"crash\",\"case\":");
		/* the case name is the driver's own string: plain ASCII */
		OUT_LIT(&o, "\"");
		for (const char *c = current_case; *c && o.len < 300; c++)
			if (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\')
				out_tail(&o, c, 1);
		OUT_LIT(&o, "\",\"signal\":");
		out_u64(&o, (uint64_t)sig);
		OUT_LIT(&o, ",\"addr\":");
		out_hexaddr(&o, (uintptr_t)si->si_addr);
		OUT_LIT(&o, ",\"pc\":");
		out_hexaddr(&o, pc);
		OUT_LIT(&o, ",\"sp\":");
		out_hexaddr(&o, sp);
		OUT_LIT(&o, ",\"stack\":");
		if (!stack_high)
			OUT_LIT(&o, "\"unknown\"}");
		else if (sp >= stack_low && sp <= stack_high)
			OUT_LIT(&o, "\"inside\"}");
		else
			OUT_LIT(&o, "\"outside\"}");
		out_send(&o);
	}
	errno = saved;
	/* SA_RESETHAND put the default action back; SA_NODEFER lets it in now. */
	raise(sig);
}

static void watch_crashes(int argc, char **argv)
{
	/* The stack: argv's strings sit at its top; it grows down from there, at
	 * most as far as RLIMIT_STACK allows (taken as 64 MiB when unlimited). */
	uintptr_t top = (uintptr_t)argv[argc > 0 ? argc - 1 : 0];
	stack_high = top + 256 * 1024;
	stack_low = top > (64u << 20) ? top - (64u << 20) : 0;
	harness_pid = getpid();
	stack_t ss;
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = crash_stack;
	ss.ss_size = sizeof(crash_stack);
	if (sigaltstack(&ss, NULL) != 0)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

/* ---- main ------------------------------------------------------------- */

/*
 * --key=FILE: read the run's key, unlink FILE, zero the argument, drop it
 * from argv. Runs first thing in main(): no driver or learner code has run.
 */
static void take_key(int *argc, char ***argv)
{
	if (*argc < 2 || strncmp((*argv)[1], "--key=", 6) != 0)
		return;
	char *arg = (*argv)[1];
	const char *file = arg + 6;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;
	if (fd >= 0) {
		do
			n = read(fd, mac_key, sizeof(mac_key));
		while (n < 0 && errno == EINTR);
		close(fd);
	}
	unlink(file);
	if (n <= 0) {
		fprintf(stderr, "harness: the runner's key could not be read (%s)\n", strerror(errno));
		_exit(4);
	}
	mac_key_len = (size_t)n;
	memset(arg, 0, strlen(arg));
	(*argv)[1] = (*argv)[0];
	(*argv)++;
	(*argc)--;
}

static void hello(const char *mode)
{
	struct out o;
	record_begin(&o, "hello");
	out_fmt(&o, ",\"v\":%d,\"mode\":", PROTOCOL_VERSION);
	out_jstr(&o, mode);
#if defined(__x86_64__)
	out_str(&o, ",\"arch\":\"x86_64\"}");
#elif defined(__aarch64__)
	out_str(&o, ",\"arch\":\"aarch64\"}");
#else
	out_str(&o, ",\"arch\":\"other\"}");
#endif
	out_send(&o);
}

static void done(void)
{
	struct out o;
	current_case = "";
	record_begin(&o, "done");
	out_str(&o, "}");
	out_send(&o);
}

static void mark(const char *type, const char *name)
{
	struct out o;
	current_case = name;
	record_begin(&o, type);
	record_case_field(&o);
	out_str(&o, "}");
	out_send(&o);
}

static int usage(void)
{
	fprintf(stderr, "usage: prog [--key=FILE] cases <seed> | bench <seed> <name> <epochs> [reference] | count <seed> <name> <iterations>\n"
			"(the runner calls this; `syscall-katas check <id>` is the way to check a kata)\n");
	return 2;
}

int main(int argc, char **argv)
{
	take_key(&argc, &argv);
	watch_crashes(argc, argv);
	if (fcntl(RESULTS_FD, F_GETFD) < 0)
		results_fd = STDOUT_FILENO; /* run by hand: print the records */
	if (argc < 3)
		return usage();
	rng_state = strtoull(argv[2], NULL, 0);
	/* stdout is the learner's: keep their printf output apart from ours */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(argv[1], "cases") == 0) {
		hello("cases");
		for (const struct kata_case *c = kata_cases; c->name; c++) {
			mark("begin", c->name);
			c->run();
			mark("end", c->name);
		}
		done();
		return 0;
	}
	if (strcmp(argv[1], "bench") == 0 && argc >= 5) {
		hello("bench");
		for (const struct kata_bench *b = kata_benches; b->name; b++) {
			if (strcmp(b->name, argv[3]) != 0)
				continue;
			run_bench(b, atoi(argv[4]), argc >= 6 ? argv[5] : NULL);
			done();
			return 0;
		}
		fprintf(stderr, "no bench named %s\n", argv[3]);
		return 2;
	}
	if (strcmp(argv[1], "count") == 0 && argc >= 5) {
		hello("count");
		for (const struct kata_count *c = kata_counts; c->name; c++) {
			if (strcmp(c->name, argv[3]) != 0)
				continue;
			fflush(stdout);
			c->run(strtoull(argv[4], NULL, 0));
			done();
			return 0;
		}
		fprintf(stderr, "no counting run named %s\n", argv[3]);
		return 2;
	}
	return usage();
}
