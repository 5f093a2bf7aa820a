/*
 * Driver for uring-raw: ring_read() reads n blocks of the judge's file
 * through an io_uring it set up by hand (io_uring_setup, three or two
 * mmaps, io_uring_enter, through its own syscall instruction).
 *
 *   file        a memfd of random bytes, blocks at random offsets: every
 *               block compared with the judge's pread, the return value,
 *               and in the trace: one io_uring_setup with the depth asked,
 *               the ring's mmaps, at most ceil(n/depth) + 1 io_uring_enter,
 *               none waiting in the kernel (no IORING_ENTER_GETEVENTS), no
 *               read(2) of any kind, and no io_uring left open afterwards.
 *   bad-fd      the write end of a pipe: the CQE's res, -EBADF, returned.
 *   late-data   the barrier case: a pipe that is empty when the reads are
 *               submitted; a thread of the judge's writes the blocks while
 *               the learner's code polls the CQ in memory, so the kernel's
 *               tail stores land while it spins. A wait loop whose load of
 *               the CQ tail the compiler hoisted (no acquire, no volatile)
 *               never sees them and spins until the agent's timeout.
 *
 * The counting run and the bench read 512-byte blocks of a file the agent
 * makes itself (a file in its directory); the bench's reference is the
 * judge's own pread loop over a file in /tmp.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <linux/io_uring.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FILE_LEN (1u << 20)
static unsigned char file_bytes[FILE_LEN];
static unsigned char got[KATA_WIRE_MAX_BYTES];
static unsigned long long offsets[2048];

static int random_file(void)
{
	int fd = memfd_create("uring-raw", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(file_bytes, sizeof(file_bytes));
	if (pwrite(fd, file_bytes, sizeof(file_bytes), 0) != (ssize_t)sizeof(file_bytes))
		kata_setup_failed("pwrite() of the judge's file");
	return fd;
}

static const struct kata_reply *call_read(int fd, unsigned block, unsigned n, unsigned depth)
{
	/* The offsets as the agent decodes them: 8 bytes each, little-endian (an x86-64 kata). */
	struct kata_args a = { .arg = { block, n, depth }, .in = offsets, .in_len = (size_t)n * 8,
			       .out_cap = (size_t)block * n, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("read", &a);
	if (r->ret[1] == -2)
		kata_setup_failed("the agent's copy of the request");
	return r;
}

/* How many io_uring's the agent holds open, as the kernel lists them (-1: unreadable). */
static int open_rings(void)
{
	static struct kata_uring_info rings[8];
	return kata_agent_urings(rings, 8);
}

/* What the kernel saw during one ring_read(n blocks, depth). */
static void expect_ring_trace(const struct kata_reply *r, unsigned n, unsigned depth)
{
	char detail[400];
	int rings = open_rings();
	snprintf(detail, sizeof(detail), "%d io_uring descriptor(s) still open in the agent after ring_read() returned: "
		 "close the ring's fd (and munmap its rings) before returning", rings);
	kata_expect_true("no io_uring left open after the call", rings <= 0, detail);
	if (!r->traced)
		return;
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	long setups = t.setups, enters = t.enters, waiting = t.enters_waiting, reads = t.reads;
	long setup_entries = t.first_setup ? (long)t.first_setup->arg[0] : -1, ring = t.first_setup ? t.first_setup->ret : -2;
	long ring_maps = 0, sqe_maps = 0;
	for (int i = 0; i < r->nsc; i++) {
		const struct kata_syscall *sc = &r->sc[i];
		if (!sc->compat && sc->nr == SYS_mmap && (long)sc->arg[4] == ring) {
			if (sc->arg[5] == IORING_OFF_SQES)
				sqe_maps++;
			else
				ring_maps++;
		}
	}
	if (reads)
		snprintf(detail, sizeof(detail), "%s: %ld calls: the reads go through the ring, not a syscall each",
			 kata_syscall_name(t.read_nr, 0), reads);
	else
		snprintf(detail, sizeof(detail), "%ld read-like syscalls%s", reads, t.unseen ? " (and more untraced)" : "");
	kata_expect_true("no read(2), pread(2) or sibling: the ring does the reading", reads == 0, detail);
	kata_expect_i64("io_uring_setup calls", 1, setups);
	if (setups == 1)
		kata_expect_i64("io_uring_setup's entries (the depth asked)", depth, setup_entries);
	snprintf(detail, sizeof(detail), "%ld mmap(s) of the ring at IORING_OFF_SQ_RING/IORING_OFF_CQ_RING, %ld at IORING_OFF_SQES: "
		 "one or two for the rings (one where params.features has IORING_FEAT_SINGLE_MMAP), one for the SQEs",
		 ring_maps, sqe_maps);
	kata_expect_true("the rings and the SQE array mmapped from the ring's fd", setups != 1 || ((ring_maps == 1 || ring_maps == 2) && sqe_maps == 1), detail);
	long most = (long)((n + depth - 1) / depth) + 1;
	snprintf(detail, sizeof(detail), "io_uring_enter: %ld calls for %u blocks at depth %u (at most %ld: one per batch)",
		 enters, n, depth, most);
	kata_expect_true("io_uring_enter: one per batch of up to depth SQEs", enters >= 1 && enters <= most, detail);
	snprintf(detail, sizeof(detail), "%ld of %ld io_uring_enter calls waited in the kernel (min_complete > 0 or "
		 "IORING_ENTER_GETEVENTS): in this kata you wait by watching the CQ tail in memory", waiting, enters);
	kata_expect_true("io_uring_enter only submits (min_complete 0, no GETEVENTS)", waiting == 0, detail);
}

