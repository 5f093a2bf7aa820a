/*
 * The agent side of uring-read: the learner's uring_read() on the judge's
 * descriptor ("read"), and the counted loop of reads from a file the loop
 * makes itself (compiled apart: each is a real call).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

long uring_read(int fd, void *buf, size_t len, off_t offset);

#define KATA_AG_LOOP_FILE (64u << 10)

/* arg[0] = reads of 4 KiB from a 64 KiB file the first call writes in the
 * agent's directory (on disk, in the page cache), at offsets in turn.
 * ret[0] = bytes read in all, ret[1] = a sum of the first byte of each,
 * ret[2] = the first error (or 0). */
void loop_reads(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int kata_ag_fd = -1;
static unsigned char kata_ag_buf[4096];

void loop_reads(struct kata_call *c)
{
	if (kata_ag_fd < 0) {
		kata_ag_fd = open("loop.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); /* its own dir, on disk */
		static unsigned char page[4096];
		for (unsigned off = 0; kata_ag_fd >= 0 && off < KATA_AG_LOOP_FILE; off += sizeof(page)) {
			for (unsigned i = 0; i < sizeof(page); i++)
				page[i] = (unsigned char)(off / 4096 + i);
			if (pwrite(kata_ag_fd, page, sizeof(page), off) != (ssize_t)sizeof(page))
				kata_ag_fd = -1;
		}
	}
	int64_t bytes = 0, sum = 0, err = 0;
	for (int64_t i = 0; i < c->arg[0]; i++) {
		long n = uring_read(kata_ag_fd, kata_ag_buf, sizeof(kata_ag_buf), (off_t)((i % 16) * 4096));
		if (n < 0 && !err)
			err = n;
		if (n > 0) {
			bytes += n;
			sum += kata_ag_buf[0];
		}
	}
	c->ret[0] = bytes;
	c->ret[1] = sum;
	c->ret[2] = err;
}
#else

static unsigned char kata_ag_dst[KATA_WIRE_MAX_BYTES + 64];

/*
 * fd[0] = the judge's descriptor (or arg[2], when not 0: a descriptor
 * number no file is open at), arg[0] = offset, arg[1] = length.
 * The buffer is filled with 0xa5 first. ret[0] = uring_read()'s answer;
 * out = the whole buffer (arg[1] bytes), for the judge to compare.
 */
static void kata_ag_read(struct kata_call *c)
{
	size_t len = (size_t)c->arg[1];
	if (len > c->out_cap || len > KATA_WIRE_MAX_BYTES) {
		c->ret[0] = -1000;
		return;
	}
	for (size_t i = 0; i < len + 64; i++)
		kata_ag_dst[i] = 0xa5;
	int fd = c->arg[2] ? (int)c->arg[2] : c->fd[0];
	c->ret[0] = uring_read(fd, kata_ag_dst, len, (off_t)c->arg[0]);
	int64_t spill = 0;
	for (size_t i = len; i < len + 64; i++)
		spill += kata_ag_dst[i] != 0xa5;
	c->ret[1] = spill;
	for (size_t i = 0; i < len; i++)
		c->out[i] = kata_ag_dst[i];
	c->out_len = len;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "read", kata_ag_read },
	{ "read-loop", loop_reads },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
