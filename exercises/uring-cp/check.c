/*
 * Driver for uring-cp: uring_copy(in, out, depth, block) copies the file
 * `in` (from offset 0 to its end) into `out`, through an io_uring: the
 * judge passes a source memfd of a size that is no multiple of the block
 * and a destination it reads back itself: an empty memfd ("file",
 * "sizes") or a pipe it drains slowly from a thread, so that writes come
 * back short and writes in flight together would land out of order
 * ("pipe"). In the trace of each call: no read- or write-like syscall at
 * all (the I/O goes through the ring), and in "file" at most
 * 2 * ceil(blocks / depth) + 4 io_uring_enter. The count run copies a file
 * the agent makes itself and is counted the same way.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <linux/io_uring.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What one call did: its io_uring_enter calls and its read/write-like ones. */
static void expect_ring_io(const char *label, const struct kata_reply *r, long blocks, long depth, int bound_enters)
{
	char what[160], detail[400];
	if (!r->traced)
		return;
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	long enters = t.enters, unseen = t.unseen;
	long rw = t.reads ? t.reads : t.writes, rw_nr = t.reads ? t.read_nr : t.write_nr; /* the read-like first */
	snprintf(what, sizeof(what), "%s: no read or write syscall (the I/O goes through the ring)", label);
	if (rw)
		snprintf(detail, sizeof(detail), "%s and its siblings: %ld calls%s for %ld blocks: every read and write goes "
			 "through the ring as an SQE, not as a syscall", kata_syscall_name(rw_nr, 0), rw,
			 unseen > 0 ? " (and more syscalls past the first 256 traced)" : "", blocks);
	else
		detail[0] = 0;
	kata_expect_true(what, rw == 0, detail);
	if (!bound_enters) {
		kata_note("%s: %ld io_uring_enter for %ld blocks, depth %ld (short writes cost more)", label, enters, blocks, depth);
		return;
	}
	long limit = 2 * ((blocks + depth - 1) / depth) + 4;
	snprintf(what, sizeof(what), "%s: io_uring_enter at most 2 * ceil(%ld blocks / depth %ld) + 4 = %ld", label, blocks,
		 depth, limit);
	snprintf(detail, sizeof(detail), "io_uring_enter: %ld calls%s: submit a whole window of reads (or of writes) per enter, "
		 "and wait for its completions in the same call (io_uring_submit_and_wait)",
		 enters + (unseen > 0 ? unseen : 0), unseen > 0 ? " or more" : "");
	kata_expect_true(what, enters + (unseen > 0 ? unseen : 0) <= limit, detail);
}

static unsigned char *src, *dst;
#define MAX_SIZE (4u << 20)

static void buffers(void)
{
	if (!src) {
		src = malloc(MAX_SIZE);
		dst = malloc(MAX_SIZE + 65536);
		if (!src || !dst)
			kata_setup_failed("malloc");
	}
}

static int source_file(size_t size)
{
	int fd = memfd_create("uring-cp-source", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(src, size);
	for (size_t done = 0; done < size;) {
		ssize_t n = pwrite(fd, src + done, size - done, (off_t)done);
		if (n <= 0)
			kata_setup_failed("pwrite() of the source");
		done += (size_t)n;
	}
	return fd;
}

static size_t read_back(int fd)
{
	size_t len = 0;
	for (;;) {
		ssize_t n = pread(fd, dst + len, MAX_SIZE + 65536 - len, (off_t)len);
		if (n <= 0)
			return len;
		len += (size_t)n;
	}
}

/* One copy into an empty file; the judge reads the file back. */
static void copy_to_file(const char *label, size_t size, unsigned depth, unsigned block, int bound)
{
	int in = source_file(size);
	int out = memfd_create("uring-cp-copy", MFD_CLOEXEC);
	if (out < 0)
		kata_setup_failed("memfd_create()");
	long blocks = (long)((size + block - 1) / block);
	kata_note("%s: %zu bytes (%ld blocks of %u, the last %zu bytes), depth %u, into an empty file", label, size, blocks,
		  block, size % block ? size % block : (size ? block : 0), depth);
	struct kata_args a = { .arg = { depth, block }, .fd = { in, out }, .nfd = 2 };
	const struct kata_reply *r = kata_call("copy", &a);
	char what[160];
	snprintf(what, sizeof(what), "%s: uring_copy() return value (bytes copied)", label);
	kata_expect_i64(what, (long long)size, r->ret[0]);
	size_t got = read_back(out);
	snprintf(what, sizeof(what), "%s: the destination file, read back", label);
	kata_expect_bytes(what, src, size, dst, got);
	expect_ring_io(label, r, blocks, depth, bound);
	close(in);
	close(out);
}

static void file_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	kata_require_uring_op(IORING_OP_WRITE, "IORING_OP_WRITE");
	buffers();
	unsigned block = 4096u << kata_rand_range(0, 2);
	unsigned depth = 4u << kata_rand_range(0, 2);
	long blocks = (long)kata_rand_range(40, 90);
	size_t size = (size_t)blocks * block - kata_rand_range(1, block - 1);
	copy_to_file("copy", size, depth, block, 1);
}

