/*
 * confine.h — how the judge locks the agent down before it runs a single
 * instruction of the learner's: what the agent may read, write, execute,
 * signal and call. Prepared in the judge (errors can be reported), applied
 * in the forked child just before exec.
 */
#ifndef KATA_CONFINE_H
#define KATA_CONFINE_H

#include <stddef.h>
#include <sys/types.h>

struct confine_plan {
	const char *dir;     /* the agent's own temporary directory: the only place it may write */
	const char *exe;     /* what is exec'd: the agent program, or the emulator */
	const char *guest;   /* under an emulator, the program it runs (in dir) */
	uid_t uid;           /* the agent's uid (a fresh one when the judge is root) */
	int grading;         /* refuse the 32-bit ABI */
	int io_uring;        /* allow io_uring (else it is refused: a way around every count) */
	int emulated;
	double timeout_s;    /* RLIMIT_CPU follows it */
	pid_t judge;
	int no_seccomp;      /* a timed run: no filter (see agent-process.c) */
	/* filled by confine_prepare() */
	int exe_fd;
	int ruleset_fd;      /* Landlock, or -1 where the kernel has none */
	int landlock_abi;
	void *seccomp;       /* libseccomp's context */
};

/* In the judge: opens the program, builds the Landlock ruleset and the
 * seccomp filter. 0, or -1 with the reason in err. */
int confine_prepare(struct confine_plan *p, char *err, size_t errlen);
/* In the child, first: the channel stays at keep_fd, every other descriptor
 * but 0-2 is closed; limits, process group, directory, uid. */
void confine_child(struct confine_plan *p, int keep_fd);
/* In the child, last before exec: no new privileges, Landlock, seccomp. */
int confine_lock(struct confine_plan *p);
/* In the judge, after fork. */
void confine_release(struct confine_plan *p);

/* A uid nobody else uses, for one agent (the judge runs as root). */
uid_t confine_pick_uid(void);

#endif
