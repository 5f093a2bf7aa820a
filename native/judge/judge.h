/*
 * judge.h — what the judge's modules share (not for drivers: they use kata.h).
 */
#ifndef KATA_JUDGE_H
#define KATA_JUDGE_H

#include <setjmp.h>
#include <stdint.h>
#include <sys/types.h>

#include "kata.h"

/* How the agent is started: from the judge's command line. */
struct agent_config {
	const char *exe;              /* the agent program */
	const char *emulator;         /* qemu-<arch> in front of it, or NULL */
	uint64_t learner_lo, learner_hi; /* the learner's unit's code */
	uint64_t runtime_lo, runtime_hi; /* the agent runtime's code: its syscalls are the channel's */
	int nostdlib;                 /* no runtime, no channel: kata_run_agent() only */
	/* The addresses after the learner's own syscall instructions (from the
	 * agent's line table), and those inlined into a probe; when given, a
	 * syscall from any other address in the learner's unit is not theirs. */
	int have_own;
	uint64_t own[4096], probe[4096];
	int nown, nprobe;
	int grading;                  /* refuse the 32-bit ABI */
	int io_uring;                 /* the kata is about io_uring: the agent may set up rings */
	double call_timeout_s;
};

void agent_configure(const struct agent_config *c);
/* What the agents started from now on find as their vDSO: 0 the kernel's,
 * 1 none, 2 `image` (len bytes, as it lies in memory) mapped at `addr`. */
void agent_vdso_start(int mode, const void *image, size_t len, uint64_t addr);
/* Starts agents traced (syscall stops) or not, from the next start on. */
void agent_set_traced(int traced);
/* Ends the current agent, if any; reports processes it left behind. */
void agent_stop(void);

/* A case ends early (the agent died, the set-up failed): kata_call() and
 * kata_setup_failed() jump here. */
extern jmp_buf judge_case_end;
extern int judge_in_case;

/* A counting run: calls `name` with `iters` and fills the histogram of every
 * syscall it made (native: traced; emulated: from qemu's log). */
#define COUNT_ROWS 256
struct count_result {
	struct {
		char name[32];
		int compat;           /* x86-64's 32-bit ABI */
		long n;
		long elsewhere;       /* of which made outside the learner's unit */
		long errors;          /* of which returned an error (natively) */
		long long ns;         /* time from entry to exit as the tracer saw it (natively) */
	} rows[COUNT_ROWS];
	int nrows;
	long elsewhere;
	long total;
	int traced;                   /* 0: the counts come from an emulator's log */
	int64_t ret[4];               /* the counted call's answer (for the count's check) */
};
void agent_count(const char *name, uint64_t iters, struct count_result *out);
/* From now on every call's syscalls go into `out` too (NULL: no more); natively only. */
void agent_trace_cases(struct count_result *out);

/* One timed round trip of `name` with arg[0] = iters; the agent's CPU time
 * and, for an audit call where the kernel allows it, its syscalls (else -1). */
struct timed_result {
	double wall_ns, cpu_ns;
	long syscalls;
	int64_t ret[4];               /* the loop's reply (its last answer, for the bench's check) */
	int64_t before_ns, after_ns;  /* the judge's CLOCK_MONOTONIC around the call */
};
void agent_timed_call(const char *name, uint64_t iters, int audit, struct timed_result *out);

/* A tracepoint's perf id ("raw_syscalls/sys_enter"), from tracefs (mounted or
 * under debugfs), or -1 where tracefs is not there. */
int judge_tracepoint_id(const char *event);
/* The counters behind kata_watch_uring_ops() (uring-info.c): read before and
 * after an agent call (when a watch is set; agent 0: this call is not
 * counted, and they close), kept open for the agent, closed when it stops. */
void uring_watch_begin(pid_t agent);
void uring_watch_end(void);
void uring_watch_close(void);

/* Records (judge.c). */
void judge_crash_record(int sig, uint64_t addr, uint64_t pc, uint64_t sp, int in_learner, uint64_t learner_off,
			int main_thread, const char *stack);
void judge_error_record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void judge_agent_end_record(const char *how, int code, int sig);
void judge_leftover_record(int count, const pid_t *pids, int named);

#endif
