/*
 * The agent side of uring-cp: the learner's uring_copy() given a source
 * file and a destination (a file or a pipe) the judge passes ("copy"), and
 * the counted loop that copies a file it makes itself ("copy-loop",
 * compiled apart: a real call).
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

long uring_copy(int in_fd, int out_fd, unsigned depth, unsigned block);

/*
 * arg[0] = blocks of 4096 bytes: the loop makes a source memfd of
 * arg[0] * 4096 - 1000 bytes (ftruncate and mmap: no write), copies it into
 * another memfd with depth 32, and compares the copy through a mapping.
 * ret[0] = uring_copy()'s answer, ret[1] = the copy's size,
 * ret[2] = bytes that differ, ret[3] = the source's size.
 */
void loop_copy(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
void loop_copy(struct kata_call *c)
{
	size_t len = (size_t)(c->arg[0] > 1 ? c->arg[0] : 1) * 4096 - 1000;
	int in = memfd_create("uring-cp-source", MFD_CLOEXEC), out = memfd_create("uring-cp-copy", MFD_CLOEXEC);
	c->ret[0] = c->ret[1] = c->ret[2] = -1;
	c->ret[3] = (int64_t)len;
	if (in < 0 || out < 0 || ftruncate(in, (off_t)len) != 0)
		return;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, in, 0);
	if (p == MAP_FAILED)
		return;
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 2654435761u >> 13);
	c->ret[0] = uring_copy(in, out, 32, 4096);
	struct stat st;
	c->ret[1] = fstat(out, &st) == 0 ? st.st_size : -1;
	if ((size_t)c->ret[1] == len) {
		unsigned char *q = mmap(NULL, len, PROT_READ, MAP_SHARED, out, 0);
		if (q != MAP_FAILED) {
			int64_t bad = 0;
			for (size_t i = 0; i < len; i++)
				bad += p[i] != q[i];
			c->ret[2] = bad;
			munmap(q, len);
		}
	}
	munmap(p, len);
	close(in);
	close(out);
}
#else

/* fd[0] = the source (a file, read from offset 0 to its end), fd[1] = the
 * destination (an empty file or a pipe); arg[0] = depth, arg[1] = block.
 * ret[0] = uring_copy()'s answer. */
static void kata_ag_copy(struct kata_call *c)
{
	c->ret[0] = uring_copy(c->fd[0], c->fd[1], (unsigned)c->arg[0], (unsigned)c->arg[1]);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "copy", kata_ag_copy },
	{ "copy-loop", loop_copy },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
