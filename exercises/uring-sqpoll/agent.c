/*
 * The agent side of uring-sqpoll: whether this kernel gives this process an
 * SQPOLL ring at all ("sqpoll-probe", made here, before any learner code:
 * a refusal is the machine's, not the learner's), the learner's
 * sqpoll_read() on the judge's file ("read"), and the counted loop of
 * reads from a file this agent writes in its own directory (compiled
 * apart: a real call).
 */
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <string.h>
#include <unistd.h>

long sqpoll_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth);

void loop_sqpoll_read(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
/* arg[0] = blocks of 512 bytes, times 4, from a 1 MiB file written here
 * once, at offsets 512 * ((i * 97) % 2048), depth 64, in calls of 2048
 * blocks at most. ret[0] = the bytes read. */
static unsigned char kata_ag_buf[2048 * 512];
static unsigned long long kata_ag_off[2048];
static int kata_ag_fd = -1;

void loop_sqpoll_read(struct kata_call *c)
{
	if (kata_ag_fd < 0) {
		kata_ag_fd = open("sqpoll-data", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		memset(kata_ag_buf, 0x5a, sizeof(kata_ag_buf));
		if (write(kata_ag_fd, kata_ag_buf, 1 << 20) != 1 << 20) {
			c->ret[0] = -EIO;
			return;
		}
		for (int i = 0; i < 2048; i++)
			kata_ag_off[i] = 512ull * (unsigned long long)((i * 97) % 2048);
	}
	int64_t total = 0;
	for (int64_t done = 0; done < 4 * c->arg[0];) {
		int64_t k = 4 * c->arg[0] - done;
		if (k > 2048)
			k = 2048;
		long r = sqpoll_read(kata_ag_fd, kata_ag_buf, 512, (unsigned)k, kata_ag_off, 64);
		if (r < 0) {
			total = r;
			break;
		}
		total += r;
		done += k;
	}
	c->ret[0] = total;
}
#else

/* ret[0] = 0 if an SQPOLL ring (idle 10 ms) can be set up here, else -errno. */
static void kata_ag_probe(struct kata_call *c)
{
	struct io_uring ring;
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 10;
	int r = io_uring_queue_init_params(4, &ring, &p);
	if (r == 0)
		io_uring_queue_exit(&ring);
	c->ret[0] = r;
}

static unsigned long long kata_ag_offsets[4096];

/* fd[0] = the file, arg[0] = block size, arg[1] = blocks, arg[2] = depth;
 * `in` = the offsets (8 bytes each). ret[0] = sqpoll_read()'s answer; the
 * blocks go back in `out`. ret[1] = -2 if the request did not fit. */
static void kata_ag_read(struct kata_call *c)
{
	unsigned block = (unsigned)c->arg[0], n = (unsigned)c->arg[1], depth = (unsigned)c->arg[2];
	if (n > 4096 || c->in_len != (size_t)n * 8 || (size_t)block * n > c->out_cap) {
		c->ret[1] = -2;
		return;
	}
	memcpy(kata_ag_offsets, c->in, c->in_len);
	memset(c->out, 0xa5, (size_t)block * n);
	c->ret[0] = sqpoll_read(c->fd[0], c->out, block, n, kata_ag_offsets, depth);
	c->out_len = (size_t)block * n;
	c->ret[1] = 0;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "sqpoll-probe", kata_ag_probe },
	{ "read", kata_ag_read },
	{ "read-loop", loop_sqpoll_read },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
