/*
 * One agent call's trace as the io_uring katas read it: the ring's own
 * syscalls (io_uring_setup, io_uring_enter, io_uring_register) and the
 * read- and write-like ones that would move data around the ring. Every
 * io_uring driver counted these in a loop of its own; this is that loop.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <linux/io_uring.h>
#include <string.h>
#include <sys/syscall.h>

void kata_count_ring_calls(const struct kata_reply *r, struct kata_ring_calls *out)
{
	memset(out, 0, sizeof(*out));
	out->read_nr = out->write_nr = out->other_nr = -1;
	out->unseen = r->nsc_total > r->nsc ? r->nsc_total - r->nsc : 0;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *sc = &r->sc[i];
		if (!sc->compat && sc->nr == SYS_io_uring_enter) {
			out->enters++;
			out->last_enter = sc;
			out->enters_waiting += (sc->arg[3] & IORING_ENTER_GETEVENTS) || sc->arg[2];
			continue;
		}
		out->others++;
		out->other_nr = sc->nr;
		if (sc->compat)
			continue;
		if (sc->nr == SYS_io_uring_setup) {
			if (!out->setups++)
				out->first_setup = sc;
		}
		out->registers += sc->nr == SYS_io_uring_register;
		if ((long)sc->arg[0] == KATA_AGENT_CHANNEL_FD)
			continue; /* the agent's line to the judge, not the learner's data */
		if (kata_is_read_like(sc->nr)) {
			out->reads++;
			out->read_nr = sc->nr;
		}
		if (kata_is_write_like(sc->nr)) {
			out->writes++;
			out->write_nr = sc->nr;
		}
	}
}
