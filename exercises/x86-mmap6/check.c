/*
 * Driver for x86-mmap6: mmap(2) has six arguments, so every argument
 * register is used: rdi, rsi, rdx, r10, r8, r9. Anonymous mappings of random
 * sizes, a file mapping at a random page offset (fd in r8, offset in r9,
 * flags in r10), a fixed address (rdi), and two calls the kernel refuses.
 * Oracles: libc's mincore()/pread()/syscall() and the kernel's own answers.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

static long page;

static int is_error(long ret)
{
	return (unsigned long)ret > -4096UL;
}

/* Reports whether mmap gave an address; returns nonzero if it did. */
static int expect_address(long ret)
{
	char detail[96];
	snprintf(detail, sizeof(detail), "raw_syscall6 returned %ld%s", ret,
		 is_error(ret) ? " (an -errno: the kernel refused the arguments it saw)" : "");
	kata_expect_true("mmap returned an address", !is_error(ret) && ret != 0, detail);
	return !is_error(ret) && ret != 0;
}

/* libc's view of whether [addr, addr+len) is mapped: 0, or the errno. */
static int mapped_errno(void *addr, size_t len)
{
	static unsigned char vec[1024];
	return mincore(addr, len, vec) == 0 ? 0 : errno;
}

static void anonymous(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(1, 64);
	long len = pages * page;
	kata_note("mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)", pages);
	long ret = raw_syscall6(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!expect_address(ret))
		return;
	unsigned char *p = (unsigned char *)ret;
	kata_expect_i64("address % page size", 0, ret % page);
	kata_expect_i64("mincore() over the whole length (0: all mapped)", 0, mapped_errno(p, len));
	unsigned char *zeros = calloc(1, len), *data = malloc(len);
	kata_expect_bytes("contents of a fresh anonymous mapping", zeros, len, p, len);
	kata_rand_bytes(data, len);
	memcpy(p, data, len);
	kata_expect_bytes("random bytes written to it, read back", data, len, p, len);
	free(zeros);
	free(data);
	kata_note("munmap(that address, %ld page(s))", pages);
	kata_expect_i64("munmap return value", 0, raw_syscall6(SYS_munmap, ret, len, 0, 0, 0, 0));
	kata_expect_i64("mincore() after munmap (ENOMEM: nothing mapped)", ENOMEM, mapped_errno(p, len));
}

static void file_at_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(2, 16);
	long first = (long)kata_rand_range(1, pages - 1);
	long count = (long)kata_rand_range(1, pages - first);
	size_t size = (size_t)(pages * page);
	unsigned char *contents = malloc(size);
	int fd = memfd_create("x86-mmap6", 0);
	kata_rand_bytes(contents, size);
	if (fd < 0 || write(fd, contents, size) != (ssize_t)size)
		return kata_expect_true("memfd for the test", 0, "the harness could not make its file");
	kata_note("file of %ld random pages; mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_SHARED, fd %d, offset %ld page(s))",
		  pages, count, fd, first);
	long ret = raw_syscall6(SYS_mmap, 0, count * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, first * page);
	if (!expect_address(ret)) {
		close(fd);
		free(contents);
		return;
	}
	unsigned char *p = (unsigned char *)ret;
	kata_expect_bytes("mapped bytes (the file from the offset on)", contents + first * page,
			  (size_t)(count * page), p, (size_t)(count * page));
	/* MAP_SHARED: a store through the mapping is a store to the file. */
	size_t at = kata_rand_range(0, (size_t)(count * page) - 16);
	unsigned char mark[16], back[16] = { 0 };
	kata_rand_bytes(mark, sizeof(mark));
	memcpy(p + at, mark, sizeof(mark));
	ssize_t n = pread(fd, back, sizeof(back), first * page + (off_t)at);
	kata_expect_bytes("bytes stored through the mapping, read from the file (MAP_SHARED)", mark,
			  sizeof(mark), back, n < 0 ? 0 : (size_t)n);
	munmap(p, count * page);
	close(fd);
	free(contents);
}

static void fixed_address(void)
{
	page = sysconf(_SC_PAGESIZE);
	/* Find a hole: reserve 16 pages, then give them back. */
	unsigned char *hole = mmap(NULL, 16 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return kata_expect_true("mmap() for the test", 0, "the harness could not find a hole");
	munmap(hole, 16 * page);
	long target = (long)(hole + kata_rand_range(0, 12) * page);
	kata_note("mmap(%#lx, 4 pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)",
		  target);
	long ret = raw_syscall6(SYS_mmap, target, 4 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	kata_expect_i64("return value (the address asked for)", target, ret);
	if (!is_error(ret))
		munmap((void *)ret, 4 * page);
}

/* The kernel's refusal, compared with what libc's syscall() reports. */
static void refused(const char *what, long a1, long a2, long a3, long a4, long a5, long a6)
{
	errno = 0;
	long libc_ret = syscall(SYS_mmap, a1, a2, a3, a4, a5, a6);
	int e = errno;
	if (libc_ret != -1) {
		munmap((void *)libc_ret, a2);
		return kata_expect_true("the kernel refuses this call", 0, "libc's syscall() succeeded");
	}
	kata_note("%s: libc's syscall() gave -1, errno %d (%s)", what, e, strerror(e));
	long ret = raw_syscall6(SYS_mmap, a1, a2, a3, a4, a5, a6);
	if (!is_error(ret))
		munmap((void *)ret, a2);
	kata_expect_i64("return value", -e, ret);
}

static void unaligned_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("x86-mmap6", 0);
	if (fd < 0 || ftruncate(fd, 4 * page) != 0)
		return kata_expect_true("memfd for the test", 0, "the harness could not make its file");
	long off = (long)kata_rand_range(0, 2) * page + (long)kata_rand_range(1, page - 1);
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d, offset %ld)", fd, off);
	refused(what, 0, page, PROT_READ, MAP_SHARED, fd, off);
	close(fd);
}

static void bad_fd(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = (int)kata_rand_range(900, 1000); /* surely closed */
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d (closed), 0)", fd);
	refused(what, 0, page, PROT_READ, MAP_SHARED, fd, 0);
}

const struct kata_case kata_cases[] = {
	{ "anonymous", anonymous },
	{ "file-at-offset", file_at_offset },
	{ "fixed-address", fixed_address },
	{ "unaligned-offset", unaligned_offset },
	{ "bad-fd", bad_fd },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
