/*
 * Driver for uring-sqpoll: sqpoll_read() reads n blocks of the judge's
 * file through an SQPOLL ring: a kernel thread (iou-sqp) takes the SQEs
 * off the submission queue as the learner's code publishes them, so the
 * hot path makes no syscall at all.
 *
 *   reads   first the agent's own SQPOLL set-up ("sqpoll-probe", before any
 *           learner code): a kernel that refuses it (EPERM before Linux
 *           5.11 for an unprivileged process, EINVAL where it is unknown)
 *           makes the case a set-up failure that says so, never a fail.
 *           Then 1000 random blocks of a memfd, each compared with the
 *           file, the return value, and in the trace: one io_uring_setup,
 *           no read(2) of any kind, and io_uring_enter at most 4 times
 *           (the figure is shown). Without SQPOLL the same reads need at
 *           least one io_uring_enter per 64 (the depth): 16.
 *   bad-fd  the write end of a pipe: -EBADF from the CQE, returned.
 *
 * The counting run reads 2000-6000 blocks of a file the agent writes in
 * its directory: io_uring_enter at most 8 in the whole run. No bench: an
 * untimed agent may start no thread (RLIMIT_NPROC 1 while timed), and the
 * SQPOLL thread is one.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <linux/io_uring.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FILE_LEN (1u << 20)
#define MOST_ENTERS 4
static unsigned char file_bytes[FILE_LEN];
static unsigned char got[KATA_WIRE_MAX_BYTES];
static unsigned long long offsets[4096];

/* The agent's open rings, as the kernel lists them. */
static int open_rings(void)
{
	static struct kata_uring_info rings[8];
	return kata_agent_urings(rings, 8);
}

/* The agent's own SQPOLL ring, before the learner's code runs. */
static void require_sqpoll(void)
{
	struct kata_args a = { .arg = { 0 } };
	const struct kata_reply *r = kata_call("sqpoll-probe", &a);
	if (r->ret[0] < 0)
		kata_unsupported("this kernel refuses an SQPOLL ring to the agent (io_uring_setup with IORING_SETUP_SQPOLL: "
				 "%lld, %s): unprivileged SQPOLL needs Linux 5.11 or later; the kata cannot be checked here",
				 (long long)r->ret[0], strerror((int)-r->ret[0]));
}

static const struct kata_reply *call_read(int fd, unsigned block, unsigned n, unsigned depth)
{
	struct kata_args a = { .arg = { block, n, depth }, .in = offsets, .in_len = (size_t)n * 8,
			       .out_cap = (size_t)block * n, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("read", &a);
	if (r->ret[1] == -2)
		kata_setup_failed("the agent's copy of the request");
	return r;
}

static void reads_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	int fd = memfd_create("uring-sqpoll", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(file_bytes, sizeof(file_bytes));
	if (pwrite(fd, file_bytes, sizeof(file_bytes), 0) != (ssize_t)sizeof(file_bytes))
		kata_setup_failed("pwrite() of the judge's file");
	unsigned block = 64, n = 1000, depth = 64;
	for (unsigned i = 0; i < n; i++)
		offsets[i] = kata_rand_range(0, FILE_LEN - block);
	require_sqpoll();
	const struct kata_reply *r = call_read(fd, block, n, depth);
	kata_expect_i64("sqpoll_read() return value (bytes read)", (long long)block * n, r->ret[0]);
	if (r->out_len != (size_t)block * n)
		kata_setup_failed("the agent's reply (blocks)");
	memcpy(got, r->out, r->out_len);
	unsigned bad = 0, first = n;
	for (unsigned i = 0; i < n; i++)
		if (memcmp(got + (size_t)i * block, file_bytes + offsets[i], block) != 0 && bad++ == 0)
			first = i;
	char detail[400] = "";
	if (bad)
		snprintf(detail, sizeof(detail), "%u of %u blocks differ from the file at their offsets, the first block %u",
			 bad, n, first);
	kata_expect_true("every block holds the file's bytes at its offset", bad == 0, detail);
	int rings = open_rings();
	kata_expect_true("no io_uring left open after the call", rings <= 0,
			 "the ring's fd is still open after sqpoll_read() returned: io_uring_queue_exit()");
	if (!r->traced) {
		kata_note("not traced here: io_uring_enter not counted");
		return;
	}
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	long enters = t.unseen ? -1 : t.enters; /* -1: more than the trace holds: many */
	int sqpoll = t.first_setup && (t.first_setup->looked & IORING_SETUP_SQPOLL);
	kata_note("sqpoll_read(memfd, %u blocks of %u bytes, depth %u): io_uring_enter: %s%ld call(s) for %u reads "
		  "(without SQPOLL at least %u)", n, block, depth, enters < 0 ? "more than " : "",
		  enters < 0 ? (long)r->nsc : enters, n, n / depth);
	snprintf(detail, sizeof(detail), "%s: %ld calls: the reads go through the ring",
		 t.read_nr >= 0 ? kata_syscall_name(t.read_nr, 0) : "read", t.reads);
	kata_expect_true("no read(2), pread(2) or sibling", t.reads == 0, detail);
	kata_expect_i64("io_uring_setup calls", 1, t.setups);
	kata_expect_true("the ring was set up with IORING_SETUP_SQPOLL", t.setups != 1 || sqpoll,
			 "io_uring_setup's params.flags did not ask for IORING_SETUP_SQPOLL: without the kernel's polling "
			 "thread every submission needs an io_uring_enter (a big batch makes few, but that is uring-batch's "
			 "lesson)");
	snprintf(detail, sizeof(detail), "io_uring_enter: %s%ld calls for %u reads, expected at most %d: with "
		 "IORING_SETUP_SQPOLL the kernel's thread takes the SQEs off the ring; enter only when the SQ flags "
		 "say IORING_SQ_NEED_WAKEUP (io_uring_submit() does that), and reap with io_uring_peek_cqe()",
		 enters < 0 ? "more than " : "", enters < 0 ? (long)r->nsc : enters, n, MOST_ENTERS);
	kata_expect_true("io_uring_enter: only to wake the SQ thread", enters >= 0 && enters <= MOST_ENTERS, detail);
	close(fd);
}

static void bad_fd_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	memset(offsets, 0, 4 * sizeof(*offsets));
	require_sqpoll();
	kata_note("sqpoll_read(the write end of a pipe, 4 blocks of 64 bytes, depth 4): each CQE's res is -EBADF");
	const struct kata_reply *r = call_read(fds[1], 64, 4, 4);
	kata_expect_i64("sqpoll_read() return value (the CQE's res)", -EBADF, r->ret[0]);
	close(fds[0]);
	close(fds[1]);
}

/* The counted loop: the kernel counts the read requests it sets up, in the
 * submission-polling thread as well (a thread the agent starts during the
 * call): its own evidence that the blocks went through a ring. */
static void watch_reads(void)
{
	kata_watch_uring_ops(KATA_URING_READ_OPS, 0);
}

/* ret[0] = the bytes read (512-byte blocks, 4 per iteration), or the first error. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? (ret[0] + 511) / 512 : ret[0], 4 * iters, 1, "read requests (one per block read)");
}

const struct kata_case kata_cases[] = {
	{ "reads", reads_case, 0 },
	{ "bad-fd", bad_fd_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "reads", "read-loop", watch_reads, check_counted },
	{ 0 },
};
