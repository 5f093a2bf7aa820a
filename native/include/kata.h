/*
 * kata.h — the judge's side of a kata (exercises/<id>/check.c): the oracle,
 * the inputs and every observation, in a process the learner's code never
 * shares.
 *
 * The learner's functions run in another process, the agent (the kata's
 * agent.c and the learner's file, compiled as one unit, under
 * native/agent/runtime.c). A driver asks the agent to make a call with
 * kata_call(); the judge traces every syscall the agent makes during it
 * (ptrace: number, arguments, ABI, the address of the instruction, the
 * result), and the driver checks the values returned, the syscalls, and the
 * effects on its own side: the bytes in a pipe it holds, a file it reads, a
 * process it waits for. The runner compares each observation's expected and
 * got and decides.
 *
 * The judge's main() (native/judge/judge.c) runs the driver's tables in the
 * mode the runner asked for, starts a fresh agent for every case, and writes
 * one JSON record per line to fd 3, which no agent ever holds.
 */
#ifndef KATA_H
#define KATA_H

#include <stddef.h>
#include <stdint.h>

#include "kata-timing.h" /* kata_loop_fn, kata_sink, the measuring engine */
#include "kata-wire.h"

/* ---- what a driver defines ------------------------------------------- */

enum kata_case_flags {
	/* The case times the learner's code (the measure track): the agent runs
	 * without syscall stops, which would cost it microseconds per syscall. */
	KATA_UNTRACED = 1,
};

struct kata_case {
	const char *name;          /* short, stable: shown as "case 'name'" */
	void (*run)(void);
	unsigned flags;
};

/* A budget benchmark: the agent's call `agent_loop` (arg[0] = iterations)
 * timed by the judge's clock, interleaved with `reference`, a loop in the
 * judge's own process. */
struct kata_bench {
	const char *name;          /* matched by "bench" in kata.json */
	const char *agent_loop;
	kata_loop_fn reference;
	void (*setup)(void);       /* optional: runs before the agent starts (its vDSO, kata-vdso.h) */
	/* Optional: checks what each timed call of the loop answered (ret[0..3]),
	 * given the judge's CLOCK_MONOTONIC just before and after it. NULL if
	 * right, else what was wrong, in words: a function that behaves
	 * differently when timed fails there. It runs after the engine has read
	 * its clock for the call: its own cost is in no figure. */
	const char *(*check)(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns);
};

/* A counting run: the agent's call `agent_loop` (arg[0] = iterations),
 * every syscall traced and counted by the judge. */
struct kata_count {
	const char *name;          /* matched by "run" in kata.json */
	const char *agent_loop;
	void (*setup)(void);       /* optional: runs before the agent starts (its vDSO, kata-vdso.h) */
	/* Optional: checks what the counted call answered (ret[0..3]) and what
	 * the kernel counted meanwhile (kata_uring_ops_seen()): NULL if right,
	 * else what was wrong, in words. A loop that is counted by syscalls only
	 * could do its work some other way without a syscall at all, or skip it.
	 * The agent is still there (natively): kata_agent_file() reads its files. */
	const char *(*check)(const int64_t ret[4], uint64_t iters);
};

/* Each table ends with an all-zero entry. */
extern const struct kata_case kata_cases[];
extern const struct kata_bench kata_benches[];
extern const struct kata_count kata_counts[];

/* ---- inputs ------------------------------------------------------------ */

/* Deterministic per seed: the runner picks a fresh seed for every run. */
uint64_t kata_rand(void);
uint64_t kata_rand_range(uint64_t lo, uint64_t hi); /* uniform in [lo, hi] */
void kata_rand_bytes(void *buf, size_t n);

/* ---- calls into the agent ------------------------------------------------ */

struct kata_args {
	int64_t arg[6];
	const void *in;            /* bytes copied into the agent's memory */
	size_t in_len;
	size_t out_cap;            /* bytes the agent may send back */
	int fd[KATA_WIRE_MAX_FDS]; /* the judge's descriptors, passed to the agent: */
	int nfd;                   /* there they are KATA_AGENT_FD_BASE + i */
};

enum kata_origin {
	KATA_FROM_LEARNER,         /* a syscall instruction in the learner's unit */
	KATA_FROM_ELSEWHERE,       /* libc, the vDSO, code written at run time... */
};

