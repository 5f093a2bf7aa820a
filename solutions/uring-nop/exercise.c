/*
 * uring-nop, a reference solution: one ring for every call; a batch is n
 * NOP SQEs and one io_uring_enter that submits them and waits for all n.
 */
#include <errno.h>
#include <liburing.h>

static struct io_uring ring;
static unsigned ring_entries;

int nop_setup(unsigned entries)
{
	int r = io_uring_queue_init(entries, &ring, 0);
	if (r == 0)
		ring_entries = entries;
	return r;
}

long nop_batch(unsigned n)
{
	if (n == 0 || n > ring_entries)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		io_uring_prep_nop(io_uring_get_sqe(&ring));
	int r = io_uring_submit_and_wait(&ring, n);
	if (r < 0)
		return r;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	long ok = 0;
	io_uring_for_each_cqe(&ring, head, cqe)
	{
		ok += cqe->res == 0;
		seen++;
	}
	io_uring_cq_advance(&ring, seen);
	return ok;
}

void nop_teardown(void)
{
	io_uring_queue_exit(&ring);
}
