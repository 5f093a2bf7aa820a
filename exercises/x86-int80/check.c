/*
 * Driver for x86-int80: write(2) from buffers below and above 4 GiB.
 *
 * `int $0x80` in a 64-bit process enters the kernel's 32-bit (IA-32
 * emulation) path: i386 syscall numbers, i386 argument registers, and only
 * the low 32 bits of each. A buffer in a MAP_32BIT mapping survives that; a
 * buffer on the stack or in an ordinary mapping (both far above 4 GiB) does
 * not. Oracle: what libc reads back from the pipe or file.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

long raw_write(int fd, const void *buf, unsigned long len);

static const char *where(const void *p)
{
	return (uintptr_t)p < (1ull << 32) ? "below 4 GiB" : "above 4 GiB";
}

/* raw_write(buf) into a pipe; compare what arrives with what was sent. */
static void through_pipe(const unsigned char *buf, size_t len)
{
	static unsigned char got[8192];
	int fds[2];
	if (pipe2(fds, O_NONBLOCK) != 0)
		return kata_expect_true("pipe() for the test", 0, "the harness could not make a pipe");
	kata_note("raw_write(pipe, %p (%s), %zu random bytes)", (const void *)buf, where(buf), len);
	kata_expect_i64("return value (bytes written)", (long long)len, raw_write(fds[1], buf, len));
	ssize_t n = read(fds[0], got, sizeof(got));
	kata_expect_bytes("bytes read back from the pipe", buf, len, got, n < 0 ? 0 : (size_t)n);
	close(fds[0]);
	close(fds[1]);
}

static void low_buffer(void)
{
	size_t len = kata_rand_range(1, 4096);
	unsigned char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED)
		return kata_expect_true("a MAP_32BIT mapping for the test", 0, "mmap(MAP_32BIT) failed");
	kata_rand_bytes(p, len);
	through_pipe(p, len);
	munmap(p, 8192);
}

static void stack_buffer(void)
{
	unsigned char buf[4096];
	size_t len = kata_rand_range(1, sizeof(buf));
	kata_rand_bytes(buf, len);
	through_pipe(buf, len);
}

static void mmap_buffer(void)
{
	size_t len = kata_rand_range(1, 8192);
	unsigned char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return kata_expect_true("a mapping for the test", 0, "mmap failed");
	kata_rand_bytes(p, len);
	through_pipe(p, len);
	munmap(p, 8192);
}

/* A file, so the length and the bytes both matter past a pipe's buffer. */
static void static_buffer(void)
{
	static unsigned char sent[100000], got[100000];
	size_t len = kata_rand_range(4097, sizeof(sent));
	int fd = memfd_create("x86-int80", 0);
	if (fd < 0)
		return kata_expect_true("memfd for the test", 0, "the harness could not make its file");
	kata_rand_bytes(sent, len);
	kata_note("raw_write(file, %p (%s, the program's own data), %zu random bytes)", (void *)sent,
		  where(sent), len);
	kata_expect_i64("return value (bytes written)", (long long)len, raw_write(fd, sent, len));
	ssize_t n = pread(fd, got, sizeof(got), 0);
	kata_expect_bytes("file contents", sent, len, got, n < 0 ? 0 : (size_t)n);
	close(fd);
}

static void bad_fd(void)
{
	int fd = (int)kata_rand_range(900, 1000);
	kata_note("raw_write(%d (closed), buf, 3)", fd);
	kata_expect_i64("return value", -EBADF, raw_write(fd, "abc", 3));
}

const struct kata_case kata_cases[] = {
	{ "low-buffer", low_buffer },
	{ "stack-buffer", stack_buffer },
	{ "mmap-buffer", mmap_buffer },
	{ "static-buffer", static_buffer },
	{ "bad-fd", bad_fd },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
