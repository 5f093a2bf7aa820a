/*
 * Driver for uring-nop: nop_batch(n) puts n IORING_OP_NOP SQEs in the ring
 * and makes one io_uring_enter that submits them and waits for all n.
 *
 *   batches  a ring of 8-64 entries; batches of 1, of the whole ring and of
 *            sizes between. Each: the answer (n), the trace (exactly one
 *            io_uring_enter, to_submit = n, min_complete = n, GETEVENTS; no
 *            other syscall), the kernel's fdinfo of the ring (SqHead and
 *            CqTail moved by n; no SQPOLL thread: this kata measures the
 *            enter), and the SQEs left in the agent's SQE array (NOPs).
 *            After nop_teardown() the agent holds no ring.
 *
 * The counts: the loop of batches of 32, io_uring_enter at most 1/32 per
 * NOP (0.04: the set-up's come on top); the loop of batches of 1, exactly one.
 * The benches: ns per NOP in batches of 1 and of 32, each against a null
 * syscall (libc getppid) timed in the same run: the per-operation cost of
 * batching, and where it stops paying. The timed loops' answers are
 * checked: every NOP completed.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct kata_uring_info rings[8];

static const struct kata_uring_info *the_ring(int *count)
{
	*count = kata_agent_urings(rings, 8);
	return *count == 1 ? &rings[0] : NULL;
}

static void expect_one_enter(const char *label, const struct kata_reply *r, unsigned n)
{
	if (!r->traced)
		return;
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	long enters = t.enters, others = t.others, setups = t.setups;
	const struct kata_syscall *enter = t.last_enter;
	char what[200], detail[300] = "";
	snprintf(what, sizeof(what), "%s: one io_uring_enter that submits %u and waits for %u (the trace)", label, n, n);
	if (enters != 1)
		snprintf(detail, sizeof(detail), "%ld io_uring_enter calls%s", enters,
			 enters > 1 ? ": io_uring_submit() then io_uring_wait_cqe() per CQE, or a submit per SQE, are an enter "
				      "each; io_uring_submit_and_wait(&ring, n) is one" : "");
	else if ((unsigned)enter->arg[1] != n || (unsigned)enter->arg[2] != n || !(enter->arg[3] & IORING_ENTER_GETEVENTS))
		snprintf(detail, sizeof(detail), "io_uring_enter(fd, to_submit = %" PRId64 ", min_complete = %" PRId64 ", flags = %#" PRIx64
			 "): expected to_submit = min_complete = %u with IORING_ENTER_GETEVENTS", enter->arg[1], enter->arg[2], enter->arg[3], n);
	else if (setups)
		snprintf(detail, sizeof(detail), "io_uring_setup %ld time%s in nop_batch() (and %ld other syscalls): a ring costs "
			 "as much as hundreds of null syscalls to make; make it once, in nop_setup()", setups, setups == 1 ? "" : "s",
			 others - setups);
	else if (others)
		snprintf(detail, sizeof(detail), "%ld other syscall%s (the last: %s)", others, others == 1 ? "" : "s", kata_syscall_name(t.other_nr, 0));
	kata_expect_true(what, detail[0] == 0 && !t.unseen, detail);
}

static struct io_uring_sqe sqes[256];

static void expect_nops_in_array(const char *label, unsigned n, unsigned entries)
{
	long got = kata_agent_sqes(sqes, sizeof(sqes));
	if (got <= 0)
		return; /* the fdinfo checks above already failed, or the array is not readable: nothing to add */
	long other = 0;
	int op = -1;
	for (unsigned i = 0; i < n && i < entries && i < (unsigned)got; i++)
		if (sqes[i].opcode != IORING_OP_NOP)
			other++, op = sqes[i].opcode;
	char what[160], detail[200] = "";
	snprintf(what, sizeof(what), "%s: the SQEs in the ring are IORING_OP_NOP", label);
	if (other)
		snprintf(detail, sizeof(detail), "%ld SQEs with opcode %d", other, op);
	kata_expect_true(what, other == 0, detail);
}

