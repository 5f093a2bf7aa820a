/*
 * uring-fixed, a reference solution: the file and the area registered once
 * in fixed_open(); every read is a READ_FIXED on file index 0
 * (IOSQE_FIXED_FILE) into the registered buffer 0, a window of `depth`
 * per io_uring_enter.
 */
#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <sys/uio.h>

static struct io_uring ring;
static unsigned char *area;
static size_t area_len;
static unsigned depth;

int fixed_open(int fd, void *buf, size_t len, unsigned d)
{
	int r = io_uring_queue_init(d, &ring, 0);
	if (r < 0)
		return r;
	struct iovec iov = { buf, len };
	if ((r = io_uring_register_files(&ring, &fd, 1)) < 0 || (r = io_uring_register_buffers(&ring, &iov, 1)) < 0) {
		io_uring_queue_exit(&ring);
		return r;
	}
	area = buf;
	area_len = len;
	depth = d;
	return 0;
}

long fixed_read(const uint64_t *offsets, unsigned n, unsigned block)
{
	if ((size_t)n * block > area_len)
		return -EINVAL;
	long total = 0;
	for (unsigned start = 0; start < n; start += depth) {
		unsigned k = n - start < depth ? n - start : depth;
		for (unsigned i = start; i < start + k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_read_fixed(sqe, 0, area + (size_t)i * block, block, offsets[i], 0);
			sqe->flags |= IOSQE_FIXED_FILE;
			io_uring_sqe_set_data64(sqe, i);
		}
		int r = io_uring_submit_and_wait(&ring, k);
		if (r < 0)
			return r;
		for (unsigned i = 0; i < k; i++) {
			struct io_uring_cqe *cqe;
			if ((r = io_uring_wait_cqe(&ring, &cqe)) < 0)
				return r;
			int res = cqe->res;
			io_uring_cqe_seen(&ring, cqe);
			if (res < 0)
				return res;
			total += res;
		}
	}
	return total;
}

void fixed_close(void)
{
	io_uring_queue_exit(&ring);
}
