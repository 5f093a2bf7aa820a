/*
 * Driver for batch-short-writes: write_all() must deliver every byte exactly
 * once, in order, when the kernel takes less than it was given.
 *
 * The judge holds the read end of a small pipe and drains it from a thread
 * of its own, slowly and in small bites, while it interrupts the agent with
 * SIGUSR1 (its handler is installed by agent.c without SA_RESTART): a
 * blocking write then comes back short or with -EINTR, a non-blocking one
 * with -EAGAIN until the reader makes room. The judge compares what it read
 * with what it sent, and looks at the traced syscalls: a write retried after
 * -EAGAIN without a poll between is a busy loop.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_LEN KATA_WIRE_MAX_BYTES

/* ---- the judge's slow reader (a thread of the judge's, not the agent's) ---- */

enum reader_mode {
	BLOCKING_BITES,    /* pause, signal, pause, signal, bite: short writes and -EINTR */
	NONBLOCKING_BITES, /* pause, bite, a signal every third bite: -EAGAIN, poll's -EINTR */
	STOP_AFTER,        /* read `limit` bytes, then close the read end: -EPIPE */
};

struct reader {
	int fd;
	pid_t agent;
	enum reader_mode mode;
	size_t limit;        /* STOP_AFTER: bytes to read before closing */
	size_t bite_min, bite_max;
	long pause_us;
	volatile int call_done; /* the agent's call has returned: drain and stop */
	volatile int abandon;   /* the case ended early: stop now */
	unsigned char got[MAX_LEN + 1];
	size_t n;
	long bites, signals;
	uint64_t rng;        /* the thread's own: kata_rand() is the main thread's */
};

static struct reader R;
static pthread_t reader_thread;
static int reader_running;

static void pause_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void poke(struct reader *r)
{
	if (!r->call_done && !r->abandon && kill(r->agent, SIGUSR1) == 0)
		r->signals++;
}

static size_t reader_rand(struct reader *r, size_t lo, size_t hi)
{
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	return lo + (size_t)(r->rng % (hi - lo + 1));
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	double deadline = now_s() + 30;
	while (!r->abandon && now_s() < deadline) {
		int draining = r->call_done;
		if (!draining) {
			pause_us(r->pause_us);
			if (r->mode == BLOCKING_BITES) {
				poke(r);
				pause_us(r->pause_us);
				poke(r);
				pause_us(r->pause_us);
			} else if (r->mode == NONBLOCKING_BITES && r->bites % 3 == 2) {
				poke(r);
			}
		}
		size_t room = sizeof(r->got) - r->n;
		size_t bite = reader_rand(r, r->bite_min, r->bite_max);
		if (draining)
			bite = room;
		if (r->mode == STOP_AFTER && r->n + bite > r->limit)
			bite = r->limit - r->n;
		if (bite > room)
			bite = room;
		if (bite == 0) {
			if (r->mode == STOP_AFTER) {
				close(r->fd);
				r->fd = -1;
			}
			return NULL;
		}
		struct pollfd p = { r->fd, POLLIN, 0 };
		if (poll(&p, 1, draining ? 0 : 20) <= 0) {
			if (draining)
				return NULL; /* empty and the call is over */
			continue;
		}
		ssize_t k = read(r->fd, r->got + r->n, bite);
		if (k == 0)
			return NULL; /* every write end is closed */
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return NULL;
		}
		r->n += (size_t)k;
		r->bites++;
		if (r->mode != STOP_AFTER && r->n >= r->limit)
			r->call_done = 1; /* everything has arrived: no more signals */
	}
	return NULL;
}

static void reader_stop(void)
{
	if (!reader_running)
		return;
	R.abandon = 1;
	pthread_join(reader_thread, NULL);
	reader_running = 0;
	if (R.fd >= 0)
		close(R.fd);
	R.fd = -1;
}

