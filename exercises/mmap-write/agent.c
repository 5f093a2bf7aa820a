/*
 * The agent side of mmap-write: the learner's produce_file() on the judge's
 * empty file (a case), and in the counting run on a file the agent opens in
 * its own directory (that run gets no descriptors), with a record count
 * that changes from call to call.
 */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <fcntl.h>
#include <unistd.h>

long produce_file(int fd, uint64_t records, uint64_t seed);

/* fd[0] = the judge's file (O_RDWR, empty), arg[0] = records, arg[1] = seed;
 * ret[0] = what produce_file() returned. */
static void call_produce(struct kata_call *c)
{
	c->ret[0] = produce_file(c->fd[0], (uint64_t)c->arg[0], (uint64_t)c->arg[1]);
}

/* arg[0] = calls, each of 16 to 64 records, into one file of the agent's. */
static void call_count(struct kata_call *c)
{
	static int fd = -1;
	if (c->arg[0] <= 0)
		return;
	if (fd < 0)
		fd = open("out.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	long total = 0;
	for (int64_t i = 0; i < c->arg[0]; i++)
		total += produce_file(fd, 16 + (uint64_t)(i * 7) % 49, 0x5eed0000u + (uint64_t)i);
	c->ret[0] = total;
	c->ret[1] = fd;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "produce", call_produce },
	{ "count-loop", call_count },
	{ 0 },
};
