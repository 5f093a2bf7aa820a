/*
 * Driver for a64-exit: the agent is a -nostdlib program (agent.c, with no
 * libc and no channel) that starts a watcher thread and calls the learner's
 * raw_exit(n) with the n it finds in argv[1]. The judge starts it a few
 * times with a random status and reads how it ended, which is the whole
 * verdict:
 *   - exited with n: raw_exit() ended the whole process;
 *   - SIGILL: raw_exit() returned, and _start ran into its `udf`;
 *   - exit status 251: only the calling thread ended (exit, 93, instead of
 *     exit_group, 94) and the watcher found itself alone. The statuses
 *     passed are 1..250, so 251 is never the right answer.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define ONLY_THIS_THREAD_ENDED 251
#define RUNS 3

/* Returns whether the run ended right: after a wrong one the others would only say it again. */
static int one_run(void)
{
	char arg[16], detail[400];
	int code = (int)kata_rand_range(1, 250);
	snprintf(arg, sizeof(arg), "%d", code);
	const struct kata_exit *e = kata_run_agent(arg, 10.0);
	if (e->timed_out)
		snprintf(detail, sizeof(detail),
			 "the process was still running after 10 s: raw_exit's svc most likely failed (a number that is not "
			 "exit_group on ARM64, 94) and, with nothing after it to stop it, ran on into whatever code follows");
	else if (e->signal == SIGILL)
		snprintf(detail, sizeof(detail),
			 "killed by SIGILL: raw_exit(%d) returned, and _start ran into its udf", code);
	else if (e->signal)
		snprintf(detail, sizeof(detail), "killed by signal %d (%s)", e->signal, strsignal(e->signal));
	else
		detail[0] = 0;
	kata_expect_true("the process ended with an exit status (not a signal, not a hang)", e->exited,
			 e->exited ? NULL : detail);
	if (!e->exited)
		return 0;
	if (e->code == ONLY_THIS_THREAD_ENDED && code != ONLY_THIS_THREAD_ENDED)
		kata_note("exit status 251: raw_exit(%d) ended only the calling thread (exit, 93, "
			  "instead of exit_group, 94), and the watcher thread ended the process", code);
	char what[64];
	snprintf(what, sizeof(what), "exit status after raw_exit(%d)", code);
	kata_expect_i64(what, code, e->code);
	return e->code == code;
}

static void exit_status(void)
{
	kata_note("%d runs, each with a random status in 1..250; SIGILL means raw_exit returned, "
		  "status 251 that only the calling thread ended (exit, 93, not exit_group, 94)", RUNS);
	for (int i = 0; i < RUNS && one_run(); i++)
		;
}

const struct kata_case kata_cases[] = {
	{ "exit-status", exit_status, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
