/*
 * uring-cp, a reference solution: windows of `depth` blocks. Each window is
 * one submission of its reads (waiting for all of them), then one of its
 * writes, linked in order so that a pipe receives them in order. A short
 * read or write is finished by submitting the rest again; a short write
 * breaks the link, and the writes after it come back -ECANCELED and are
 * submitted again too. Two io_uring_enter per window when nothing is short.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAX_DEPTH 64

struct slot {
	unsigned char *buf;
	unsigned len;   /* bytes this block holds (after its reads) */
	unsigned want;  /* bytes asked of the source */
	unsigned done;  /* bytes read, then bytes written */
	off_t off;
};

/* Submits what is queued and waits for `n` completions; each goes to its slot. */
static int run(struct io_uring *ring, unsigned n, struct slot *s, int writing)
{
	int err = 0;
	int r = io_uring_submit_and_wait(ring, n);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;
		r = io_uring_wait_cqe(ring, &cqe);
		if (r < 0)
			return r;
		struct slot *x = &s[io_uring_cqe_get_data64(cqe)];
		int res = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (res == -ECANCELED || res == -EAGAIN || res == -EINTR)
			continue; /* a link broken before it: submitted again */
		if (res < 0) {
			err = res;
			continue;
		}
		if (!writing && res == 0)
			x->want = x->done; /* the end came early: the file shrank */
		x->done += (unsigned)res;
	}
	return err;
}

long uring_copy(int in_fd, int out_fd, unsigned depth, unsigned block)
{
	struct stat in_st, out_st;
	if (fstat(in_fd, &in_st) != 0 || fstat(out_fd, &out_st) != 0)
		return -errno;
	if (depth == 0 || block == 0)
		return -EINVAL;
	if (depth > MAX_DEPTH)
		depth = MAX_DEPTH;
	int stream = !S_ISREG(out_st.st_mode) && !S_ISBLK(out_st.st_mode);
	struct io_uring ring;
	int r = io_uring_queue_init(depth, &ring, 0);
	if (r < 0)
		return r;
	struct slot s[MAX_DEPTH];
	unsigned char *mem = malloc((size_t)depth * block);
	if (!mem) {
		io_uring_queue_exit(&ring);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < depth; i++)
		s[i].buf = mem + (size_t)i * block;

	off_t size = in_st.st_size, off = 0;
	long copied = 0;
	while (off < size && r >= 0) {
		unsigned n = 0;
		for (; n < depth && off < size; n++, off += block) {
			s[n].off = off;
			s[n].want = size - off < block ? (unsigned)(size - off) : block;
			s[n].done = 0;
		}
		/* Reads, until each block holds what it should (or the file ended). */
		for (;;) {
			unsigned q = 0;
			for (unsigned i = 0; i < n; i++) {
				if (s[i].done == s[i].want)
					continue;
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
				io_uring_prep_read(sqe, in_fd, s[i].buf + s[i].done, s[i].want - s[i].done, s[i].off + s[i].done);
				io_uring_sqe_set_data64(sqe, i);
				q++;
			}
			if (q == 0 || (r = run(&ring, q, s, 0)) < 0)
				break;
		}
		if (r < 0)
			break;
		for (unsigned i = 0; i < n; i++) {
			s[i].len = s[i].done;
			s[i].done = 0;
		}
		/* Writes, in order, linked: a pipe takes them one after the other. */
		for (;;) {
			unsigned q = 0;
			struct io_uring_sqe *last = NULL;
			for (unsigned i = 0; i < n; i++) {
				if (s[i].done == s[i].len)
					continue;
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
				io_uring_prep_write(sqe, out_fd, s[i].buf + s[i].done, s[i].len - s[i].done,
						    stream ? (__u64)-1 : (__u64)(s[i].off + s[i].done));
				io_uring_sqe_set_data64(sqe, i);
				sqe->flags |= IOSQE_IO_LINK;
				last = sqe;
				q++;
			}
			if (q == 0)
				break;
			last->flags &= ~IOSQE_IO_LINK;
			if ((r = run(&ring, q, s, 1)) < 0)
				break;
		}
		for (unsigned i = 0; i < n; i++)
			copied += s[i].done;
		if (n && s[n - 1].len < s[n - 1].want)
			break;
	}
	free(mem);
	io_uring_queue_exit(&ring);
	return r < 0 ? r : copied;
}
