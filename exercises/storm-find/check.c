/*
 * Driver for storm-find: the learner's log_events() logs events the judge
 * draws into app.log in the agent's directory (its cwd); the judge, which
 * formats and rotates the same lines in memory (the oracle), then reads
 * app.log and app.log.1 there itself and compares them byte for byte. The
 * syscalls of each call are shown with the case (the storm's pattern is in
 * their order); the budgets are the kata's counting runs, whose files the
 * judge compares with its oracle too (a run that logs nothing makes no syscall).
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_ROTATE_BYTES 16384
#define LOG_HEADER "# app log v2: seconds level [source] metric=value\n"
#define MAX_EVENTS (KATA_WIRE_MAX_BYTES / 16)

struct event {
	uint64_t t_us;
	uint32_t source, level;
	int32_t value;
};

static const char *const level_names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
static const char *const metric_names[] = { "temp", "load", "queue", "rss", "conns", "lat_us", "errors", "retries" };

static int format_event(char *line, size_t cap, const struct event *e)
{
	return snprintf(line, cap, "%llu.%06llu %-5s [%04x] %s=%d\n", (unsigned long long)(e->t_us / 1000000),
			(unsigned long long)(e->t_us % 1000000), level_names[e->level & 3], (unsigned)e->source,
			metric_names[e->source % 8], (int)e->value);
}

/* ---- the oracle: the two files, in memory ----------------------------------- */

struct file {
	int exists;
	char *data;
	size_t len, cap;
};

static void file_put(struct file *f, const char *p, size_t n)
{
	if (f->len + n > f->cap) {
		f->cap = (f->len + n) * 2 + 4096;
		f->data = realloc(f->data, f->cap);
		if (!f->data)
			kata_setup_failed("realloc()");
	}
	memcpy(f->data + f->len, p, n);
	f->len += n;
	f->exists = 1;
}

struct logstate {
	struct file cur, old; /* app.log, app.log.1 */
	int rotations;
};

static void oracle_log(struct logstate *s, const struct event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char line[128];
		size_t len = (size_t)format_event(line, sizeof(line), &ev[i]);
		if (s->cur.exists && s->cur.len + len > LOG_ROTATE_BYTES) {
			free(s->old.data);
			s->old = s->cur;
			s->cur = (struct file){ 0 };
			s->rotations++;
		}
		if (!s->cur.exists)
			file_put(&s->cur, LOG_HEADER, strlen(LOG_HEADER));
		file_put(&s->cur, line, len);
	}
}

static void free_state(struct logstate *s)
{
	free(s->cur.data);
	free(s->old.data);
}

/* ---- events ------------------------------------------------------------------ */

static uint64_t clock_us = 1700000000ull * 1000000;

static size_t draw_events(struct event *ev, size_t n, unsigned char *wire)
{
	for (size_t i = 0; i < n; i++) {
		clock_us += kata_rand_range(0, 3000000);
		ev[i].t_us = clock_us;
		ev[i].source = (uint32_t)kata_rand_range(0, 0xffff);
		ev[i].level = (uint32_t)kata_rand_range(0, 3);
		ev[i].value = (int32_t)kata_rand_range(0, 200000) - 100000;
		unsigned char *p = wire + 16 * i;
		for (int b = 0; b < 8; b++)
			p[b] = (unsigned char)(ev[i].t_us >> (8 * b));
		p[8] = (unsigned char)ev[i].source;
		p[9] = (unsigned char)(ev[i].source >> 8);
		p[10] = (unsigned char)ev[i].level;
		p[11] = 0;
		for (int b = 0; b < 4; b++)
			p[12 + b] = (unsigned char)((uint32_t)ev[i].value >> (8 * b));
	}
	return n * 16;
}

/* ---- the agent's files ---------------------------------------------------------- */

/* The agent's file `name`: 1 and its bytes (malloc'd), 0 if there is none,
 * -1 if it is a link or not a regular file (the program's doing). Read
 * through kata_agent_file(): never through a link the program planted. */