struct kata_syscall {
	int tid;
	int compat;                /* entered through the 32-bit ABI (int $0x80) */
	long nr;
	uint64_t arg[6];
	int64_t ret;
	int returned;              /* 0: it never came back (exit, a crash) */
	uint64_t ip;               /* the address after the instruction that made it */
	enum kata_origin origin;
	int in_probe;              /* made from the learner's code inlined into a probe */
	/* What the judge read in the agent's memory as the syscall returned, for
	 * calls whose arguments live there: io_uring_setup's params.flags. */
	uint64_t looked;
};

#define KATA_MAX_TRACED 256

struct kata_reply {
	int64_t ret[4];
	const unsigned char *out;  /* out_len bytes the agent sent back */
	size_t out_len;
	int traced;                /* 0 under emulation or KATA_UNTRACED: sc[] is empty */
	const struct kata_syscall *sc; /* the call's syscalls, in order (the first KATA_MAX_TRACED) */
	int nsc;
	long nsc_total;
};

/*
 * Asks the agent to run `name` from its table and waits for the reply. The
 * agent is started on the first call of a case. If it crashes, exits or does
 * not answer in time, the judge reports that (signal, address, where) and
 * the case ends there: kata_call() does not return.
 */
const struct kata_reply *kata_call(const char *name, const struct kata_args *args);

/* Starts a fresh agent with `arg` as its argv[1] (the -nostdlib katas'
 * way in) and waits for it to end; the whole run's syscalls come back. */
struct kata_exit {
	int exited, code;          /* exited with code */
	int signal;                /* or killed by signal */
	int timed_out;
	const struct kata_syscall *sc;
	int nsc;
	long nsc_total;
	int traced;
};
const struct kata_exit *kata_run_agent(const char *arg, double timeout_s);

/* A loop in the agent, timed by whoever calls this (kata_measure_ns, a
 * round of kata-rounds.h): kata_call(name) with arg[0] = iters. */
void kata_call_loop(const char *name, uint64_t iters);

/* Pins the judge to the CPU it is on, then starts the case's agent there (it
 * inherits the pin), so that its start-up lands in no measurement. */
void kata_pin_and_start_agent(void);

/* The agent's pid (starting it if needed), for oracles that look at it from
 * outside: /proc/<pid>/maps, process_vm_readv. */
int kata_agent_pid(void);
/* Reads the agent's memory at `addr` (process_vm_readv); returns bytes read or -errno. */
long kata_agent_read(uint64_t addr, void *buf, size_t len);
/* The agent's page faults so far (minor, major), from /proc/<agent>/stat:
 * read before and after a call, the difference is what the call cost in
 * faults. Natively only: under an emulator they are the emulator's (-1). */
struct kata_faults {
	long minor, major;
};
void kata_agent_faults(struct kata_faults *out);

/*
 * A file in the agent's own directory, opened by the judge: by the path the
 * judge made it at (never the agent's cwd, which the agent may change),
 * without following a link the agent planted (O_NOFOLLOW), and only if it is
 * a regular file. A file the judge creates (O_CREAT) is handed to the agent's
 * uid. The descriptor, or -errno (-ENOENT: there is none; -ELOOP/-EINVAL: it
 * is a link or not a regular file: the learner's doing, to report as such).
 */
int kata_agent_file(const char *name, int flags, unsigned mode);

/* What the agent has written so far, as the kernel counts it (wchar in
 * /proc/<agent>/io: every byte write(2), writev(2) and their siblings took),
 * or -1. For a bench's check: a timed loop that skips its writes shows. */
long long kata_agent_written(void);

/* The agent's io_uring instances, as the kernel holds them (uring-info.c:
 * /proc/<agent>/fdinfo of each ring descriptor): what the kernel consumed
 * and posted, its SQPOLL thread, what is registered. Fields a kernel does not
 * show are -1; files[] and bufs[] hold the first KATA_URING_LISTED entries. */