static void reader_start(int fd, pid_t agent, enum reader_mode mode, size_t limit, size_t bmin, size_t bmax, long pause)
{
	reader_stop(); /* a case that ended early (a crash) leaves one behind */
	memset(&R, 0, sizeof(R));
	R.fd = fd;
	R.agent = agent;
	R.mode = mode;
	R.limit = limit;
	R.bite_min = bmin;
	R.bite_max = bmax;
	R.pause_us = pause;
	R.rng = kata_rand() | 1;
	if (pthread_create(&reader_thread, NULL, reader_main, &R) != 0)
		kata_setup_failed("pthread_create() for the reader");
	reader_running = 1;
}

/* After the call: the reader drains what is left (the agent closed its copy
 * of the write end when the call returned; the judge closes its own). */
static void reader_finish(void)
{
	R.call_done = 1;
	pthread_join(reader_thread, NULL);
	reader_running = 0;
	if (R.fd >= 0)
		close(R.fd);
	R.fd = -1;
}

/* ---- the traced syscalls ------------------------------------------------------ */

static int is_wait(long nr)
{
	return nr == SYS_ppoll || nr == SYS_pselect6 || nr == SYS_epoll_pwait ||
#ifdef SYS_poll
	       nr == SYS_poll || nr == SYS_select || nr == SYS_epoll_wait ||
#endif
#ifdef SYS_epoll_pwait2
	       nr == SYS_epoll_pwait2 ||
#endif
	       0;
}

/* The kernel's answer for an interrupted call, as the tracer sees it at the
 * syscall's exit (before the signal turns ERESTARTSYS into EINTR). */
static int interrupted(int64_t ret)
{
	return ret == -EINTR || ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

struct tally {
	int writes, short_writes, eintr_writes, eagain_writes, waits, eintr_waits;
	int spins;           /* -EAGAIN, then another write with no wait between */
	int sig_changes;     /* rt_sigaction / rt_sigprocmask / sigaltstack */
	const char *write_name;
};

static void tally(const struct kata_reply *r, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	int eagain_pending = 0;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *s = &r->sc[i];
		if (s->compat)
			continue;
		/* Changes only (a NULL new value asks): the agent reads SIGUSR1's back at the end. */
		if ((s->nr == SYS_rt_sigaction || s->nr == SYS_rt_sigprocmask || s->nr == SYS_sigaltstack) &&
		    s->arg[s->nr == SYS_sigaltstack ? 0 : 1] != 0)
			t->sig_changes++;
		if (is_wait(s->nr)) {
			t->waits++;
			t->eintr_waits += s->returned && interrupted(s->ret);
			eagain_pending = 0;
		}
		if (!kata_is_write_like(s->nr))
			continue;
		t->writes++;
		if (!t->write_name)
			t->write_name = kata_syscall_name(s->nr, 0);
		if (eagain_pending)
			t->spins++;
		eagain_pending = 0;
		if (!s->returned)
			continue;
		if (s->ret == -EAGAIN) {
			t->eagain_writes++;
			eagain_pending = 1;
		} else if (interrupted(s->ret)) {
			t->eintr_writes++;
		} else if (s->ret >= 0 && (uint64_t)s->ret < s->arg[2] && (s->nr == SYS_write || s->nr == SYS_pwrite64)) {
			t->short_writes++;
		}
	}
}

/* ---- one run of write_all() against the slow reader ------------------------------ */

struct run {
	const struct kata_reply *r;
	size_t len;
	unsigned char *sent;
};

/* Installs the agent's SIGUSR1 handler (no SA_RESTART) and SIGPIPE's SIG_IGN. */
static void arm_agent(void)
{
	struct kata_args a = { 0 };
	const struct kata_reply *r = kata_call("arm", &a);
	if (r->ret[0] != 0)
		kata_setup_failed("rt_sigaction() in the agent");
}

