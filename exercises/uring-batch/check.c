/*
 * Driver for uring-batch: read_blocks() reads N blocks (N in the hundreds)
 * through one io_uring of depth D, about N / D io_uring_enter calls in all.
 *
 * The judge passes four descriptors: two files of random bytes (A, B), a
 * write-only descriptor of A (its blocks must come back -EBADF) and a pipe
 * whose one block the judge fills only 100 ms into the call. Reads from the
 * page cache complete inline, in submission order, while the kernel takes
 * the SQEs; the pipe's read completes last, after blocks submitted behind
 * it: a solution that matches the i-th CQE to the i-th block gives the
 * wrong block the wrong result. Some blocks cross the end of their file
 * (short) or start past it (0). Every block's res and buffer are compared
 * with the judge's own pread of the same range.
 *
 * The counting run reads N blocks of a file of the agent's own in one call
 * with D = 32; the bench times blocks of 1 KiB against the judge's pread
 * loop over the same file and offsets. Every file is on disk, in the page
 * cache (not tmpfs: there io_uring punts each read to an io-wq thread, and
 * a timed agent may have no thread but its own, RLIMIT_NPROC 1).
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
#include <time.h>
#include <unistd.h>

struct req {
	uint32_t fd_index, len;
	uint64_t offset;
};

enum { FILE_A, FILE_B, PIPE, WRONLY };
static const char *const source_name[] = { "file A", "file B", "the pipe", "A, write-only" };

#define MAX_BLOCKS 340
#define PIPE_DELAY_MS 100

static struct req reqs[MAX_BLOCKS];
static unsigned char file_bytes[2][256 << 10], pipe_bytes[256], want[MAX_BLOCKS][256];
static size_t file_size[2];
static long want_res[MAX_BLOCKS];

static int make_file(int which)
{
	file_size[which] = kata_rand_range(64 << 10, sizeof(file_bytes[which]));
	kata_rand_bytes(file_bytes[which], file_size[which]);
	return kata_cached_file(file_bytes[which], file_size[which], which ? "file B" : "file A");
}

static struct {
	int fd;
	size_t len;
} writer;

/* The pipe's block arrives late: the rest of the batch finishes first. */
static void *late_writer(void *unused)
{
	(void)unused;
	struct timespec t = { 0, PIPE_DELAY_MS * 1000000L };
	nanosleep(&t, NULL);
	if (write(writer.fd, pipe_bytes, writer.len) != (ssize_t)writer.len)
		return (void *)1;
	return NULL;
}

