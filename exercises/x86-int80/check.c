/*
 * Driver for x86-int80: write(2) from buffers below and above 4 GiB, made
 * by raw_write() in the agent.
 *
 * `int $0x80` in a 64-bit process enters the kernel's 32-bit (IA-32
 * emulation) path: i386 syscall numbers, i386 argument registers, and only
 * the low 32 bits of each. A buffer in a MAP_32BIT mapping survives that; a
 * buffer on the stack or in an ordinary mapping (both far above 4 GiB) does
 * not. Oracles: what the judge reads back from its pipe or file, and the
 * syscall it saw (which says int $0x80 outright, even when the bytes came
 * through).
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { WHERE_STACK, WHERE_MAPPING, WHERE_STATIC };

static const char *where(uint64_t p)
{
	return p < (1ull << 32) ? "below 4 GiB" : "above 4 GiB";
}

static const struct kata_reply *call_write(int fd, int closed_fd, int at, uint64_t map, const void *buf,
					  size_t len, int64_t magic)
{
	struct kata_args a = { .arg = { closed_fd, at, (int64_t)map, [5] = magic }, .in = buf, .in_len = len };
	if (fd >= 0) {
		a.fd[0] = fd;
		a.nfd = 1;
	}
	return kata_call("write", &a);
}

static void check_write(const struct kata_reply *r, int fd_in_agent, size_t len, long want, int64_t magic)
{
	kata_expect_i64("return value (bytes written)", want, r->ret[0]);
	int64_t args[3] = { fd_in_agent, r->ret[3], (int64_t)len };
	kata_expect_syscall("raw_write", r, SYS_write, 3, args, want);
	kata_expect_clobbers("raw_write", r, magic);
}

/* raw_write(buf) into a pipe; compare what arrives with what was sent. */
static void through_pipe(int at, uint64_t map, size_t len)
{
	static unsigned char sent[8192], got[8192];
	int fds[2];
	kata_rand_bytes(sent, len);
	if (pipe2(fds, O_NONBLOCK) != 0)
		kata_setup_failed("pipe()");
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(fds[1], 0, at, map, sent, len, magic);
	kata_note("raw_write(pipe, %#llx (%s), %zu random bytes)", (unsigned long long)r->ret[3],
		  where((uint64_t)r->ret[3]), len);
	close(fds[1]);
	ssize_t n = read(fds[0], got, sizeof(got));
	close(fds[0]);
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
	check_write(r, KATA_AGENT_FD_BASE, len, (long)len, magic);
}

static uint64_t agent_map(int low)
{
	struct kata_args a = { .arg = { low } };
	int64_t p = kata_call("map", &a)->ret[0];
	if ((uint64_t)p > -4096ull)
		kata_setup_failed(low ? "a MAP_32BIT mapping in the agent" : "a mapping in the agent");
	if (low && (uint64_t)p >= (1ull << 32))
		kata_setup_failed("a MAP_32BIT mapping in the agent (it came back above 4 GiB)");
	return (uint64_t)p;
}

static void low_buffer(void)
{
	through_pipe(WHERE_MAPPING, agent_map(1), kata_rand_range(1, 4096));
}

static void stack_buffer(void)
{
	through_pipe(WHERE_STACK, 0, kata_rand_range(1, 4096));
}

static void mmap_buffer(void)
{
	through_pipe(WHERE_MAPPING, agent_map(0), kata_rand_range(1, 8192));
}

/* A file, so the length and the bytes both matter past a pipe's buffer. */
static void static_buffer(void)
{
	static unsigned char sent[KATA_WIRE_MAX_BYTES], got[KATA_WIRE_MAX_BYTES];
	size_t len = kata_rand_range(4097, sizeof(sent));
	int fd = memfd_create("x86-int80", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(sent, len);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(fd, 0, WHERE_STATIC, 0, sent, len, magic);
	kata_note("raw_write(file, %#llx (%s, the program's own data), %zu random bytes)",
		  (unsigned long long)r->ret[3], where((uint64_t)r->ret[3]), len);
	ssize_t n = pread(fd, got, sizeof(got), 0);
	close(fd);
	kata_expect_bytes("file contents", sent, len, got, n < 0 ? 0 : (size_t)n);
	check_write(r, KATA_AGENT_FD_BASE, len, (long)len, magic);
}

static void bad_fd(void)
{
	int fd = (int)kata_rand_range(800, 899);
	kata_note("raw_write(%d (closed), buf, 3)", fd);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(-1, fd, WHERE_STACK, 0, "abc", 3, magic);
	check_write(r, fd, 3, -EBADF, magic);
}

const struct kata_case kata_cases[] = {
	{ "low-buffer", low_buffer, 0 },
	{ "stack-buffer", stack_buffer, 0 },
	{ "mmap-buffer", mmap_buffer, 0 },
	{ "static-buffer", static_buffer, 0 },
	{ "bad-fd", bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
