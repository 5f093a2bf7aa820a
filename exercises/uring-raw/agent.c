/*
 * The agent side of uring-raw: the learner's ring_read() inlined into a
 * probe ("read": the judge's file or pipe in fd[0], the offsets in `in`,
 * the blocks back in `out`), and the counted and timed loop of reads from
 * a file this agent writes in its directory (compiled apart: a real call
 * each time).
 * No libc here: the agent's own syscalls are the course's raw ones.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

long ring_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth);

#define KATA_AG_MAX_BLOCKS 2048

void loop_ring_read(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
/* arg[0] = blocks of 512 bytes, read from a 1 MiB file made and written here
 * once, at offsets 512 * ((i * 97) % 2048), queue depth 32, in calls of up
 * to 2048 blocks. ret[0] = the bytes read. */
static unsigned char kata_ag_buf[KATA_AG_MAX_BLOCKS * 512];
static unsigned long long kata_ag_off[KATA_AG_MAX_BLOCKS];
static long kata_ag_fd = -1;

void loop_ring_read(struct kata_call *c)
{
	if (kata_ag_fd < 0) {
		/* A file in the agent's directory, written here: its pages are in the
		 * page cache and a read completes inline, in io_uring_enter. (Not a
		 * memfd: shmem reads go to an io-wq worker, and a timed agent may
		 * start no thread, RLIMIT_NPROC 1: they would end -ECANCELED.) */
		kata_ag_fd = kata_raw_syscall4(257 /* openat */, -100 /* AT_FDCWD */, (long)"ring-data",
					       02 | 0100 | 01000 | 02000000 /* O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC */, 0600);
		for (int i = 0; i < (int)sizeof(kata_ag_buf); i++)
			kata_ag_buf[i] = (unsigned char)(i * 7);
		kata_raw_syscall3(1 /* write */, kata_ag_fd, (long)kata_ag_buf, 1 << 20);
		for (int i = 0; i < KATA_AG_MAX_BLOCKS; i++)
			kata_ag_off[i] = 512ull * (unsigned long long)((i * 97) % 2048);
	}
	int64_t total = 0;
	for (int64_t done = 0; done < c->arg[0];) {
		int64_t k = c->arg[0] - done;
		if (k > KATA_AG_MAX_BLOCKS)
			k = KATA_AG_MAX_BLOCKS;
		long r = ring_read((int)kata_ag_fd, kata_ag_buf, 512, (unsigned)k, kata_ag_off, 32);
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

static unsigned long long kata_ag_offsets[KATA_AG_MAX_BLOCKS];

/* fd[0] = the file (or pipe), arg[0] = block size, arg[1] = blocks,
 * arg[2] = queue depth; `in` = the offsets (8 bytes each). ret[0] =
 * ring_read()'s answer; the blocks go back in `out`. ret[1] = -2 if the
 * request did not fit. */
KATA_PROBE probe_read(struct kata_call *c)
{
	unsigned block = (unsigned)c->arg[0], n = (unsigned)c->arg[1], depth = (unsigned)c->arg[2];
	if (n > KATA_AG_MAX_BLOCKS || c->in_len != (size_t)n * 8 || (size_t)block * n > c->out_cap) {
		c->ret[1] = -2;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned long long v = 0;
		for (int b = 7; b >= 0; b--)
			v = (v << 8) | c->in[i * 8 + (unsigned)b];
		kata_ag_offsets[i] = v;
	}
	for (size_t i = 0; i < (size_t)block * n; i++)
		c->out[i] = 0xa5;
	c->ret[0] = ring_read(c->fd[0], c->out, block, n, kata_ag_offsets, depth);
	c->out_len = (size_t)block * n;
	c->ret[1] = 0;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "read", probe_read },
	{ "read-loop", loop_ring_read },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