static const struct kata_reply *call_write_all(int wfd, const unsigned char *buf, size_t len)
{
	struct kata_args a = { .arg = { (int64_t)len }, .in = buf, .in_len = len, .fd = { wfd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("write_all", &a);
	close(wfd);
	return r;
}

static void check_signals_untouched(const struct kata_reply *r, const struct tally *t)
{
	const char *detail = NULL;
	if (r->traced && t->sig_changes)
		detail = "your code changed the process's signal handling (rt_sigaction, rt_sigprocmask or sigaltstack) "
			 "during the call: the interruptions are part of the test; handle -EINTR instead of avoiding it";
	else if (r->ret[2] != 1)
		detail = "after the call SIGUSR1's handler was not the one the harness installed (or it had SA_RESTART): "
			 "leave signal handling alone and handle -EINTR";
	kata_expect_true("signal handling left as the harness set it (SIGUSR1, no SA_RESTART)", !detail, detail);
}

static void check_delivery(const struct kata_reply *r, const unsigned char *sent, size_t len)
{
	if (r->ret[0] == -EINTR || r->ret[0] == -EAGAIN) {
		char d[300];
		snprintf(d, sizeof(d), "write_all() returned %s after %zu of %zu bytes: %s", r->ret[0] == -EINTR ? "-EINTR (-4)" : "-EAGAIN (-11)",
			 R.n, len,
			 r->ret[0] == -EINTR ? "EINTR only says a signal arrived while write() or poll() waited, before anything "
					       "was written; nothing failed. Call it again"
					     : "EAGAIN only says a non-blocking descriptor is full for now. Wait with poll(POLLOUT), then write again");
		kata_expect_true("-EINTR and -EAGAIN handled, not returned", 0, d);
	}
	if (R.n < len && r->ret[0] >= 0 && (size_t)r->ret[0] == R.n) {
		char d[240];
		snprintf(d, sizeof(d), "%zu of %zu bytes arrived, and write_all() returned %lld: the kernel took fewer bytes "
			 "than it was given (a short write), which is not the end. Call write() again for the rest",
			 R.n, len, (long long)r->ret[0]);
		kata_expect_true("every byte arrived", 0, d);
	}
	kata_expect_bytes("bytes read back from the pipe, in order", sent, len, R.got, R.n);
	kata_expect_i64("return value (bytes written)", (long long)len, r->ret[0]);
}

static void blocking_pipe(void)
{
	static unsigned char sent[MAX_LEN];
	size_t len = kata_rand_range(40000, MAX_LEN);
	kata_rand_bytes(sent, len);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	long cap = fcntl(fds[1], F_SETPIPE_SZ, 16384);
	fcntl(fds[0], F_SETFL, O_NONBLOCK); /* the reader's end only: the writer's blocks */
	pid_t agent = kata_agent_pid();
	arm_agent();
	kata_note("write_all(blocking pipe of %ld bytes, %zu random bytes); the reader takes 1-4 KiB every ~6 ms and "
		  "sends SIGUSR1 twice between bites", cap, len);
	reader_start(fds[0], agent, BLOCKING_BITES, len, 1024, 4096, 2000);
	const struct kata_reply *r = call_write_all(fds[1], sent, len);
	reader_finish();
	struct tally t;
	tally(r, &t);
	kata_note("%ld signals sent, %lld handled in the agent", R.signals, (long long)r->ret[1]);
	if (r->traced)
		kata_note("traced: %d write calls, %d came back short, %d interrupted (-EINTR)", t.writes, t.short_writes,
			  t.eintr_writes);
	check_delivery(r, sent, len);
	check_signals_untouched(r, &t);
}

static void nonblocking_pipe(void)
{
	static unsigned char sent[MAX_LEN];
	size_t len = kata_rand_range(40000, MAX_LEN);
	kata_rand_bytes(sent, len);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		kata_setup_failed("pipe2()");
	long cap = fcntl(fds[1], F_SETPIPE_SZ, 16384);
	pid_t agent = kata_agent_pid();
	arm_agent();
	kata_note("write_all(non-blocking pipe of %ld bytes, %zu random bytes); the reader takes 1-4 KiB every ~1 ms "
		  "and sends SIGUSR1 every third bite", cap, len);
	reader_start(fds[0], agent, NONBLOCKING_BITES, len, 1024, 4096, 1000);
	struct kata_args a = { .arg = { (int64_t)len }, .in = sent, .in_len = len, .fd = { fds[1] }, .nfd = 1 };
	const struct kata_reply *r = kata_call("write_all", &a);
	int flags = fcntl(fds[1], F_GETFL);
	close(fds[1]);
	reader_finish();
	struct tally t;
	tally(r, &t);
	kata_note("%ld signals sent, %lld handled in the agent; the reader took %ld bites", R.signals,
		  (long long)r->ret[1], R.bites);
	if (r->traced)
		kata_note("traced: %d write calls (%d got -EAGAIN, %d short), %d waits in poll (%d interrupted)%s", t.writes,
			  t.eagain_writes, t.short_writes, t.waits, t.eintr_waits,
			  r->nsc_total > r->nsc ? " (in the first 256 syscalls)" : "");
	check_delivery(r, sent, len);
	/* Nor cleared for the while: blocking writes would never meet -EAGAIN, which is the lesson. */
	for (int i = 0; r->traced && i < r->nsc; i++)
		if (r->sc[i].nr == SYS_fcntl && (long)r->sc[i].arg[0] == KATA_AGENT_FD_BASE && (long)r->sc[i].arg[1] == F_SETFL) {
			kata_expect_true("the descriptor stays non-blocking throughout", 0,
					 "write_all() changed the harness's descriptor's flags (fcntl F_SETFL) during the call: "
					 "a blocking write never meets -EAGAIN; wait for room with poll() instead");
			break;
		}
	kata_expect_true("the descriptor is still non-blocking", flags >= 0 && (flags & O_NONBLOCK),
			 "write_all() cleared O_NONBLOCK on the harness's descriptor (fcntl F_SETFL): that changes the "
			 "caller's file, not just your loop. Wait for room with poll() instead");
	check_signals_untouched(r, &t);
	if (r->traced) {
		char d[320];
		snprintf(d, sizeof(d),
			 "%s returned -EAGAIN (-11) and was called again without waiting, %d times%s: that is a busy loop "
			 "burning a CPU (and a syscall each turn) until the reader makes room. Wait with poll(fd, POLLOUT) "
			 "between attempts",
			 t.write_name ? t.write_name : "write", t.spins,
			 r->nsc_total > r->nsc ? " in the first 256 syscalls" : "");
		kata_expect_true("waits in poll after -EAGAIN", t.spins == 0, t.spins ? d : NULL);
		long budget = 2 * R.bites + R.signals + 4;
		snprintf(d, sizeof(d), "%s: %d calls%s for %ld bites the reader took, budget <= %ld (2 per bite + 1 per signal + 4)",
			 t.write_name ? t.write_name : "write", t.writes, r->nsc_total > r->nsc ? " (at least)" : "", R.bites,
			 budget);
		kata_expect_true("write calls bounded by the reader's pace", t.writes <= budget, t.writes <= budget ? NULL : d);
	}
}

static void broken_pipe(void)
{
	static unsigned char sent[MAX_LEN];
	size_t len = kata_rand_range(40000, MAX_LEN);
	size_t limit = kata_rand_range(1024, 8192);
	kata_rand_bytes(sent, len);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fcntl(fds[1], F_SETPIPE_SZ, 16384);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	pid_t agent = kata_agent_pid();
	arm_agent();
	kata_note("write_all(blocking pipe, %zu bytes); the reader takes %zu bytes, then closes its end", len, limit);
	reader_start(fds[0], agent, STOP_AFTER, limit, 512, 2048, 1000);
	const struct kata_reply *r = call_write_all(fds[1], sent, len);
	reader_finish();
	kata_expect_i64("return value (the reader is gone: -EPIPE)", -EPIPE, r->ret[0]);
	kata_expect_bytes("the bytes the reader took, in order", sent, R.n < len ? R.n : len, R.got, R.n);
}

/* The counting run's reader is a child the agent forks (it has no judge's
 * descriptors): see agent.c. Nothing to prepare here. */

const struct kata_case kata_cases[] = {
	{ "blocking-pipe", blocking_pipe, 0 },
	{ "nonblocking-pipe", nonblocking_pipe, 0 },
	{ "untraced", blocking_pipe, KATA_UNTRACED },
	{ "broken-pipe", broken_pipe, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "slow-reader", "count-loop" },
	{ 0 },
};
