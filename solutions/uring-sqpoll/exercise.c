/*
 * uring-sqpoll: n blocks read through a ring whose submission queue a
 * kernel thread polls (IORING_SETUP_SQPOLL). Submitting is a store to the
 * SQ tail; io_uring_submit() enters the kernel only when the thread has
 * gone to sleep and set IORING_SQ_NEED_WAKEUP. Completions are reaped
 * with io_uring_peek_cqe(), which never enters: no syscall in the loop.
 */
#include <liburing.h>
#include <string.h>

long sqpoll_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth)
{
	struct io_uring ring;
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 10; /* ms of nothing to do before the thread sleeps */
	int r = io_uring_queue_init_params(depth, &ring, &p);
	if (r < 0)
		return r;
	unsigned submitted = 0, reaped = 0;
	long total = 0, first_error = 0;
	while (reaped < n) {
		unsigned queued = 0;
		while (submitted < n && submitted - reaped < depth) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				break;
			io_uring_prep_read(sqe, fd, (char *)buf + (size_t)submitted * block, block, offsets[submitted]);
			io_uring_sqe_set_data64(sqe, submitted);
			submitted++;
			queued++;
		}
		if (queued)
			io_uring_submit(&ring); /* a tail store; io_uring_enter only if NEED_WAKEUP */
		struct io_uring_cqe *cqe;
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			if (cqe->res < 0 && !first_error)
				first_error = cqe->res;
			else if (cqe->res > 0)
				total += cqe->res;
			io_uring_cqe_seen(&ring, cqe);
			reaped++;
		}
	}
	io_uring_queue_exit(&ring);
	return first_error ? first_error : total;
}