#define KATA_URING_LISTED 8
struct kata_uring_info {
	int fd;
	long sq_head, sq_tail, cq_tail;
	int sq_thread;
	int user_files, user_bufs;
	char files[KATA_URING_LISTED][128];
	struct {
		uint64_t addr, len;
	} bufs[KATA_URING_LISTED];
};
/* Fills up to cap rings; returns how many, or -1 if the agent's fds cannot be read. */
int kata_agent_urings(struct kata_uring_info *out, int cap);
/* The agent's SQE array (the mapping at IORING_OFF_SQES of its first ring in
 * /proc/<agent>/maps), copied into buf (up to cap bytes) as the agent's memory
 * holds it: the number of 64-byte SQEs, 0 if there is no such mapping, -1 if
 * unreadable. What the learner's code wrote, so only evidence beside fdinfo's. */
long kata_agent_sqes(void *buf, size_t cap);
/* The kernel's own count of the io_uring requests it set up for the agent
 * (the tracepoint io_uring:io_uring_submit_req, on the agent's task and the
 * threads it starts from then on), of the opcodes in `opcodes` (a bit per
 * IORING_OP_*: KATA_URING_OP(IORING_OP_READ) | ...) with all of
 * `sqe_flags` (IOSQE_*) set: the requests the kernel really ran, where the
 * SQE array is only what the agent's memory holds afterwards. From now on
 * every kata_call() (and so every counting run) and every audited timed
 * call of a bench is counted. 1 when the kernel lets the judge count
 * (root, tracefs), else 0. */
#define KATA_URING_OP(op) (1ull << (op))
/* Every way an SQE reads a file or writes one (the driver includes <linux/io_uring.h>). */
#define KATA_URING_READ_OPS (KATA_URING_OP(IORING_OP_READ) | KATA_URING_OP(IORING_OP_READV) | KATA_URING_OP(IORING_OP_READ_FIXED))
#define KATA_URING_WRITE_OPS \
	(KATA_URING_OP(IORING_OP_WRITE) | KATA_URING_OP(IORING_OP_WRITEV) | KATA_URING_OP(IORING_OP_WRITE_FIXED))
int kata_watch_uring_ops(uint64_t opcodes, unsigned sqe_flags);
/* During the last agent call: the requests counted, or -1 if not counted
 * (no watch, not available here, or a timed call that was not an audit). */
long kata_uring_ops_seen(void);
/* Every request the kernel set up for the agent during the last call, of
 * any opcode (-1 when kata_uring_ops_seen() is): the watched ones and all
 * others. */
long kata_uring_requests_seen(void);
/* For a check's answer: NULL when the kernel counted at least `wanted` of
 * the watched requests during the last call (or could not count), else a
 * sentence that says how many, naming them `what` ("READ requests"). */
const char *kata_uring_ops_fewer(uint64_t wanted, const char *what);
/* For a counting run's check: the loop says it did `done` of its `iters`
 * items (bytes / item size, rounded up; negative: an error, as it is). NULL
 * when at least half were done (a ring set up per call may meet ENOMEM
 * under load while rings torn down a moment ago are still being freed) and
 * the kernel counted `per_item` watched requests for each item done; else
 * what was wrong, in words. */
const char *kata_uring_loop_fewer(int64_t done, uint64_t iters, unsigned per_item, const char *what);
/* Whether this kernel's io_uring runs opcode `op` (IORING_REGISTER_PROBE on
 * a ring of the judge's own): 1, 0, or -errno when the judge gets no ring. */
int kata_uring_op_supported(int op);
/* kata_unsupported() unless it does: a run-time skip, named by `name`. */
void kata_require_uring_op(int op, const char *name);

/* Whether the agent runs under an emulator (its syscalls cannot be traced). */
int kata_emulated(void);

/* Extra command-line arguments and environment strings (each list ends with
 * NULL; either may be NULL; up to 32 of each) for the next agent the judge
 * starts, after its usual ones; that start uses them, the next does not.
 * For the katas about the start-up stack, where they move envp and the
 * auxiliary vector. The strings must live until that start (kata_call). */
void kata_agent_start_with(const char *const *args, const char *const *env);

/* ---- observations ---------------------------------------------------------- */

/* `what` says what was looked at ("return value", "bytes read back from the
 * pipe"); the runner shows it on a mismatch. */
void kata_expect_i64(const char *what, long long expected, long long got);
void kata_expect_bytes(const char *what, const void *expected, size_t expected_len,
		       const void *got, size_t got_len);