/* n blocks, depth d, the pipe's block at index `late`. */
static void run_blocks(unsigned n, unsigned d, unsigned late, int check_enters)
{
	int fds[4];
	fds[FILE_A] = make_file(0);
	fds[FILE_B] = make_file(1);
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fds[PIPE] = p[0];
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[FILE_A]);
	fds[WRONLY] = open(path, O_WRONLY | O_CLOEXEC);
	if (fds[WRONLY] < 0)
		kata_setup_failed("open() of file A write-only");

	unsigned shorts = 0, eofs = 0, badfs = 0;
	for (unsigned i = 0; i < n; i++) {
		struct req *q = &reqs[i];
		q->len = (uint32_t)kata_rand_range(16, 256);
		unsigned kind = (unsigned)kata_rand_range(0, 99);
		if (i == late) {
			q->fd_index = PIPE;
			q->offset = 0;
		} else if (kind < 2) {
			q->fd_index = WRONLY;
			q->offset = kata_rand_range(0, file_size[0] - 1);
			badfs++;
		} else {
			q->fd_index = kind & 1 ? FILE_B : FILE_A;
			size_t size = file_size[q->fd_index];
			if (kind < 6) {
				q->offset = size - kata_rand_range(1, q->len - 1); /* crosses the end: short */
				shorts++;
			} else if (kind < 8) {
				q->offset = size + kata_rand_range(0, 4096); /* past the end: 0 */
				eofs++;
			} else {
				q->offset = kata_rand_range(0, size - q->len);
			}
		}
		memset(want[i], 0xa5, q->len);
		if (q->fd_index == PIPE) {
			kata_rand_bytes(pipe_bytes, q->len);
			memcpy(want[i], pipe_bytes, q->len);
			want_res[i] = q->len;
		} else {
			ssize_t got = pread(fds[q->fd_index], want[i], q->len, (off_t)q->offset);
			want_res[i] = got < 0 ? -errno : got;
			if (got < 0)
				memset(want[i], 0xa5, q->len);
		}
	}
	kata_note("%u blocks of 16-256 bytes, depth %u, from two files of %zu and %zu bytes (%u crossing an end, %u past it), "
		  "%u from a write-only descriptor, and block %u from a pipe the judge fills %d ms into the call",
		  n, d, file_size[0], file_size[1], shorts, eofs, badfs, late, PIPE_DELAY_MS);

	writer.fd = p[1];
	writer.len = reqs[late].len;
	kata_agent_pid();
	pthread_t th;
	if (pthread_create(&th, NULL, late_writer, NULL) != 0)
		kata_setup_failed("pthread_create()");
	struct kata_args a = { .arg = { n, d },
			       .in = reqs,
			       .in_len = n * sizeof(*reqs),
			       .out_cap = KATA_WIRE_MAX_BYTES,
			       .fd = { fds[0], fds[1], fds[2], fds[3] },
			       .nfd = 4 };
	const struct kata_reply *r = kata_call("blocks", &a);
	void *wrote;
	pthread_join(th, &wrote);
	if (wrote)
		kata_setup_failed("write() to the pipe");
	if (r->ret[0] == -1000)
		kata_setup_failed("the agent's copy of the requests");

	kata_expect_i64("read_blocks() return value", 0, r->ret[0]);
	size_t o = (size_t)n * 4, need = o;
	for (unsigned i = 0; i < n; i++)
		need += reqs[i].len;
	if (r->out_len != need) {
		kata_expect_i64("bytes the agent sent back (a bug of the agent)", (long long)need, (long long)r->out_len);
		return;
	}
	/* Every block's res, then every block's buffer: the first wrong one is shown. */
	char what[200], detail[400] = "";
	unsigned wrong_res = 0, wrong_bytes = 0, first_res = n, first_bytes = n;
	long got_res[MAX_BLOCKS];
	for (unsigned i = 0; i < n; i++) {
		const unsigned char *b = r->out + 4 * i;
		got_res[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
		if (got_res[i] != want_res[i] && !wrong_res++)
			first_res = i;
		if (memcmp(r->out + o, want[i], reqs[i].len) != 0 && !wrong_bytes++)
			first_bytes = i;
		o += reqs[i].len;
	}
	if (wrong_res) {
		unsigned i = first_res;
		int from_other = 0;
		for (unsigned k = 0; k < n; k++)
			from_other |= k != i && got_res[i] == want_res[k];
		snprintf(detail, sizeof(detail),
			 "%u of %u blocks have another result; the first, block %u (%u bytes of %s at offset %llu), expected "
			 "%ld, got %ld%s",
			 wrong_res, n, i, reqs[i].len, source_name[reqs[i].fd_index], (unsigned long long)reqs[i].offset,
			 want_res[i], got_res[i],
			 from_other ? ": another block's result? Completions come in the order reads finish (the pipe's "
				      "last), not the order you submitted them: map each CQE back with its user_data"
				    : "");
	}
	kata_expect_true("every block's res (bytes read, 0 past the end, or -errno), as pread gives it",
			 wrong_res == 0, detail);
	if (wrong_bytes) {
		unsigned i = first_bytes;
		size_t at = (size_t)n * 4;
		for (unsigned k = 0; k < i; k++)
			at += reqs[k].len;
		snprintf(what, sizeof(what), "block %u's buffer (%u bytes of %s at offset %llu; 0xa5 where nothing was read), "
			 "and %u other blocks' wrong too", i, reqs[i].len, source_name[reqs[i].fd_index],
			 (unsigned long long)reqs[i].offset, wrong_bytes - 1);
		kata_expect_bytes(what, want[i], reqs[i].len, r->out + at, reqs[i].len);
	} else {
		kata_expect_true("every block's buffer, as pread gives it", 1, NULL);
	}
	kata_expect_true("nothing written past any block's buffer", r->ret[1] == 0,
			 "read_blocks() wrote past the end of a block's buffer");

	if (r->traced) {
		struct kata_ring_calls t;
		kata_count_ring_calls(r, &t);
		long enters = t.enters, unseen = t.unseen;
		detail[0] = 0;
		if (t.reads)
			snprintf(detail, sizeof(detail), "%s: %ld calls%s: the blocks were read by syscalls, not through the ring",
				 kata_syscall_name(t.read_nr, 0), t.reads, unseen ? " (and more untraced)" : "");
		kata_expect_true("no read-like syscall: every block through the ring", t.reads == 0, detail);
		long budget = (long)((n + d - 1) / d) + 3;
		snprintf(detail, sizeof(detail),
			 "%ld io_uring_enter calls%s for %u blocks at depth %u, budget %ld (ceil(N/D) + 2, and one for the "
			 "pipe's late block): fill the free slots, then one io_uring_enter that submits them all and waits",
			 enters, unseen ? " (at least: more were not traced)" : "", n, d, budget);
		kata_note("io_uring_enter calls during read_blocks(): %ld%s", enters, unseen ? "+" : "");
		if (check_enters)
			kata_expect_true("io_uring_enter calls, at most ceil(N/D) + 3", enters + unseen <= budget && enters > 0,
					 enters > 0 ? detail : "no io_uring_enter: the ring was never told about its SQEs");
	}
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	close(p[1]);
}