static void expect_blocks(const struct kata_reply *r, unsigned block, unsigned n)
{
	char detail[400] = "";
	kata_expect_i64("ring_read() return value (bytes read)", (long long)block * n, r->ret[0]);
	if (r->out_len != (size_t)block * n)
		kata_setup_failed("the agent's reply (blocks)");
	unsigned bad = 0, first = n, unwritten = 0;
	for (unsigned i = 0; i < n; i++) {
		const unsigned char *b = got + (size_t)i * block;
		if (memcmp(b, file_bytes + offsets[i], block) != 0) {
			bad++;
			if (first == n)
				first = i;
			size_t k = 0;
			while (k < block && b[k] == 0xa5)
				k++;
			unwritten += k == block;
		}
	}
	if (bad && unwritten)
		snprintf(detail, sizeof(detail), "%u of %u blocks wrong, the first block %u; %u never written (still 0xa5): "
			 "the kernel never ran their SQEs. Without IORING_SETUP_NO_SQARRAY it finds each SQE through the "
			 "SQ array: sq_array[tail & mask] = the SQE's index", bad, n, first, unwritten);
	else if (bad)
		snprintf(detail, sizeof(detail), "%u of %u blocks differ from the file at their offsets, the first block %u "
			 "(offset %llu)", bad, n, first, first < n ? offsets[first] : 0);
	kata_expect_true("every block holds the file's bytes at its offset", bad == 0, detail);
}

static void file_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	int fd = random_file();
	unsigned block = (unsigned)kata_rand_range(1, 4) * 64, n = (unsigned)kata_rand_range(150, 300), depth = 16;
	if ((size_t)block * n > sizeof(got))
		n = (unsigned)(sizeof(got) / block);
	for (unsigned i = 0; i < n; i++)
		offsets[i] = kata_rand_range(0, FILE_LEN - block);
	kata_note("ring_read(memfd of 1 MiB, %u blocks of %u bytes at random offsets, depth %u)", n, block, depth);
	const struct kata_reply *r = call_read(fd, block, n, depth);
	memcpy(got, r->out, r->out_len);
	expect_blocks(r, block, n);
	expect_ring_trace(r, n, depth);
	close(fd);
}

static void bad_fd_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	for (unsigned i = 0; i < 4; i++)
		offsets[i] = 0;
	kata_note("ring_read(the write end of a pipe, 4 blocks of 64 bytes, depth 4): each CQE's res is -EBADF");
	const struct kata_reply *r = call_read(fds[1], 64, 4, 4);
	kata_expect_i64("ring_read() return value (the CQE's res)", -EBADF, r->ret[0]);
	int rings = open_rings();
	kata_expect_true("no io_uring left open after the call", rings <= 0, "the ring's fd is still open after an error");
	close(fds[0]);
	close(fds[1]);
}

/* ---- late data: the CQ tail moves while the learner's code polls ---------------- */

#define LATE_BLOCK 64
#define LATE_N 512
static unsigned char late_sent[LATE_N][LATE_BLOCK];
static struct {
	int fd;
	long written;
} W;

static void *late_writer(void *unused)
{
	(void)unused;
	struct timespec start = { 0, 40 * 1000 * 1000 }, gap = { 0, 30 * 1000 };
	nanosleep(&start, NULL);
	for (int i = 0; i < LATE_N; i++) {
		if (write(W.fd, late_sent[i], LATE_BLOCK) != LATE_BLOCK)
			break;
		W.written++;
		if (i % 8 == 7)
			nanosleep(&gap, NULL);
	}
	return NULL;
}

