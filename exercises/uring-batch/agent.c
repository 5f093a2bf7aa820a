/*
 * The agent side of uring-batch: the learner's read_blocks() on the
 * judge's descriptors ("blocks"), and the timed and counted loop of blocks
 * from a file the loop makes itself (compiled apart: each is a real call).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

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

/* The loop's file and blocks, as the judge's reference reads them. */
#define KATA_AG_FILE (1u << 20)
#define KATA_AG_BS 1024u
#define KATA_AG_CHUNK 1024u
#define KATA_AG_DEPTH 32u

static inline uint64_t kata_ag_word(uint64_t j)
{
	uint64_t z = j * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t kata_ag_offset(uint64_t i)
{
	return ((i * 2654435761ull) % (KATA_AG_FILE / KATA_AG_BS)) * KATA_AG_BS;
}

/*
 * arg[0] = blocks of 1 KiB from a 1 MiB file the first call writes in the
 * agent's directory (loop.dat), at scattered offsets, through
 * read_blocks() with depth 32; arg[1] = blocks per call (0: 1024; the
 * counting run asks for all in one call). ret[0] = bytes read in all,
 * ret[1] = sum over blocks of (i + 1) * the first 8 bytes of block i's
 * buffer, ret[2] = the first error (or 0), ret[3] = the file's fd (< 0: none).
 */
void loop_blocks(struct kata_call *c);
/* The counting run: arg[0] blocks in one read_blocks() call. */
void loop_count(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int kata_ag_fd = -1;
static unsigned char kata_ag_arena[2048 * KATA_AG_BS];
static struct uring_block kata_ag_b[2048];

void loop_blocks(struct kata_call *c)
{
	if (kata_ag_fd < 0) {
		kata_ag_fd = open("loop.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); /* its own dir, on disk */
		static uint64_t page[512];
		for (uint64_t off = 0; kata_ag_fd >= 0 && off < KATA_AG_FILE; off += sizeof(page)) {
			for (uint64_t i = 0; i < 512; i++)
				page[i] = kata_ag_word(off / 8 + i);
			if (pwrite(kata_ag_fd, page, sizeof(page), (off_t)off) != (ssize_t)sizeof(page))
				kata_ag_fd = -1;
		}
	}
	uint64_t total = (uint64_t)c->arg[0], chunk = c->arg[1] > 0 ? (uint64_t)c->arg[1] : KATA_AG_CHUNK;
	if (chunk > 2048)
		chunk = 2048;
	if (kata_ag_fd < 0) {
		c->ret[3] = -1;
		return;
	}
	int64_t bytes = 0, err = 0;
	uint64_t h = 0;
	for (uint64_t start = 0; start < total; start += chunk) {
		unsigned n = (unsigned)(total - start < chunk ? total - start : chunk);
		for (unsigned k = 0; k < n; k++) {
			kata_ag_b[k].fd = kata_ag_fd;
			kata_ag_b[k].len = KATA_AG_BS;
			kata_ag_b[k].offset = kata_ag_offset(start + k);
			kata_ag_b[k].dst = kata_ag_arena + (size_t)k * KATA_AG_BS;
			kata_ag_b[k].res = -12345;
			*(uint64_t *)kata_ag_b[k].dst = 0;
		}
		int r = read_blocks(kata_ag_b, n, KATA_AG_DEPTH);
		if (r < 0 && !err)
			err = r;
		for (unsigned k = 0; k < n; k++) {
			if (kata_ag_b[k].res > 0)
				bytes += kata_ag_b[k].res;
			else if (!err)
				err = kata_ag_b[k].res ? kata_ag_b[k].res : -1;
			h += (start + k + 1) * *(uint64_t *)kata_ag_b[k].dst;
		}
	}
	c->ret[0] = bytes;
	c->ret[1] = (int64_t)h;
	c->ret[2] = err;
	c->ret[3] = kata_ag_fd;
}

void loop_count(struct kata_call *c)
{
	int64_t arg[6] = { c->arg[0], 2048 };
	struct kata_call one = *c;
	one.arg = arg;
	loop_blocks(&one);
	for (int i = 0; i < 4; i++)
		c->ret[i] = one.ret[i];
}
#else

/* The judge's request for one block: which of its descriptors, how much, where. */
struct kata_ag_req {
	uint32_t fd_index, len;
	uint64_t offset;
};

#define KATA_AG_MAX 512
#define KATA_AG_STRIDE 320 /* 256 bytes at most per block, 64 of guard */
static unsigned char kata_ag_dst[KATA_AG_MAX * KATA_AG_STRIDE];
static struct uring_block kata_ag_blocks[KATA_AG_MAX];

/*
 * in = arg[0] requests (struct kata_ag_req), arg[1] = the depth. Every
 * buffer starts as 0xa5. ret[0] = read_blocks()'s answer, ret[1] = guard
 * bytes written past a buffer; out = every block's res (int32), then every
 * block's buffer, its len bytes, one after the other.
 */
static void kata_ag_read_blocks(struct kata_call *c)
{
	unsigned n = (unsigned)c->arg[0];
	const struct kata_ag_req *req = (const struct kata_ag_req *)c->in;
	size_t out = (size_t)n * 4;
	if (n > KATA_AG_MAX || c->in_len != n * sizeof(*req)) {
		c->ret[0] = -1000;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (req[i].fd_index >= (unsigned)c->nfd || req[i].len > KATA_AG_STRIDE - 64) {
			c->ret[0] = -1000;
			return;
		}
		out += req[i].len;
	}
	if (out > c->out_cap) {
		c->ret[0] = -1000;
		return;
	}
	for (size_t i = 0; i < sizeof(kata_ag_dst); i++)
		kata_ag_dst[i] = 0xa5;
	for (unsigned i = 0; i < n; i++) {
		kata_ag_blocks[i].fd = c->fd[req[i].fd_index];
		kata_ag_blocks[i].len = req[i].len;
		kata_ag_blocks[i].offset = req[i].offset;
		kata_ag_blocks[i].dst = kata_ag_dst + (size_t)i * KATA_AG_STRIDE;
		kata_ag_blocks[i].res = -12345;
	}
	c->ret[0] = read_blocks(kata_ag_blocks, n, (unsigned)c->arg[1]);
	int64_t spill = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = req[i].len; k < KATA_AG_STRIDE; k++)
			spill += kata_ag_dst[(size_t)i * KATA_AG_STRIDE + k] != 0xa5;
	c->ret[1] = spill;
	size_t o = 0;
	for (unsigned i = 0; i < n; i++) {
		int32_t r = kata_ag_blocks[i].res;
		for (int b = 0; b < 4; b++)
			c->out[o++] = (unsigned char)((uint32_t)r >> (8 * b));
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < req[i].len; k++)
			c->out[o++] = kata_ag_dst[(size_t)i * KATA_AG_STRIDE + k];
	c->out_len = o;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "blocks", kata_ag_read_blocks },
	{ "blocks-loop", loop_blocks },
	{ "count-loop", loop_count },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
