/*
 * Driver for x86-exit: the agent is a -nostdlib program (agent.c's
 * kata_nolibc_main, which starts a second thread and calls raw_exit(n) with
 * n from its command line). The judge starts it a few times with a random n
 * in 1..250 and checks the exit status, and, traced, the syscall that ended
 * it: exit_group (231) with n in rdi, from the learner's own code.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#define WATCHDOG_STATUS 251

/* The first syscall of the learner's that came back with an error: after it their code ran on,
 * which explains what happened next better than the way the process ended. */
static void note_failed_call(const struct kata_exit *e, char *buf, size_t n)
{
	buf[0] = 0;
	for (int i = 0; i < e->nsc; i++) {
		const struct kata_syscall *s = &e->sc[i];
		if (s->origin != KATA_FROM_LEARNER || !s->returned || s->ret >= 0 || s->ret < -4095)
			continue;
		char words[200];
		kata_syscall_words(s, words, sizeof(words));
		snprintf(buf, n, "; before that, %s, and raw_exit ran on past it", words);
		return;
	}
}

static void one_run(void)
{
	int n = (int)kata_rand_range(1, 250);
	char arg[16], what[96], detail[600], failed[300];
	snprintf(arg, sizeof(arg), "%d", n);
	kata_note("prog %d: the process must end with exit status %d", n, n);
	const struct kata_exit *e = kata_run_agent(arg, 3.0);
	note_failed_call(e, failed, sizeof(failed));
	if (!e->exited) {
		if (e->signal == SIGILL)
			snprintf(detail, sizeof(detail),
				 "killed by SIGILL: raw_exit(%d) returned, and _start ran into ud2 (nothing after it may run)", n);
		else if (e->signal)
			snprintf(detail, sizeof(detail), "killed by signal %d (%s)", e->signal, strsignal(e->signal));
		else
			snprintf(detail, sizeof(detail), "it did not end within 3 s");
		strncat(detail, failed, sizeof(detail) - strlen(detail) - 1);
		snprintf(what, sizeof(what), "prog %d exited (rather than being killed)", n);
		kata_expect_true(what, 0, detail);
		return;
	}
	/* The syscalls that end threads: what the learner's code made. */
	int group = -1, thread = -1, poisoned = -1;
	for (int i = 0; i < e->nsc; i++) {
		const struct kata_syscall *s = &e->sc[i];
		if (s->origin != KATA_FROM_LEARNER || s->compat)
			continue;
		if (s->nr == SYS_exit_group && (int)s->arg[0] == n && group < 0)
			group = i;
		if (s->nr == SYS_exit_group && (s->arg[0] & 0xffffffffu) == 0x5ca1ab1eu && poisoned < 0)
			poisoned = i;
		if (s->nr == SYS_exit && thread < 0)
			thread = i;
	}
	/* What the kernel saw first: it says why a status is wrong. */
	snprintf(what, sizeof(what), "raw_exit(%d): one exit_group syscall with %d in rdi, made by your own code", n, n);
	if (e->traced && group >= 0) {
		kata_expect_true(what, 1, NULL);
	} else if (e->traced) {
		if (thread >= 0)
			snprintf(detail, sizeof(detail),
				 "it made exit (60), which ends only the calling thread; exit_group (231) ends the process");
		else if (poisoned >= 0)
			snprintf(detail, sizeof(detail),
				 "exit_group reached the kernel with rdi = 0x%llx, the value the harness left in the register: "
				 "your asm never put the status there (is it an input operand, \"D\"?)",
				 (unsigned long long)e->sc[poisoned].arg[0]);
		else
			snprintf(detail, sizeof(detail), "the process ended without an exit_group(%d) syscall from your code%s", n,
				 failed);
		kata_expect_true(what, 0, detail);
	}
	snprintf(what, sizeof(what), "exit status of prog %d", n);
	kata_expect_i64(what, n, e->code);
	if (e->code == WATCHDOG_STATUS) {
		snprintf(detail, sizeof(detail),
			 "%d: the process was still running 1 s after raw_exit(): another thread was alive%s",
			 WATCHDOG_STATUS,
			 !e->traced || thread >= 0 ? ". exit (60) ends only the calling thread; exit_group (231) ends the process"
						   : "");
		kata_expect_true("raw_exit() ended the whole process", 0, detail);
	}
}

static void exit_status(void)
{
	for (int i = 0; i < 3; i++)
		one_run();
}

const struct kata_case kata_cases[] = {
	{ "exit-status", exit_status, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