static void sizes_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	kata_require_uring_op(IORING_OP_WRITE, "IORING_OP_WRITE");
	buffers();
	unsigned block = 4096, depth = 8;
	size_t sizes[] = { 0, 1, block - 1, block + 1, (size_t)depth * block + kata_rand_range(1, block - 1),
			   kata_rand_range(1, 20) * block + kata_rand_range(1, block - 1) };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char label[64];
		snprintf(label, sizeof(label), "size %zu", sizes[i]);
		copy_to_file(label, sizes[i], depth, block, 1);
	}
}

/* ---- a pipe, drained slowly ----------------------------------------------- */

static struct drainer {
	int fd;
	volatile int stop;
	size_t len;
	long reads;
} D;

static void *drainer(void *unused)
{
	(void)unused;
	for (;;) {
		int stop = D.stop;
		struct pollfd p = { D.fd, POLLIN, 0 };
		if (poll(&p, 1, stop ? 0 : 5) > 0) {
			/* A page or less at a time, with a pause: the pipe stays
			 * nearly full, and a write that finds it so is short. */
			size_t want = (size_t)kata_rand_range(512, 4096);
			ssize_t n = read(D.fd, dst + D.len, want);
			if (n > 0) {
				D.len += (size_t)n;
				D.reads++;
				if (!stop)
					usleep(20);
				continue;
			}
		}
		if (stop)
			return NULL;
	}
}

static void pipe_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	kata_require_uring_op(IORING_OP_WRITE, "IORING_OP_WRITE");
	buffers();
	unsigned block = 16384, depth = 8;
	long blocks = (long)kata_rand_range(24, 40);
	size_t size = (size_t)blocks * block - kata_rand_range(1, block - 1);
	int in = source_file(size);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		kata_setup_failed("pipe2()");
	fcntl(fds[0], F_SETPIPE_SZ, 16384);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	long cap = fcntl(fds[0], F_GETPIPE_SZ);
	kata_note("%zu bytes (%ld blocks of %u), depth %u, into a pipe that holds %ld bytes, which the judge drains "
		  "slowly: writes come back short, and writes in flight together may land out of order",
		  size, blocks, block, depth, cap);
	memset(&D, 0, sizeof(D));
	D.fd = fds[0];
	kata_agent_pid();
	pthread_t th;
	if (pthread_create(&th, NULL, drainer, NULL) != 0)
		kata_setup_failed("pthread_create()");
	struct kata_args a = { .arg = { depth, block }, .fd = { in, fds[1] }, .nfd = 2 };
	const struct kata_reply *r = kata_call("copy", &a);
	D.stop = 1;
	pthread_join(th, NULL);
	kata_expect_i64("uring_copy() return value (bytes copied)", (long long)size, r->ret[0]);
	kata_expect_bytes("the bytes that came out of the pipe, in order", src, size, dst, D.len);
	expect_ring_io("pipe", r, blocks, depth, 0);
	close(in);
	close(fds[0]);
	close(fds[1]);
}

/* The counted copy: the kernel counts the read and write requests it sets
 * up: its own evidence that the blocks went through a ring (syscall counts
 * alone pass a copy between two mappings). */
static void watch_copy(void)
{
	kata_watch_uring_ops(KATA_URING_READ_OPS | KATA_URING_WRITE_OPS, 0);
}

/* ret[0] = uring_copy()'s answer: the bytes copied (blocks of 4 KiB), or -errno. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? (ret[0] + 4095) / 4096 : ret[0], iters, 2,
				     "read and write requests (a read and a write per 4 KiB block copied)");
}

const struct kata_case kata_cases[] = {
	{ "file", file_case, 0 },
	{ "sizes", sizes_case, 0 },
	{ "pipe", pipe_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "copy", "copy-loop", watch_copy, check_counted },
	{ 0 },
};
