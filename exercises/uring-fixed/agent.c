/*
 * The agent side of uring-fixed: the learner's fixed_open() with a file
 * the judge passes and a buffer area of the agent's ("open"), fixed_read()
 * of blocks at the judge's offsets ("read", the area sent back), and the
 * timed and counted loop over a file the loop makes itself ("read-loop",
 * compiled apart: real calls).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int fixed_open(int fd, void *area, size_t area_len, unsigned depth);
long fixed_read(const uint64_t *offsets, unsigned n, unsigned block);
void fixed_close(void);

#define KATA_AG_AREA (1u << 20)

/*
 * arg[0] = blocks of 4096 bytes to read, in calls of 64: on its first call
 * the loop makes a 2 MiB file in its directory (ftruncate, filled through a mapping) and
 * opens it with depth 64; offsets are a fixed pseudo-random walk over it,
 * as the judge's reference reads them. ret[0] = the bytes read,
 * ret[1] = a checksum of the first bytes of each block.
 */
void loop_read(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
#define KATA_AG_FILE (2u << 20)
static unsigned char kata_ag_area[KATA_AG_AREA] __attribute__((aligned(4096)));
static int kata_ag_file = -1;
static uint64_t kata_ag_walk;

void loop_read(struct kata_call *c)
{
	if (kata_ag_file < 0) {
		/* A file on the disk's filesystem, not a memfd: its page-cache reads
		 * complete inline (no io-wq worker, which a timed agent may not start). */
		kata_ag_file = open("uring-fixed-loop.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		unlink("uring-fixed-loop.dat");
		if (kata_ag_file < 0 || ftruncate(kata_ag_file, KATA_AG_FILE) != 0) {
			c->ret[0] = -1;
			return;
		}
		unsigned char *p = mmap(NULL, KATA_AG_FILE, PROT_READ | PROT_WRITE, MAP_SHARED, kata_ag_file, 0);
		if (p == MAP_FAILED) {
			c->ret[0] = -1;
			return;
		}
		for (size_t i = 0; i < KATA_AG_FILE; i += 64)
			p[i] = (unsigned char)(i >> 12);
		munmap(p, KATA_AG_FILE);
		if (fixed_open(kata_ag_file, kata_ag_area, KATA_AG_AREA, 64) != 0) {
			c->ret[0] = -1;
			return;
		}
	}
	uint64_t offsets[64];
	int64_t total = 0, sum = 0;
	for (int64_t done = 0; done < c->arg[0];) {
		unsigned n = c->arg[0] - done < 64 ? (unsigned)(c->arg[0] - done) : 64;
		for (unsigned i = 0; i < n; i++) {
			kata_ag_walk = kata_ag_walk * 6364136223846793005ull + 1442695040888963407ull;
			offsets[i] = (kata_ag_walk >> 33) % (KATA_AG_FILE / 4096) * 4096;
		}
		long r = fixed_read(offsets, n, 4096);
		if (r < 0) {
			c->ret[0] = r;
			return;
		}
		total += r;
		sum += kata_ag_area[0] + kata_ag_area[(n - 1) * 4096];
		done += n;
	}
	c->ret[0] = total;
	c->ret[1] = sum;
}
#else

static unsigned char kata_ag_area[KATA_AG_AREA] __attribute__((aligned(4096)));

/* fd[0] = the file, arg[0] = depth. ret[0] = fixed_open()'s answer,
 * ret[1] = the area's address (for the judge's notes). */
static void kata_ag_open(struct kata_call *c)
{
	c->ret[0] = fixed_open(c->fd[0], kata_ag_area, KATA_AG_AREA, (unsigned)c->arg[0]);
	c->ret[1] = (int64_t)(uintptr_t)kata_ag_area;
}

/* in = arg[0] offsets (uint64_t), arg[1] = block. ret[0] = fixed_read()'s
 * answer; out = the area's first arg[0] * block bytes. */
static void kata_ag_read(struct kata_call *c)
{
	static uint64_t offsets[1024];
	unsigned n = (unsigned)c->arg[0], block = (unsigned)c->arg[1];
	if (n > 1024 || c->in_len != n * 8 || (size_t)n * block > c->out_cap || (size_t)n * block > KATA_AG_AREA) {
		c->ret[0] = -2;
		return;
	}
	for (unsigned i = 0; i < c->in_len; i++)
		((unsigned char *)offsets)[i] = c->in[i];
	for (size_t i = 0; i < (size_t)n * block; i++)
		kata_ag_area[i] = 0xa5;
	c->ret[0] = fixed_read(offsets, n, block);
	for (size_t i = 0; i < (size_t)n * block; i++)
		c->out[i] = kata_ag_area[i];
	c->out_len = (size_t)n * block;
}

static void kata_ag_close(struct kata_call *c)
{
	fixed_close();
	c->ret[0] = 0;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "open", kata_ag_open },
	{ "read", kata_ag_read },
	{ "close", kata_ag_close },
	{ "read-loop", loop_read },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