static int read_agent_file(const char *name, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = kata_agent_file(name, O_RDONLY, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd == -ELOOP || fd == -EINVAL)
		return -1;
	if (fd < 0)
		kata_setup_failed("opening a file in the agent's directory");
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t r;
	while (buf && (r = read(fd, buf + *len, cap - *len)) > 0) {
		*len += (size_t)r;
		if (*len == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	if (!buf)
		kata_setup_failed("malloc()");
	*data = buf;
	return 1;
}

/* The judge puts a file in the agent's directory, owned by the agent's uid. */
static void write_agent_file(const char *name, const char *data, size_t len)
{
	int fd = kata_agent_file(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		kata_setup_failed("writing a file into the agent's directory");
	close(fd);
}

/* Where two byte strings first differ, as a line number and the two lines. */
static void first_difference(const char *want, size_t wl, const char *got, size_t gl, char *out, size_t cap)
{
	size_t i = 0, line = 1, bol = 0;
	while (i < wl && i < gl && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			bol = i + 1;
		}
		i++;
	}
	const char *w = want + bol, *g = got + bol;
	int wn = (int)(memchr(w, '\n', wl - bol) ? (const char *)memchr(w, '\n', wl - bol) - w : (long)(wl - bol));
	int gn = (int)(gl > bol && memchr(g, '\n', gl - bol) ? (const char *)memchr(g, '\n', gl - bol) - g : (long)(gl > bol ? gl - bol : 0));
	if (wn > 80)
		wn = 80;
	if (gn > 80)
		gn = 80;
	if (i >= gl)
		snprintf(out, cap, "the file ends at byte %zu (line %zu), expected %zu bytes; next expected: \"%.*s\"%s", gl, line, wl,
			 wn, w, gl < wl ? " (lines still in a buffer when log_events() returned?)" : "");
	else if (i >= wl)
		snprintf(out, cap, "%zu bytes, expected %zu: extra bytes from line %zu on: \"%.*s\"", gl, wl, line, gn, g);
	else
		snprintf(out, cap, "line %zu differs at byte %zu: expected \"%.*s\", got \"%.*s\"", line, i - bol + 1, wn, w, gn, g);
}

/* What is wrong with the agent's file `name` against the oracle's, in words
 * (into d), or 0 when it is right. */
static int file_mismatch(const char *name, const struct file *want, char *d, size_t cap)
{
	char *got;
	size_t len;
	int exists = read_agent_file(name, &got, &len);
	int bad = 1;
	if (exists < 0)
		snprintf(d, cap, "%s is a link or not a regular file: the log must be a file the program wrote", name);
	else if (!want->exists && !exists)
		bad = 0;
	else if (!want->exists)
		snprintf(d, cap, "there should be no %s yet, and there is one", name);
	else if (!exists)
		snprintf(d, cap, "there is no %s; expected %zu bytes", name, want->len);
	else if (len != want->len || memcmp(got, want->data, len) != 0)
		first_difference(want->data, want->len, got, len, d, cap);
	else
		bad = 0;
	free(got);
	return bad;
}

static void expect_file(const char *name, const struct file *want)
{
	char what[160], d[600];
	snprintf(what, sizeof(what), "%s, byte for byte", name);
	int bad = file_mismatch(name, want, d, sizeof(d));
	kata_expect_true(what, !bad, bad ? d : NULL);
}

/* The call's syscalls: how many, per line, and the first few in order (the storm's pattern). */
static void note_syscalls(const struct kata_reply *r, size_t lines)
{
	if (!r->traced)
		return;
	char seq[400];
	size_t at = 0;
	int shown = r->nsc < 12 ? r->nsc : 12;
	for (int i = 0; i < shown && at < sizeof(seq); i++) {
		const char *name = kata_syscall_name(r->sc[i].nr, r->sc[i].compat);
		at += (size_t)snprintf(seq + at, sizeof(seq) - at, "%s%s", i ? " " : "", name ? name : "?");
	}
	kata_note("log_events() made %ld syscalls for %zu lines (%.2f per line)%s%s%s", r->nsc_total, lines,
		  lines ? (double)r->nsc_total / (double)lines : 0.0, shown ? "; the first: " : "", shown ? seq : "",
		  r->nsc > shown ? " ..." : "");
}

static const struct kata_reply *log_call(struct logstate *s, size_t n)
{
	static struct event ev[MAX_EVENTS];
	static unsigned char wire[KATA_WIRE_MAX_BYTES];
	size_t len = draw_events(ev, n, wire);
	oracle_log(s, ev, n);
	struct kata_args a = { .in = wire, .in_len = len };
	const struct kata_reply *r = kata_call("log", &a);
	return r;
}

static void fresh(void)
{
	struct logstate s = { 0 };
	size_t n = kata_rand_range(2000, MAX_EVENTS);
	const struct kata_reply *r = log_call(&s, n);
	kata_note("%zu events into a new app.log: %d rotations", n, s.rotations);
	note_syscalls(r, n);
	expect_file("app.log", &s.cur);
	expect_file("app.log.1", &s.old);
	free_state(&s);
}

/* A log that is already there, nearly full, and an old rotated one. */
static void existing_log(void)
{
	struct logstate s = { 0 };
	size_t have = kata_rand_range(LOG_ROTATE_BYTES - 3000, LOG_ROTATE_BYTES - 1);
	char *old = malloc(have);
	if (!old)
		kata_setup_failed("malloc()");
	memcpy(old, LOG_HEADER, strlen(LOG_HEADER));
	for (size_t i = strlen(LOG_HEADER); i < have; i++)
		old[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	old[have - 1] = '\n';
	file_put(&s.cur, old, have);
	const char stale[] = "# a rotated log from before\n";
	file_put(&s.old, stale, sizeof(stale) - 1);
	write_agent_file("app.log", old, have);
	write_agent_file("app.log.1", stale, sizeof(stale) - 1);
	free(old);
	size_t n = kata_rand_range(300, 1500);
	const struct kata_reply *r = log_call(&s, n);
	kata_note("app.log already holds %zu bytes (of %d before a rotation), app.log.1 an older log; %zu events: %d rotations",
		  have, LOG_ROTATE_BYTES, n, s.rotations);
	note_syscalls(r, n);
	expect_file("app.log", &s.cur);
	expect_file("app.log.1", &s.old);
	free_state(&s);
}

/* Two calls in a row: each leaves complete files, the second goes on from the first. */
static void two_runs(void)
{
	struct logstate s = { 0 };
	size_t n1 = kata_rand_range(1, 40), n2 = kata_rand_range(1000, 4000);
	const struct kata_reply *r = log_call(&s, n1);
	kata_note("log_events() twice: %zu events, then %zu more", n1, n2);
	note_syscalls(r, n1);
	expect_file("app.log", &s.cur);
	r = log_call(&s, n2);
	note_syscalls(r, n2);
	expect_file("app.log", &s.cur);
	expect_file("app.log.1", &s.old);
	free_state(&s);
}

/* ---- the counting run ------------------------------------------------------------ */

/* agent.c's count_log: its events, from its fixed seed (keep the two in step). */
static uint64_t mix_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The counting run logged every event: count.log and count.log.1 as the
 * oracle has them. Its budgets count syscalls only, and a program that
 * logs nothing when it is not writing app.log makes none.
 */
static const char *check_count_log(const int64_t ret[4], uint64_t iters)
{
	static struct event ev[MAX_EVENTS];
	static char why[700];
	if (kata_emulated())
		return NULL; /* the agent's directory is gone once an emulator's log is read */
	size_t n = iters < MAX_EVENTS ? (size_t)iters : MAX_EVENTS;
	uint64_t seed = 0x570e4f1dull, t = 1700000000ull * 1000000;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = mix_next(&seed);
		t += r % 3000000;
		ev[i] = (struct event){ .t_us = t,
					.source = (uint32_t)(r >> 24) & 0xffff,
					.level = (uint32_t)(r >> 40) & 3,
					.value = (int32_t)((r >> 42) % 200001) - 100000 };
	}
	struct logstate s = { 0 };
	oracle_log(&s, ev, n);
	char d[600];
	const char *bad = file_mismatch("count.log", &s.cur, d, sizeof(d))     ? "count.log"
			  : file_mismatch("count.log.1", &s.old, d, sizeof(d)) ? "count.log.1"
									       : NULL;
	free_state(&s);
	if (ret[0] != (int64_t)n)
		return "the agent's count of events logged is off";
	if (!bad)
		return NULL;
	snprintf(why, sizeof(why), "log_events(\"count.log\", %zu events): %s: %s", n, bad, d);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "fresh", fresh, 0 },
	{ "existing-log", existing_log, 0 },
	{ "two-runs", two_runs, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "lines", "count-log", NULL, check_count_log },
	{ 0 },
};
