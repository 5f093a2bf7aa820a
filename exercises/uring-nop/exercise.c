/*
 * uring-nop: the cost of one submission.
 *
 * nop_setup(entries): a ring of `entries` SQEs, kept for the calls that
 * follow. 0 or -errno.
 * nop_batch(n): n IORING_OP_NOP requests (1 <= n <= entries), submitted and
 * waited for with ONE io_uring_enter, then all n completions taken. Returns
 * how many completed with res 0, or -errno.
 * nop_teardown(): the ring goes.
 */
#include <errno.h>
#include <liburing.h>

int nop_setup(unsigned entries)
{
	/* TODO: io_uring_queue_init into a static ring. */
	(void)entries;
	return -ENOSYS;
}

long nop_batch(unsigned n)
{
	/* TODO: n io_uring_prep_nop SQEs, one io_uring_submit_and_wait(&ring, n),
	 *       then the n CQEs (io_uring_for_each_cqe + io_uring_cq_advance). */
	(void)n;
	return -ENOSYS;
}

void nop_teardown(void)
{
	/* TODO: io_uring_queue_exit. */
}
