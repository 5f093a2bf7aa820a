/*
 * Driver for a64-mmap6: mmap(2) takes six arguments, the most any system
 * call takes, so it exercises every argument register, x0 to x5. The
 * oracles are libc (syscall(), pread, write) and the kernel's own
 * behaviour: fresh anonymous memory is zero, an unmapped page is EFAULT.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

long raw_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* A result that is an address we may touch, rather than -errno or junk. */
static int looks_mapped(long addr)
{
	return (unsigned long)addr < (unsigned long)-4095L && addr != 0 &&
	       (addr & (page_size() - 1)) == 0;
}

/* Is the page at p mapped? Ask the kernel: write(2) from an unmapped
 * address fails with EFAULT, and never touches our own memory. */
static int page_is_mapped(const void *p)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	ssize_t n = write(fds[1], p, 1);
	int e = errno;
	close(fds[0]);
	close(fds[1]);
	return n == 1 ? 1 : (e == EFAULT ? 0 : -1);
}

static void anonymous(void)
{
	long ps = page_size();
	long pages = (long)kata_rand_range(1, 64);
	long len = pages * ps;
	kata_note("mmap(NULL, %ld pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), "
		  "then munmap", pages);
	long addr = raw_syscall6(SYS_mmap, 0, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!looks_mapped(addr)) {
		char detail[96];
		snprintf(detail, sizeof(detail), "mmap returned %ld", addr);
		return kata_expect_true("mmap returned a page-aligned address", 0, detail);
	}
	kata_expect_true("mmap returned a page-aligned address", 1, NULL);

	unsigned char *p = (unsigned char *)addr;
	size_t first_nonzero = 0;
	while (first_nonzero < (size_t)len && p[first_nonzero] == 0)
		first_nonzero++;
	kata_expect_i64("bytes of fresh anonymous memory that are zero", len, (long long)first_nonzero);

	/* use it: random bytes in the first and last page, read back */
	unsigned char pattern[256];
	kata_rand_bytes(pattern, sizeof(pattern));
	memcpy(p, pattern, sizeof(pattern));
	memcpy(p + len - sizeof(pattern), pattern, sizeof(pattern));
	kata_expect_bytes("first page, written and read back", pattern, sizeof(pattern), p,
			  sizeof(pattern));
	kata_expect_bytes("last page, written and read back", pattern, sizeof(pattern),
			  p + len - sizeof(pattern), sizeof(pattern));

	kata_expect_i64("munmap return value", 0, raw_syscall6(SYS_munmap, addr, len, 0, 0, 0, 0));
	kata_expect_i64("first page still mapped after munmap (1 yes, 0 no)", 0, page_is_mapped(p));
	kata_expect_i64("last page still mapped after munmap (1 yes, 0 no)", 0,
			page_is_mapped(p + len - 1));
}

/*
 * A file mapped at a page offset: the offset is the sixth argument, x5.
 * Mapping at offset 0 (the usual result of a forgotten x5) shows other
 * bytes than the ones the driver put at the offset.
 */
static void file_offset(void)
{
	static unsigned char contents[32 * 65536];
	long ps = page_size();
	long file_pages = (long)kata_rand_range(2, 32);
	long off_pages = (long)kata_rand_range(1, file_pages - 1);
	long map_pages = (long)kata_rand_range(1, file_pages - off_pages);
	size_t file_len = (size_t)(file_pages * ps), map_len = (size_t)(map_pages * ps);
	if (file_len > sizeof(contents))
		return kata_expect_true("page size fits the test", 0, "page size too large");

	int fd = memfd_create("a64-mmap6", 0);
	if (fd < 0)
		return kata_expect_true("memfd_create() for the test", 0, "the harness could not make a file");
	kata_rand_bytes(contents, file_len);
	if (pwrite(fd, contents, file_len, 0) != (ssize_t)file_len)
		return kata_expect_true("pwrite() for the test", 0, "the harness could not fill the file");

	kata_note("file of %ld random pages: mmap(NULL, %ld pages, PROT_READ, MAP_SHARED, fd, "
		  "offset %ld pages)",
		  file_pages, map_pages, off_pages);
	long addr = raw_syscall6(SYS_mmap, 0, (long)map_len, PROT_READ, MAP_SHARED, fd,
				 off_pages * ps);
	if (!looks_mapped(addr)) {
		char detail[96];
		snprintf(detail, sizeof(detail), "mmap returned %ld", addr);
		close(fd);
		return kata_expect_true("mmap returned a page-aligned address", 0, detail);
	}
	kata_expect_true("mmap returned a page-aligned address", 1, NULL);
	kata_expect_bytes("mapped bytes (the file from the offset on)", contents + off_pages * ps,
			  map_len, (const void *)addr, map_len);
	kata_expect_i64("munmap return value", 0,
			raw_syscall6(SYS_munmap, addr, (long)map_len, 0, 0, 0, 0));
	close(fd);
}

/* The kernel refuses: compare with what libc's syscall() gets. */
static void expect_same_error(const char *what, long a1, long a2, long a3, long a4, long a5,
			      long a6)
{
	errno = 0;
	long lr = syscall(SYS_mmap, a1, a2, a3, a4, a5, a6);
	long expected = lr == -1 ? -errno : lr;
	if (lr != -1)
		munmap((void *)lr, (size_t)a2);
	kata_expect_i64(what, expected, raw_syscall6(SYS_mmap, a1, a2, a3, a4, a5, a6));
}

static void invalid(void)
{
	long ps = page_size();
	int fd = memfd_create("a64-mmap6", 0);
	if (fd < 0 || ftruncate(fd, 4 * ps) != 0)
		return kata_expect_true("memfd_create() for the test", 0, "the harness could not make a file");
	/* an offset that is not a multiple of the page size: EINVAL */
	long odd = (long)kata_rand_range(1, (unsigned long)ps - 1);
	kata_note("mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd, offset %ld): EINVAL; "
		  "mmap(NULL, 0, ...): EINVAL", odd);
	expect_same_error("mmap with an unaligned offset: return value", 0, ps, PROT_READ,
			  MAP_SHARED, fd, odd);
	/* a zero length: EINVAL */
	expect_same_error("mmap of length 0: return value", 0, 0, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	close(fd);
}

const struct kata_case kata_cases[] = {
	{ "anonymous", anonymous },
	{ "file-offset", file_offset },
	{ "invalid", invalid },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