/* The late block near the end: the blocks behind it finish before it. */
static void blocks_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	unsigned n = (unsigned)kata_rand_range(200, MAX_BLOCKS), d = (unsigned)kata_rand_range(8, 64);
	unsigned back = (unsigned)kata_rand_range(2, d / 2 < 8 ? d / 2 : 8);
	run_blocks(n, d, n - back, 1);
}

/* The late block in the first batch: it holds a slot for the whole call. */
static void late_first_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	unsigned n = (unsigned)kata_rand_range(200, MAX_BLOCKS), d = (unsigned)kata_rand_range(8, 64);
	run_blocks(n, d, (unsigned)kata_rand_range(0, d - 2), 0);
}

/* ---- the bench: 1 KiB blocks, the judge's pread loop ------------------------- */

#define LOOP_FILE (1u << 20)
#define LOOP_BS 1024u

static uint64_t loop_word(uint64_t j)
{
	uint64_t z = j * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t loop_offset(uint64_t i)
{
	return ((i * 2654435761ull) % (LOOP_FILE / LOOP_BS)) * LOOP_BS;
}

static int loop_fd = -1;

/* The kernel counts the read requests it sets up in the counted and the
 * audited calls: its own evidence that the loop's blocks went through a
 * ring, where syscall counts alone would pass a loop that copies from a
 * mapping with no syscall at all. */
static void watch_reads(void)
{
	kata_watch_uring_ops(KATA_URING_READ_OPS, 0);
}

/* ret[0] = the bytes read (1 KiB blocks), ret[2] = the first error. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? (ret[0] + 1023) / 1024 : ret[2], iters, 1, "read requests (one per block read)");
}

static void bench_setup(void)
{
	watch_reads();
	static uint64_t words[LOOP_FILE / 8];
	for (uint64_t j = 0; j < LOOP_FILE / 8; j++)
		words[j] = loop_word(j);
	loop_fd = kata_cached_file(words, sizeof(words), "the reference's 1 MiB file");
}

/* The loop the kata replaces: one pread per block. */
static void reference_pread(uint64_t iters)
{
	static unsigned char buf[1024 * LOOP_BS]; /* the agent loop's buffers: 1024 blocks per call */
	uint64_t h = 0;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned char *dst = buf + (i % 1024) * LOOP_BS;
		kata_sink(pread(loop_fd, dst, LOOP_BS, (off_t)loop_offset(i)));
		h += (i + 1) * *(uint64_t *)dst;
	}
	kata_sink((long)h);
}

static const char *check_timed(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	(void)before_ns, (void)after_ns;
	static char why[300];
	if (ret[3] < 0)
		return "the agent could not make its 1 MiB file";
	const char *fewer = kata_uring_ops_fewer(iters, "read requests (one per block)");
	if (fewer)
		return fewer;
	if (ret[2] != 0) {
		snprintf(why, sizeof(why), "while timed, a block of the loop came back with %lld (or read_blocks() failed)",
			 (long long)ret[2]);
		return why;
	}
	uint64_t h = 0;
	for (uint64_t i = 0; i < iters; i++)
		h += (i + 1) * loop_word(loop_offset(i) / 8);
	if ((uint64_t)ret[0] == iters * LOOP_BS && (uint64_t)ret[1] == h)
		return NULL;
	snprintf(why, sizeof(why),
		 "while timed, %llu blocks of 1 KiB gave %lld bytes in all and a checksum of their buffers 0x%016llx, "
		 "expected %llu bytes and 0x%016llx",
		 (unsigned long long)iters, (long long)ret[0], (unsigned long long)ret[1],
		 (unsigned long long)(iters * LOOP_BS), (unsigned long long)h);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "blocks", blocks_case, 0 },
	{ "late-first", late_first_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "pread-loop", "blocks-loop", reference_pread, bench_setup, check_timed },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "blocks", "count-loop", watch_reads, check_counted },
	{ 0 },
};
