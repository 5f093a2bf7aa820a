/*
 * The agent side of mmap-read: the learner's file_checksum() on the judge's
 * file (a case), and in loops over a file the agent makes itself (the
 * counting run and the timed run get no descriptors): the same bytes the
 * judge's reference loop reads, from the same generator.
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

uint64_t file_checksum(int fd, uint64_t mult);

/* The loops' file: what the judge's check.c makes for its reference, the
 * same generator and sizes (keep the two in step). */
#define LOOP_MULT 0x9e3779b97f4a7c15ull
#define BENCH_BYTES (1u << 20)
#define COUNT_BYTES (256u << 10)

void loop_checksum(struct kata_call *c);
void loop_count(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
static int loop_file(size_t bytes)
{
	int fd = memfd_create("kata-loop", MFD_CLOEXEC);
	if (fd < 0)
		fd = open("loop.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	static uint64_t page[512];
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (size_t off = 0; off < bytes; off += sizeof(page)) {
		for (size_t i = 0; i < 512; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			page[i] = x;
		}
		if (pwrite(fd, page, sizeof(page), (off_t)off) != (ssize_t)sizeof(page))
			return -1;
	}
	return fd;
}

static void run_loop(struct kata_call *c, int *fd, size_t bytes)
{
	if (c->arg[0] <= 0)
		return;
	if (*fd < 0)
		*fd = loop_file(bytes);
	uint64_t h = 0;
	for (int64_t i = 0; i < c->arg[0]; i++) {
		h = file_checksum(*fd, LOOP_MULT);
		kata_sink((long)h);
	}
	c->ret[0] = (int64_t)h;
	c->ret[1] = *fd;
}

/* arg[0] = checksums of the 1 MiB loop file (the timed run); ret[0] = the last one. */
void loop_checksum(struct kata_call *c)
{
	static int fd = -1;
	run_loop(c, &fd, BENCH_BYTES);
}

/* arg[0] = checksums of the 256 KiB loop file (the counting run). */
void loop_count(struct kata_call *c)
{
	static int fd = -1;
	run_loop(c, &fd, COUNT_BYTES);
}
#else

/* fd[0] = the judge's file, arg[0] = the multiplier; ret[0] = the checksum. */
static void call_checksum(struct kata_call *c)
{
	c->ret[0] = (int64_t)file_checksum(c->fd[0], (uint64_t)c->arg[0]);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "checksum", call_checksum },
	{ "checksum-loop", loop_checksum },
	{ "count-loop", loop_count },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
