/*
 * Driver for uring-fixed: fixed_open(fd, area, len, depth) sets up a ring
 * and registers the file (io_uring_register_files) and the area
 * (io_uring_register_buffers); fixed_read(offsets, n, block) reads block i
 * at offsets[i] into area + i * block with READ_FIXED SQEs on the
 * registered file (IOSQE_FIXED_FILE), `depth` per io_uring_enter.
 *
 * The judge decides from what it sees itself: the blocks (its own pread
 * of the file it passed), the io_uring_register calls in the trace of
 * fixed_open(), the io_uring_enter and read-like calls in the trace of
 * each fixed_read(), and the SQEs themselves: after each call it finds the
 * ring's SQE array in /proc/<agent>/maps (the io_uring mapping at offset
 * IORING_OFF_SQES) and reads it (process_vm_readv): every read SQE there
 * must be IORING_OP_READ_FIXED with IOSQE_FIXED_FILE.
 *
 * The bench times 4 KiB page-cache reads, 64 per enter, against the judge's
 * own ring doing the same with plain IORING_OP_READ on a normal descriptor
 * (uring-batch's pattern), in the same run.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct io_uring_sqe sqes[4096];

static void expect_fixed_sqes(const char *label, int file_index, const uint64_t *offsets, unsigned asked)
{
	char what[160], detail[400];
	long n = kata_agent_sqes(sqes, sizeof(sqes));
	snprintf(what, sizeof(what), "%s: the ring's SQEs (read from the agent's SQE array) are READ_FIXED on a registered file",
		 label);
	if (n < 0) {
		kata_note("%s: the agent's SQE array could not be read (process_vm_readv): not checked", label);
		return;
	}
	long fixed = 0, plain = 0, unfixed_file = 0, other = 0, wrong_file = 0, foreign_off = 0;
	int plain_op = -1;
	for (long i = 0; i < n; i++) {
		const struct io_uring_sqe *s = &sqes[i];
		if (s->opcode == IORING_OP_READ_FIXED) {
			fixed++;
			if (!(s->flags & IOSQE_FIXED_FILE))
				unfixed_file++;
			else if (s->fd != file_index)
				wrong_file++;
			int known = 0;
			for (unsigned k = 0; k < asked && !known; k++)
				known = s->off == offsets[k];
			foreign_off += !known;
		} else if (s->opcode == IORING_OP_READ || s->opcode == IORING_OP_READV) {
			plain++;
			plain_op = s->opcode;
		} else if (s->opcode != IORING_OP_NOP)
			other++;
	}
	if (n == 0)
		snprintf(detail, sizeof(detail), "no io_uring SQE array in the agent's memory: the reads did not go through a ring");
	else if (plain)
		snprintf(detail, sizeof(detail), "%ld SQEs with opcode %s (and %ld READ_FIXED): a plain read imports the user buffer "
			 "per operation (and, for O_DIRECT, pins its pages each time); READ_FIXED uses the registered buffer, "
			 "imported and pinned once", plain,
			 plain_op == IORING_OP_READ ? "IORING_OP_READ" : "IORING_OP_READV", fixed);
	else if (fixed == 0)
		snprintf(detail, sizeof(detail), "no READ_FIXED SQE in the ring (%ld of other opcodes)", other);
	else if (unfixed_file)
		snprintf(detail, sizeof(detail), "%ld READ_FIXED SQEs without IOSQE_FIXED_FILE: the fd is then a normal "
			 "descriptor, looked up and referenced per operation; set the flag and use the registered index (0)",
			 unfixed_file);
	else if (wrong_file)
		snprintf(detail, sizeof(detail), "%ld READ_FIXED SQEs name registered file index other than %d, where the kernel "
			 "lists the judge's file", wrong_file, file_index);
	else if (foreign_off)
		snprintf(detail, sizeof(detail), "%ld READ_FIXED SQEs left in the ring read at offsets this call did not ask for: "
			 "the ring's last SQEs must be this call's reads", foreign_off);
	else
		detail[0] = 0;
	kata_expect_true(what, detail[0] == 0, detail);
}

/* The requests the kernel itself set up during the call (a tracepoint the
 * judge counts): the SQE array is the agent's memory, written at will after
 * the fact; this count is not. */