static int block_cmp(const void *a, const void *b)
{
	return memcmp(a, b, LATE_BLOCK);
}

static void late_data_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 16);
	for (int i = 0; i < LATE_N; i++) {
		kata_rand_bytes(late_sent[i], LATE_BLOCK);
		memcpy(late_sent[i], &i, sizeof(i)); /* every block different */
		offsets[i] = 0;
	}
	kata_note("ring_read(a pipe, %d blocks of %d bytes, depth 32): the pipe is empty when the reads are submitted; "
		  "the judge writes the blocks 40 ms later, 8 at a time, while your code watches the CQ. If this case "
		  "times out, your wait loop never saw the kernel's stores to the CQ tail: a plain load the compiler "
		  "hoisted out of the loop (read it with __atomic_load_n(tail, __ATOMIC_ACQUIRE))", LATE_N, LATE_BLOCK);
	W.fd = fds[1];
	W.written = 0;
	kata_agent_pid(); /* the agent is up before the clock starts */
	pthread_t th;
	if (pthread_create(&th, NULL, late_writer, NULL) != 0)
		kata_setup_failed("pthread_create()");
	const struct kata_reply *r = call_read(fds[0], LATE_BLOCK, LATE_N, 32);
	pthread_join(th, NULL);
	kata_expect_i64("ring_read() return value (bytes read)", (long long)LATE_BLOCK * LATE_N, r->ret[0]);
	if (r->out_len == (size_t)LATE_BLOCK * LATE_N) {
		/* Which read got which block is the kernel's choice on a pipe: compare them sorted. */
		memcpy(got, r->out, r->out_len);
		qsort(got, LATE_N, LATE_BLOCK, block_cmp);
		qsort(late_sent, LATE_N, LATE_BLOCK, block_cmp);
		kata_expect_bytes("the blocks read (sorted: on a pipe any read may get any block)", late_sent,
				  sizeof(late_sent), got, r->out_len);
	}
	if (r->traced) {
		struct kata_ring_calls t;
		kata_count_ring_calls(r, &t);
		long enters = t.enters;
		char detail[200];
		snprintf(detail, sizeof(detail), "io_uring_enter: %ld calls for %d blocks at depth 32 (at most %d)", enters,
			 LATE_N, LATE_N / 32 + 1);
		kata_expect_true("io_uring_enter: one per batch, while the data came late", enters <= LATE_N / 32 + 1, detail);
	}
	close(fds[0]);
	close(fds[1]);
}

/* ---- the bench: the judge's pread loop over the agent loop's offsets ----------------- */

static int reference_fd = -1;

/* The judge's pread loop, as the agent's loop reads (an unnamed file in /tmp). */
static void reference_pread(uint64_t iters)
{
	static unsigned char buf[512];
	for (uint64_t i = 0; i < iters; i++)
		kata_sink(pread(reference_fd, buf, 512, 512 * (off_t)((i * 97) % 2048)));
}

/* The kernel counts the read requests it sets up in the counted and the
 * audited calls: its own evidence that the blocks went through a ring
 * (syscall counts alone pass a loop that copies from a mapping). */
static void watch_reads(void)
{
	kata_watch_uring_ops(KATA_URING_READ_OPS, 0);
}

/* Before the agent starts: the reference's file, written here so that no
 * call of the reference (its calibration's first one least of all) pays for it. */
static void bench_setup(void)
{
	static unsigned char data[1 << 20];
	watch_reads();
	reference_fd = kata_cached_file(data, sizeof(data), "the reference's file");
}

/* ret[0] = the bytes read (512-byte blocks), or the first error. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? (ret[0] + 511) / 512 : ret[0], iters, 1, "read requests (one per block read)");
}

static const char *check_bytes(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[160];
	(void)before_ns, (void)after_ns;
	const char *fewer = kata_uring_ops_fewer(iters, "read requests (one per block)");
	if (fewer)
		return fewer;
	if (ret[0] == (int64_t)iters * 512)
		return NULL;
	snprintf(why, sizeof(why), "ring_read() of %llu blocks of 512 bytes answered %lld while timed",
		 (unsigned long long)iters, (long long)ret[0]);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "file", file_case, 0 },
	{ "bad-fd", bad_fd_case, 0 },
	{ "late-data", late_data_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "pread", "read-loop", reference_pread, bench_setup, check_bytes },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "reads", "read-loop", watch_reads, check_counted },
	{ 0 },
};