void kata_expect_true(const char *what, int ok, const char *detail);

/*
 * The call made the syscall `nr` once, itself: from the learner's own code,
 * through the 64-bit entry, with the first `nargs` arguments in `args`, and
 * returned what the kernel returned (`returned`). Each way it can be wrong
 * gets its own words (another number, libc's code, int $0x80, a register
 * the asm did not set). Under emulation only the return value is checked.
 */
void kata_expect_syscall(const char *what, const struct kata_reply *r, long nr, int nargs, const int64_t *args,
			 int64_t returned);

/* An argument kata_expect_syscall() does not compare (a pointer into the agent). */
#define KATA_ANY INT64_MIN

/* The clobber probe (KATA_CLOBBER_PROBE in kata-agent.h): the agent's call
 * sent back what survived in rcx (ret[1]) and r11 (ret[2]) of `magic`. */
void kata_expect_clobbers(const char *what, const struct kata_reply *r, int64_t magic);

/* A value for the clobber probe, fresh per call. */
int64_t kata_magic(void);

/* The set-up of a case failed on the judge's side (no pipe, no memfd): an
 * error in the harness, not the learner's. Ends the case. */
/* The running kernel lacks what the case needs (an io_uring opcode, a ring
 * feature, SQPOLL for an unprivileged process): the case, and the kata on this
 * machine, is "unavailable here" with the reason, never a failure (liburing's
 * T_SETUP_SKIP). Does not return. */
void kata_unsupported(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void kata_setup_failed(const char *what) __attribute__((noreturn));

/* Free text shown with the case's result (e.g. the inputs used). */
void kata_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether syscall `nr` (64-bit ABI) moves data out of, or into, the
 * process: the runner's @write-like and @read-like groups
 * (runner/src/syscall-groups.ts), once for every driver. */
int kata_is_write_like(long nr);
int kata_is_read_like(long nr);

/* The syscall's name on the agent's architecture ("write"), or NULL. */
const char *kata_syscall_name(long nr, int compat);

/* The judge's architecture as a learner reads it: "x86-64", "ARM64". */
const char *kata_arch_name(void);

/* What a traced syscall was and what it answered, in words: "rax = 4 is stat on x86-64 and
 * returned -14 (EFAULT)", "rax = 1231 is no syscall on x86-64 (-ENOSYS)". */
void kata_syscall_words(const struct kata_syscall *s, char *buf, size_t n);

/* One call's trace as the io_uring katas read it (uring-trace.c): the ring's
 * syscalls, and the read- and write-like ones (kata_is_read_like(), ...: a
 * syscall that is both counts in both) other than on the agent's channel.
 * Only the 64-bit ABI's, but `others` counts every syscall that is not an
 * io_uring_enter, compat ones too. Over the traced syscalls (r->sc);
 * `unseen` are those past them. */
struct kata_ring_calls {
	long enters, enters_waiting;     /* waiting: min_complete > 0 or IORING_ENTER_GETEVENTS */
	long setups, registers;
	long reads, writes;
	long others;
	long read_nr, write_nr, other_nr; /* the last of each, or -1 */
	long unseen;
	const struct kata_syscall *last_enter, *first_setup; /* or NULL */
};
void kata_count_ring_calls(const struct kata_reply *r, struct kata_ring_calls *out);

/* A file of the judge's holding `len` bytes of `bytes`, in the page cache
 * (cached-file.c): an unlinked file in /tmp, a memfd only where /tmp takes
 * none (on tmpfs io_uring reads go to io-wq threads; cached pages of a disk
 * file are read inline). The descriptor, O_CLOEXEC; a set-up failure that
 * names `what` otherwise. */
int kata_cached_file(const void *bytes, size_t len, const char *what);

/* ---- descriptors on the driver's side (driver-fds.c) ---------------------- */

/* /dev/null, write-only, opened once: for a bench's reference loop (open it
 * in the bench's setup, so that no timed call pays for it). Ends the case as
 * a set-up failure if it cannot be opened. */
int kata_dev_null(void);

/* Appends to buf[len..cap) what the non-blocking `fd` holds now (a pipe's
 * read end); returns the new length. */
size_t kata_drain(int fd, void *buf, size_t len, size_t cap);

#endif
