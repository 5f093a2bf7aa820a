/*
 * Driver for uring-read: uring_read() reads a range of the judge's file
 * through an io_uring. The judge writes a file of random bytes, asks for
 * random ranges of it (some past its end), and compares the answer and
 * every byte of the buffer with its own pread(2) of the same range. The
 * trace of each call must show the ring doing the read: an io_uring_enter
 * and no read-like syscall. Errors come back as the kernel's -errno: a
 * write-only descriptor and one that is not open give -EBADF, an offset
 * past the end 0. The counting run (agent.c) reads a file of its own.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <linux/io_uring.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char content[256 << 10], want[KATA_WIRE_MAX_BYTES + 64];

/* A file of `size` random bytes, in the page cache. */
static int make_file(size_t size)
{
	kata_rand_bytes(content, size);
	return kata_cached_file(content, size, "uring-read's file");
}

/* The call's syscalls: an io_uring_enter at least, no read-like at all. */
static void expect_ring(const char *label, const struct kata_reply *r)
{
	if (!r->traced)
		return;
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	char what[160], detail[300] = "";
	if (t.reads)
		snprintf(detail, sizeof(detail), "%s: %ld call%s: the read was made by a syscall, not through the ring",
			 kata_syscall_name(t.read_nr, 0), t.reads, t.reads == 1 ? "" : "s");
	else if (!t.enters)
		snprintf(detail, sizeof(detail),
			 "no io_uring_enter during the call: an SQE the kernel was never told about was never read");
	snprintf(what, sizeof(what), "%s: the read goes through the ring (io_uring_enter, no read-like syscall)", label);
	kata_expect_true(what, detail[0] == 0, detail);
}

/* One read of the agent, checked against the judge's pread on `fd`.
 * `agent_fd`, when not 0, is the descriptor number the agent uses instead. */
static void one_read(const char *label, int fd, int agent_fd, off_t off, size_t len, long expected)
{
	memset(want, 0xa5, len);
	if (expected == KATA_ANY) {
		ssize_t n = pread(fd, want, len, off);
		expected = n < 0 ? -errno : n;
		if (n < 0)
			memset(want, 0xa5, len);
	}
	struct kata_args a = { .arg = { (int64_t)off, (int64_t)len, agent_fd }, .out_cap = len, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("read", &a);
	if (r->ret[0] == -1000)
		kata_setup_failed("the agent's buffer");
	char what[200];
	snprintf(what, sizeof(what), "%s: uring_read() return value (bytes, or -errno)", label);
	kata_expect_i64(what, expected, r->ret[0]);
	snprintf(what, sizeof(what), "%s: the buffer (the bytes pread gives, 0xa5 where nothing was read)", label);
	kata_expect_bytes(what, want, len, r->out, r->out_len);
	snprintf(what, sizeof(what), "%s: nothing written past the buffer's %zu bytes", label, len);
	kata_expect_true(what, r->ret[1] == 0, "uring_read() wrote past the end of the buffer it was given");
	expect_ring(label, r);
}

#define READS 6

static void range_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	size_t size = kata_rand_range(20 << 10, sizeof(content));
	int fd = make_file(size);
	kata_note("a file of %zu random bytes; %d reads at random offsets, of random lengths (up to 96 KiB), "
		  "the last one across the end of the file", size, READS);
	for (int i = 1; i <= READS; i++) {
		size_t len = kata_rand_range(1, i <= 2 ? 4096 : KATA_WIRE_MAX_BYTES);
		off_t off = (off_t)kata_rand_range(0, size - 1);
		if (i == READS)
			off = (off_t)(size - kata_rand_range(1, len < size ? len : size));
		char label[96];
		snprintf(label, sizeof(label), "read %d (%zu bytes at offset %lld)", i, len, (long long)off);
		one_read(label, fd, 0, off, len, KATA_ANY);
	}
	close(fd);
}

static void errors_case(void)
{
	kata_require_uring_op(IORING_OP_READ, "IORING_OP_READ");
	size_t size = kata_rand_range(4096, 64 << 10);
	int fd = make_file(size);
	char path[64], label[128];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int wronly = open(path, O_WRONLY | O_CLOEXEC);
	if (wronly < 0)
		kata_setup_failed("open() of the judge's file write-only");
	kata_note("a file of %zu bytes: a read past its end, a write-only descriptor of it, a descriptor number "
		  "that is not open", size);

	off_t past = (off_t)(size + kata_rand_range(0, 8192));
	snprintf(label, sizeof(label), "offset %lld, past the end of a %zu-byte file", (long long)past, size);
	one_read(label, fd, 0, past, kata_rand_range(1, 4096), KATA_ANY);

	snprintf(label, sizeof(label), "a write-only descriptor");
	one_read(label, wronly, 0, 0, kata_rand_range(1, 4096), KATA_ANY);

	snprintf(label, sizeof(label), "descriptor 1000, not open");
	one_read(label, fd, 1000, 0, kata_rand_range(1, 4096), -EBADF);

	off_t off = (off_t)kata_rand_range(0, size - 1);
	snprintf(label, sizeof(label), "then a good read (offset %lld)", (long long)off);
	one_read(label, fd, 0, off, kata_rand_range(1, 4096), KATA_ANY);
	close(wronly);
	close(fd);
}

/* The counted loop: the kernel counts the read requests it sets up (its own
 * evidence: a loop counted by syscalls alone could read some other way). */
static void watch_reads(void)
{
	kata_watch_uring_ops(KATA_URING_READ_OPS, 0);
}

/* ret[0] = the bytes read (4 KiB per call that succeeded), ret[2] = the first error. */
static const char *check_reads(const int64_t ret[4], uint64_t iters)
{
	return kata_uring_loop_fewer(ret[0] > 0 ? (ret[0] + 4095) / 4096 : ret[2], iters, 1,
				     "read requests (one per uring_read() that read)");
}

const struct kata_case kata_cases[] = {
	{ "range", range_case, 0 },
	{ "errors", errors_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "reads", "read-loop", watch_reads, check_reads },
	{ 0 },
};
