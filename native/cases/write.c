/*
 * Shared judge cases for the write(2) katas (x86-write, a64-write,
 * portable-write): random bytes through the learner's raw_write(), in the
 * agent, into a pipe or file the judge holds; the judge reads back what
 * arrived and checks the one write syscall the kernel saw. The agent's side
 * is cases/write-agent.c.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct kata_reply *call_write(int fd, const void *buf, size_t len, int64_t magic)
{
	struct kata_args a = { .arg = { [5] = magic }, .in = buf, .in_len = len };
	if (fd >= 0) {
		a.fd[0] = fd;
		a.nfd = 1;
	} else {
		a.arg[0] = -fd; /* a descriptor number that is closed in the agent */
	}
	return kata_call("write", &a);
}

static void check_write(const struct kata_reply *r, int fd_in_agent, size_t len, long want, int64_t magic)
{
	int64_t args[3] = { fd_in_agent, KATA_ANY, (int64_t)len };
	kata_expect_syscall("raw_write", r, SYS_write, 3, args, want);
	kata_expect_i64("return value (bytes written)", want, r->ret[0]);
	kata_expect_clobbers("raw_write", r, magic);
}

static void pipe_roundtrip(void)
{
	unsigned char sent[512], got[512];
	size_t len = kata_rand_range(1, sizeof(sent));
	int fds[2];
	kata_rand_bytes(sent, len);
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	kata_note("raw_write(pipe, %zu random bytes)", len);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(fds[1], sent, len, magic);
	close(fds[1]);
	ssize_t n = read(fds[0], got, sizeof(got));
	close(fds[0]);
	/* The syscall first: when the bytes are wrong, it says why. */
	check_write(r, KATA_AGENT_FD_BASE, len, (long)len, magic);
	kata_expect_bytes("bytes read back from the pipe", sent, len, got, n < 0 ? 0 : (size_t)n);
}

static void file_roundtrip(void)
{
	static unsigned char sent[70000], got[70000];
	size_t len = kata_rand_range(4097, sizeof(sent)); /* more than one page */
	int fd = memfd_create("raw-write", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(sent, len);
	kata_note("raw_write(file, %zu random bytes)", len);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(fd, sent, len, magic);
	ssize_t n = pread(fd, got, sizeof(got), 0);
	close(fd);
	check_write(r, KATA_AGENT_FD_BASE, len, (long)len, magic);
	kata_expect_bytes("file contents", sent, len, got, n < 0 ? 0 : (size_t)n);
}

static void zero_length(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		kata_setup_failed("pipe()");
	kata_note("raw_write(pipe, buf, 0)");
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(fds[1], "", 0, magic);
	close(fds[0]);
	close(fds[1]);
	check_write(r, KATA_AGENT_FD_BASE, 0, 0, magic);
}

static void bad_fd(void)
{
	/* A descriptor that is surely closed: the kernel answers -EBADF (in rax
	 * on x86-64, in x0 on ARM64). No errno here: that is libc's invention,
	 * and there is no libc. */
	int fd = (int)kata_rand_range(800, 899);
	kata_note("raw_write(%d (closed), buf, 3)", fd);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call_write(-fd, "abc", 3, magic);
	check_write(r, fd, 3, -EBADF, magic);
}

const struct kata_case kata_cases[] = {
	{ "pipe", pipe_roundtrip, 0 },
	{ "file", file_roundtrip, 0 },
	{ "zero-length", zero_length, 0 },
	{ "bad-fd", bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