static void batches_case(void)
{
	kata_require_uring_op(IORING_OP_NOP, "IORING_OP_NOP");
	int counted = kata_watch_uring_ops(KATA_URING_OP(IORING_OP_NOP), 0);
	if (!counted)
		kata_note("the kernel's count of NOP requests is not available here (it needs root and tracefs): not checked");
	unsigned entries = 8u << kata_rand_range(0, 3);
	kata_note("a ring of %u entries", entries);
	struct kata_args sa = { .arg = { entries } };
	const struct kata_reply *r = kata_call("setup", &sa);
	kata_expect_i64("nop_setup() return value", 0, r->ret[0]);
	if (r->ret[0] != 0)
		return;
	int count;
	const struct kata_uring_info *u = the_ring(&count);
	char detail[200];
	snprintf(detail, sizeof(detail), "the agent holds %d io_uring rings", count);
	kata_expect_true("nop_setup(): one ring (the kernel's view, /proc/<agent>/fdinfo)", u != NULL, detail);
	if (!u)
		return;
	snprintf(detail, sizeof(detail), "the ring has a submission-polling thread (pid %d): this kata measures what one "
		 "io_uring_enter carries; SQPOLL is uring-sqpoll's", u->sq_thread);
	kata_expect_true("nop_setup(): a ring without IORING_SETUP_SQPOLL", u->sq_thread < 0, detail);
	if (u->sq_thread >= 0)
		return;
	int ring_fd = u->fd;
	unsigned sizes[6] = { 1, entries, (unsigned)kata_rand_range(2, entries - 1), (unsigned)kata_rand_range(2, entries - 1), 1,
			      entries };
	for (int b = 0; b < 6; b++) {
		unsigned n = sizes[b];
		long head0 = u->sq_head, cq0 = u->cq_tail;
		struct kata_args ba = { .arg = { n } };
		r = kata_call("batch", &ba);
		char label[48], what[160];
		snprintf(label, sizeof(label), "batch %d (%u NOPs)", b + 1, n);
		snprintf(what, sizeof(what), "%s: nop_batch() return value (NOPs completed with res 0)", label);
		kata_expect_i64(what, n, r->ret[0]);
		expect_one_enter(label, r, n);
		u = the_ring(&count);
		snprintf(what, sizeof(what), "%s: the kernel consumed %u SQEs and posted %u CQEs on the ring (fdinfo)", label, n, n);
		if (!u || u->fd != ring_fd)
			snprintf(detail, sizeof(detail), "the ring nop_setup() made (fd %d) is no longer the agent's only ring", ring_fd);
		else
			snprintf(detail, sizeof(detail), "SqHead moved by %ld, CqTail by %ld", u->sq_head - head0, u->cq_tail - cq0);
		kata_expect_true(what, u && u->fd == ring_fd && u->sq_head - head0 == n && u->cq_tail - cq0 == n, detail);
		if (!u || u->fd != ring_fd)
			return;
		long seen = kata_uring_ops_seen();
		if (counted && seen >= 0) {
			snprintf(what, sizeof(what), "%s: the kernel set up %u NOP requests (the tracepoint io_uring:io_uring_submit_req)",
				 label, n);
			snprintf(detail, sizeof(detail), "it set up %ld IORING_OP_NOP requests during the call", seen);
			kata_expect_true(what, seen == n, detail);
		}
		expect_nops_in_array(label, n, entries);
	}
	struct kata_args ta = { 0 };
	kata_call("teardown", &ta);
	the_ring(&count);
	snprintf(detail, sizeof(detail), "the agent still holds %d io_uring ring%s", count, count == 1 ? "" : "s");
	kata_expect_true("nop_teardown(): the ring is gone", count == 0, detail);
}

/* ---- the benches: a null syscall, per NOP ------------------------------------ */

static void null_syscall(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(syscall(SYS_getppid));
}

/* Before the agent starts: the kernel counts the NOPs it runs in the audited calls. */
static void watch_nops(void)
{
	kata_watch_uring_ops(KATA_URING_OP(IORING_OP_NOP), 0);
}

static const char *check_nops(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[200];
	(void)before_ns, (void)after_ns;
	/* Counted by the kernel in the audited calls only (-1 in the timed ones). */
	long seen = kata_uring_ops_seen();
	if (seen >= 0 && seen < (long)iters) {
		snprintf(why, sizeof(why), "%" PRIu64 " NOPs answered, %ld NOP requests set up by the kernel "
			 "(io_uring:io_uring_submit_req): every NOP must go through the ring", iters, seen);
		return why;
	}
	if (ret[0] == (int64_t)iters && ret[1] == 0)
		return NULL;
	snprintf(why, sizeof(why), "while timed, %" PRIu64 " NOPs gave %" PRId64 " completions with res 0 (first error %" PRId64
		 "): every NOP must go through the ring", iters, ret[0], ret[1]);
	return why;
}

/* ret[0] = the NOPs that completed with res 0, ret[1] = the first error. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? ret[0] : ret[1], iters, 1, "NOP requests (one per NOP completed)");
}

const struct kata_case kata_cases[] = {
	{ "batches", batches_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "nop-1", "nop-1", null_syscall, watch_nops, check_nops },
	{ "nop-32", "nop-32", null_syscall, watch_nops, check_nops },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "nops", "nop-32", watch_nops, check_counted },
	{ "nops-1", "nop-1", watch_nops, check_counted },
	{ 0 },
};
