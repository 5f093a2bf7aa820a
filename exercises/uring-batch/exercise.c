/*
 * Kata uring-batch — many reads, few io_uring_enter calls.
 *
 * read_blocks(blocks, n, depth) reads n blocks: block i is blocks[i].len
 * bytes of blocks[i].fd at blocks[i].offset, into blocks[i].dst, and its
 * result (bytes read, 0 past the end, or -errno) goes in blocks[i].res.
 * Return 0 when every block has its result, or -errno if the ring could
 * not be made.
 *
 * Today it is the loop it replaces: one pread(2) per block. Make it one
 * io_uring of `depth` entries, with at most `depth` reads in flight, and
 * about n / depth io_uring_enter calls in all (the budget: ceil(n/depth)+2).
 * Completions come back in the order they finish, not the order you
 * submitted them: sqe->user_data comes back in the cqe, use it.
 *
 * liburing 2.3 (<liburing.h>): io_uring_queue_init, io_uring_get_sqe,
 * io_uring_prep_read, io_uring_sqe_set_data64, io_uring_submit_and_wait,
 * io_uring_for_each_cqe / io_uring_peek_cqe, io_uring_cqe_get_data64,
 * io_uring_cq_advance / io_uring_cqe_seen, io_uring_queue_exit.
 */
#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <unistd.h>

#ifndef URING_BLOCK_DEFINED /* agent.c, compiled before this file, has the same one */
#define URING_BLOCK_DEFINED
struct uring_block {
	int fd;          /* where to read from */
	unsigned len;    /* how many bytes */
	uint64_t offset; /* at which offset */
	void *dst;       /* into which buffer */
	int res;         /* yours to fill: bytes read, or -errno */
};
#endif

int read_blocks(struct uring_block *blocks, unsigned n, unsigned depth);

int read_blocks(struct uring_block *blocks, unsigned n, unsigned depth)
{
	(void)depth;
	/* TODO: one ring, every block through it, few io_uring_enter calls. */
	for (unsigned i = 0; i < n; i++) {
		ssize_t got = pread(blocks[i].fd, blocks[i].dst, blocks[i].len, (off_t)blocks[i].offset);
		blocks[i].res = got < 0 ? -errno : (int)got;
	}
	return 0;
}