static void expect_kernel_ran_fixed(const char *label, int counted, unsigned n)
{
	long seen = kata_uring_ops_seen();
	if (!counted || seen < 0) {
		kata_note("%s: the kernel's count of READ_FIXED requests is not available here (it needs root and tracefs): not checked",
			  label);
		return;
	}
	long all = kata_uring_requests_seen();
	char what[200], detail[400];
	snprintf(what, sizeof(what), "%s: the kernel ran at least %u requests, every one READ_FIXED on a registered file "
		 "(the tracepoint io_uring:io_uring_submit_req)", label, n);
	snprintf(detail, sizeof(detail), "the kernel set up %ld requests during the call, %ld of them READ_FIXED with "
		 "IOSQE_FIXED_FILE%s", all, seen,
		 seen < all || seen < n ? ": what the SQE array holds afterwards is not what was submitted (the array is the "
					  "program's own memory; the kernel's count is not)" : "");
	kata_expect_true(what, seen >= (long)n && seen == all, detail);
}

/* ---- the calls ------------------------------------------------------------ */

#define FILE_SIZE (2u << 20)
#define KATA_AG_AREA_LEN (1u << 20) /* agent.c's area */
static unsigned char file_bytes[FILE_SIZE];

/* The agent's ring with the judge's file and the area registered, as
 * the kernel lists them (fdinfo): the fd of that ring and the file's index
 * in its table, or -1 with what is missing said in `why`. */
static struct kata_uring_info rings[8];
static int registered_ring(const char *file_path, uint64_t area, uint64_t area_len, int *file_index, char *why, size_t cap)
{
	int n = kata_agent_urings(rings, 8);
	if (n <= 0) {
		snprintf(why, cap, n < 0 ? "the agent's descriptors could not be read" : "the agent holds no io_uring ring");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct kata_uring_info *u = &rings[i];
		int fi = -1, covered = 0;
		for (int k = 0; k < u->user_files && k < KATA_URING_LISTED; k++)
			if (fi < 0 && strcmp(u->files[k], file_path) == 0)
				fi = k;
		for (int k = 0; k < u->user_bufs && k < KATA_URING_LISTED; k++)
			covered |= u->bufs[k].addr <= area && area + area_len <= u->bufs[k].addr + u->bufs[k].len;
		if (fi >= 0 && covered) {
			*file_index = fi;
			return u->fd;
		}
		/* Said of the last ring that falls short: usually the only one. */
		int files = u->user_files < 0 ? 0 : u->user_files, bufs = u->user_bufs < 0 ? 0 : u->user_bufs;
		snprintf(why, cap, "ring fd %d: %d registered file%s%s, %d registered buffer%s%s", u->fd, files, files == 1 ? "" : "s",
			 fi >= 0 ? " (the judge's among them)" : files ? ", not the judge's" : "", bufs, bufs == 1 ? "" : "s",
			 covered ? " covering the area" : bufs ? ", none covering the whole area" : "");
	}
	return -1;
}

static const struct kata_uring_info *ring_now(int fd)
{
	int n = kata_agent_urings(rings, 8);
	for (int i = 0; i < n; i++)
		if (rings[i].fd == fd)
			return &rings[i];
	return NULL;
}

static void expect_read_syscalls(const char *label, const struct kata_reply *r, unsigned n, unsigned depth)
{
	if (!r->traced)
		return;
	struct kata_ring_calls t;
	kata_count_ring_calls(r, &t);
	long limit = (n + depth - 1) / depth + 2;
	char what[160], detail[300];
	snprintf(what, sizeof(what), "%s: no read syscall, no io_uring_register, io_uring_enter at most ceil(%u / %u) + 2 = %ld",
		 label, n, depth, limit);
	snprintf(detail, sizeof(detail), "io_uring_enter: %ld, read-like: %ld, io_uring_register: %ld%s", t.enters, t.reads,
		 t.registers, t.registers ? " (register once, in fixed_open(), and reuse)" : "");
	kata_expect_true(what, t.enters <= limit && t.reads == 0 && t.registers == 0 && !t.unseen, detail);
}

