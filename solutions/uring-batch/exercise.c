/*
 * Kata uring-batch — many reads, few io_uring_enter calls (reference solution).
 */
#include <errno.h>
#include <liburing.h>
#include <stdint.h>

#ifndef URING_BLOCK_DEFINED /* agent.c, compiled before this file, has the same one */
#define URING_BLOCK_DEFINED
struct uring_block {
	int fd;
	unsigned len;
	uint64_t offset;
	void *dst;
	int res;
};
#endif

int read_blocks(struct uring_block *blocks, unsigned n, unsigned depth);

int read_blocks(struct uring_block *blocks, unsigned n, unsigned depth)
{
	struct io_uring ring;
	int err = io_uring_queue_init(depth, &ring, 0);
	if (err < 0)
		return err;

	unsigned next = 0, done = 0, inflight = 0;
	while (done < n) {
		/* Fill every free slot, up to the queue depth. */
		while (next < n && inflight < depth) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				break;
			struct uring_block *b = &blocks[next];
			io_uring_prep_read(sqe, b->fd, b->dst, b->len, b->offset);
			io_uring_sqe_set_data64(sqe, next); /* the block's index comes back in the CQE */
			next++;
			inflight++;
		}
		/* One io_uring_enter: submit what is new, wait for at least one. */
		err = io_uring_submit_and_wait(&ring, 1);
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY)
			break;
		/* Take every completion there is, in whatever order it came. */
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			blocks[io_uring_cqe_get_data64(cqe)].res = cqe->res;
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		done += seen;
		inflight -= seen;
		err = 0;
	}
	io_uring_queue_exit(&ring);
	return err;
}