static void blocks_case(void)
{
	kata_require_uring_op(IORING_OP_READ_FIXED, "IORING_OP_READ_FIXED");
	int counted = kata_watch_uring_ops(KATA_URING_OP(IORING_OP_READ_FIXED), IOSQE_FIXED_FILE);
	int fd = memfd_create("uring-fixed", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(file_bytes, FILE_SIZE);
	if (pwrite(fd, file_bytes, FILE_SIZE, 0) != FILE_SIZE)
		kata_setup_failed("pwrite() of the file");
	unsigned depth = 4u << kata_rand_range(0, 2), block = 4096;
	kata_note("a %u-byte file, depth %u, blocks of %u at random offsets", FILE_SIZE, depth, block);
	struct kata_args oa = { .arg = { depth }, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("open", &oa);
	kata_expect_i64("fixed_open() return value", 0, r->ret[0]);
	if (r->ret[0] != 0)
		return;
	char file_path[128], why[300] = "";
	snprintf(why, sizeof(why), "/proc/self/fd/%d", fd);
	ssize_t plen = readlink(why, file_path, sizeof(file_path) - 1);
	file_path[plen > 0 ? plen : 0] = 0;
	int file_index = -1;
	int ring_fd = registered_ring(file_path, (uint64_t)r->ret[1], KATA_AG_AREA_LEN, &file_index, why, sizeof(why));
	kata_expect_true("fixed_open(): the judge's file and the whole area registered with a ring (the kernel's fdinfo)",
			 ring_fd >= 0, why);
	if (ring_fd < 0)
		return;
	/* The kernel's SQPOLL thread submits where the judge's count of requests does not look (a
	 * thread started before the call), and a timed agent may start no thread at all. */
	const struct kata_uring_info *polled = ring_now(ring_fd);
	snprintf(why, sizeof(why), "the ring has a submission-polling thread (pid %d): this kata compares READ_FIXED "
		 "with READ, each submitted by io_uring_enter; SQPOLL is uring-sqpoll's", polled ? polled->sq_thread : -1);
	kata_expect_true("fixed_open(): a ring without IORING_SETUP_SQPOLL", !polled || polled->sq_thread < 0, why);
	if (polled && polled->sq_thread >= 0)
		return;
	static uint64_t offsets[24];
	static unsigned char want[24 * 4096];
	for (int round = 1; round <= 3; round++) {
		unsigned n = (unsigned)kata_rand_range(depth + 1, 24);
		for (unsigned i = 0; i < n; i++) {
			offsets[i] = kata_rand_range(0, FILE_SIZE - block);
			if (kata_rand_range(0, 1))
				offsets[i] &= ~(uint64_t)(block - 1);
			memcpy(want + (size_t)i * block, file_bytes + offsets[i], block);
		}
		struct kata_args ra = { .arg = { n, block }, .in = offsets, .in_len = n * 8, .out_cap = (size_t)n * block };
		const struct kata_uring_info *u = ring_now(ring_fd);
		long head0 = u ? u->sq_head : -1, cq0 = u ? u->cq_tail : -1;
		r = kata_call("read", &ra);
		if (r->ret[0] == -2)
			kata_setup_failed("the agent's copy of the offsets");
		char what[120], label[32];
		snprintf(label, sizeof(label), "read %d (%u blocks)", round, n);
		snprintf(what, sizeof(what), "%s: fixed_read() return value (bytes read)", label);
		if (r->ret[0] == -EBADF) {
			kata_expect_true(what, 0,
					 "-9 (EBADF): the descriptor fixed_open() was given is closed once it returns; the "
					 "registered copy (index 0, with IOSQE_FIXED_FILE) is the only way to the file after that");
			return;
		}
		kata_expect_i64(what, (long long)n * block, r->ret[0]);
		snprintf(what, sizeof(what), "%s: the blocks in the area, against the judge's pread", label);
		kata_expect_bytes(what, want, (size_t)n * block, r->out, r->out_len);
		expect_read_syscalls(label, r, n, depth);
		u = ring_now(ring_fd);
		snprintf(what, sizeof(what), "%s: the kernel consumed and completed at least %u SQEs on the registered ring (fdinfo)",
			 label, n);
		if (u)
			snprintf(why, sizeof(why), "SqHead moved by %ld, CqTail by %ld", u->sq_head - head0, u->cq_tail - cq0);
		else
			snprintf(why, sizeof(why), "the registered ring (fd %d) is gone", ring_fd);
		if (head0 >= 0 && (!u || u->sq_head >= 0))
			kata_expect_true(what, u && u->sq_head - head0 >= n && u->cq_tail - cq0 >= n, why);
		expect_fixed_sqes(label, file_index, offsets, n);
		expect_kernel_ran_fixed(label, counted, n);
	}
	struct kata_args ca = { 0 };
	kata_call("close", &ca);
	close(fd);
}

/* ---- the bench: the judge's ring, plain READ on a normal descriptor --------- */

#define LOOP_FILE (2u << 20)

static struct io_uring plain_ring;
static int plain_fd = -1;
static unsigned char *plain_area;
static uint64_t plain_walk;

/* The kernel counts the READ_FIXED requests on a registered file it sets up. */
static void watch_fixed(void)
{
	kata_watch_uring_ops(KATA_URING_OP(IORING_OP_READ_FIXED), IOSQE_FIXED_FILE);
}

/* Before the agent starts: the file, the ring and the area, so that no timed
 * call (and none of the calibration's) pays for them. */
static void setup_plain(void)
{
	plain_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (plain_fd < 0 || ftruncate(plain_fd, LOOP_FILE) != 0)
		kata_setup_failed("a file for the reference");
	unsigned char *p = mmap(NULL, LOOP_FILE, PROT_READ | PROT_WRITE, MAP_SHARED, plain_fd, 0);
	if (p == MAP_FAILED)
		kata_setup_failed("mmap for the reference");
	for (size_t i = 0; i < LOOP_FILE; i += 64)
		p[i] = (unsigned char)(i >> 12);
	munmap(p, LOOP_FILE);
	watch_fixed();
	plain_area = aligned_alloc(4096, 64 * 4096);
	if (!plain_area || io_uring_queue_init(64, &plain_ring, 0) < 0)
		kata_setup_failed("io_uring_queue_init for the reference");
	memset(plain_area, 0, 64 * 4096);
}

static void reference_plain(uint64_t iters)
{
	struct io_uring *ring = &plain_ring;
	int fd = plain_fd;
	unsigned char *area = plain_area;
	uint64_t walk = plain_walk;
	for (uint64_t done = 0; done < iters;) {
		unsigned n = iters - done < 64 ? (unsigned)(iters - done) : 64;
		for (unsigned i = 0; i < n; i++) {
			walk = walk * 6364136223846793005ull + 1442695040888963407ull;
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			io_uring_prep_read(sqe, fd, area + (size_t)i * 4096, 4096, (walk >> 33) % (LOOP_FILE / 4096) * 4096);
			io_uring_sqe_set_data64(sqe, i);
		}
		io_uring_submit_and_wait(ring, n);
		for (unsigned i = 0; i < n; i++) {
			struct io_uring_cqe *cqe;
			if (io_uring_wait_cqe(ring, &cqe) < 0)
				kata_setup_failed("io_uring_wait_cqe in the reference");
			kata_sink(cqe->res);
			io_uring_cqe_seen(ring, cqe);
		}
		done += n;
	}
	plain_walk = walk;
}

/* The kernel's count of the loop's requests (in the counting run and in the
 * bench's audited calls; -1 in the timed ones): a READ_FIXED on a
 * registered file per block, and nothing else. */
static const char *kernel_ran_fixed(uint64_t iters)
{
	static char why[300];
	long seen = kata_uring_ops_seen(), all = kata_uring_requests_seen();
	if (seen < 0 || (seen >= (long)iters && seen == all))
		return NULL;
	snprintf(why, sizeof(why), "%" PRIu64 " blocks read with %ld requests, %ld of them READ_FIXED on a registered file, as "
		 "the kernel counted them (io_uring:io_uring_submit_req): every block must be one, and nothing else", iters, all,
		 seen);
	return why;
}

/* ret[0] = the bytes read (4 KiB blocks), or the first error. */
static const char *check_counted(const int64_t ret[4], uint64_t iters)
{
	int64_t done = ret[0] > 0 ? (ret[0] + 4095) / 4096 : ret[0];
	const char *short_loop = kata_uring_loop_fewer(done, iters, 0, "");
	return short_loop ? short_loop : kernel_ran_fixed(done > 0 ? (uint64_t)done : 0);
}

static const char *check_read(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[200];
	(void)before_ns, (void)after_ns;
	const char *fewer = kernel_ran_fixed(iters);
	if (fewer)
		return fewer;
	if (ret[0] == (int64_t)iters * 4096)
		return NULL;
	snprintf(why, sizeof(why), "while timed, %" PRIu64 " blocks of 4096 read %" PRId64 " bytes: every block must be read whole",
		 iters, ret[0]);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "blocks", blocks_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "plain-read", "read-loop", reference_plain, setup_plain, check_read },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "reads", "read-loop", watch_fixed, check_counted },
	{ 0 },
};
