/*
 * Driver for a64-mmap6: mmap(2) takes six arguments, the most any system
 * call takes, so it exercises every argument register, x0 to x5. The
 * learner's raw_syscall6() runs in the agent (an ARM64 program, under
 * qemu-aarch64 on this x86-64 judge), so the numbers passed to it are
 * ARM64's. The oracles are on the judge's side: its own mmap with the same
 * arguments, the files it holds, and the kernel's own behaviour, seen
 * through the agent's pwrite/pread of the mapping into/from the judge's
 * files: fresh anonymous memory is zero, an unmapped page is EFAULT.
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

/* The asm-generic table (ARM64), not the judge's. */
#define A64_MUNMAP 215
#define A64_MMAP 222

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static long call6(long n, long a1, long a2, long a3, long a4, long a5, long a6, int fd)
{
	int64_t v[7] = { n, a1, a2, a3, a4, a5, a6 };
	struct kata_args a = { .arg = { [5] = kata_magic() }, .in = v, .in_len = sizeof(v) };
	if (fd >= 0) {
		a.fd[0] = fd;
		a.nfd = 1;
	}
	const struct kata_reply *r = kata_call("raw_syscall6", &a);
	int64_t args[6] = { a1, a2, a3, a4, a5, a6 };
	long ret = (long)r->ret[0];
	kata_expect_syscall(n == A64_MMAP ? "raw_syscall6(mmap)" : "raw_syscall6(munmap)", r, n,
			    n == A64_MMAP ? 6 : 2, args, ret);
	return ret;
}

/* A result that is an address we may touch, rather than -errno or junk. */
static int looks_mapped(long addr)
{
	return (unsigned long)addr < (unsigned long)-4095L && addr != 0 &&
	       (addr & (page_size() - 1)) == 0;
}

static int expect_mapped(long addr)
{
	char detail[96];
	snprintf(detail, sizeof(detail), "mmap returned %ld (%#lx)", addr, addr);
	int ok = looks_mapped(addr);
	kata_expect_true("mmap returned a page-aligned address", ok, ok ? NULL : detail);
	return ok;
}

/* The agent pwrites `len` bytes of its memory at `addr` into a fresh file
 * of the judge's: the kernel's answer, and what arrived (in *got, len
 * bytes, malloc'd; NULL when nothing did). */
static long dump(long addr, size_t len, unsigned char **got)
{
	int fd = memfd_create("a64-mmap6-dump", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	struct kata_args a = { .arg = { addr, (int64_t)len }, .fd = { fd }, .nfd = 1 };
	long r = (long)kata_call("dump", &a)->ret[0];
	*got = NULL;
	if (r > 0) {
		*got = calloc(1, len);
		if (!*got)
			kata_setup_failed("calloc()");
		ssize_t n = pread(fd, *got, len, 0);
		(void)n;
	}
	close(fd);
	return r;
}

/* The agent preads `len` bytes of a judge file into its memory at `addr`. */
static long fill(long addr, const void *data, size_t len)
{
	int fd = memfd_create("a64-mmap6-fill", MFD_CLOEXEC);
	if (fd < 0 || pwrite(fd, data, len, 0) != (ssize_t)len)
		kata_setup_failed("memfd_create() and pwrite()");
	struct kata_args a = { .arg = { addr, (int64_t)len }, .fd = { fd }, .nfd = 1 };
	long r = (long)kata_call("fill", &a)->ret[0];
	close(fd);
	return r;
}

/* Is the page at addr mapped in the agent? 1 byte out of it: EFAULT if not. */
static int page_is_mapped(long addr)
{
	unsigned char *got;
	long r = dump(addr, 1, &got);
	free(got);
	return r == 1 ? 1 : (r == -EFAULT ? 0 : -1);
}

static void anonymous(void)
{
	long ps = page_size();
	long pages = (long)kata_rand_range(1, 64);
	long len = pages * ps;
	kata_note("mmap(NULL, %ld pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), "
		  "then munmap", pages);
	long addr = call6(A64_MMAP, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, -1);
	if (!expect_mapped(addr))
		return;

	unsigned char *got;
	long r = dump(addr, (size_t)len, &got);
	kata_expect_i64("bytes of the mapping the kernel could copy out of it", len, r);
	size_t first_nonzero = 0;
	while (got && first_nonzero < (size_t)len && got[first_nonzero] == 0)
		first_nonzero++;
	free(got);
	kata_expect_i64("bytes of fresh anonymous memory that are zero", len, (long long)first_nonzero);

	/* use it: random bytes in the first and last page, read back */
	unsigned char pattern[256];
	kata_rand_bytes(pattern, sizeof(pattern));
	long last = addr + len - (long)sizeof(pattern);
	kata_expect_i64("bytes written into the first page", sizeof(pattern), fill(addr, pattern, sizeof(pattern)));
	kata_expect_i64("bytes written into the last page", sizeof(pattern), fill(last, pattern, sizeof(pattern)));
	dump(addr, sizeof(pattern), &got);
	kata_expect_bytes("first page, written and read back", pattern, sizeof(pattern), got,
			  got ? sizeof(pattern) : 0);
	free(got);
	dump(last, sizeof(pattern), &got);
	kata_expect_bytes("last page, written and read back", pattern, sizeof(pattern), got,
			  got ? sizeof(pattern) : 0);
	free(got);

	kata_expect_i64("munmap return value", 0, call6(A64_MUNMAP, addr, len, 0, 0, 0, 0, -1));
	kata_expect_i64("first page still mapped after munmap (1 yes, 0 no)", 0, page_is_mapped(addr));
	kata_expect_i64("last page still mapped after munmap (1 yes, 0 no)", 0, page_is_mapped(addr + len - 1));
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
		kata_setup_failed("page size too large for the test");

	int fd = memfd_create("a64-mmap6", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	kata_rand_bytes(contents, file_len);
	if (pwrite(fd, contents, file_len, 0) != (ssize_t)file_len)
		kata_setup_failed("pwrite()");

	kata_note("file of %ld random pages: mmap(NULL, %ld pages, PROT_READ, MAP_SHARED, fd, "
		  "offset %ld pages)",
		  file_pages, map_pages, off_pages);
	/* the judge's file is descriptor KATA_AGENT_FD_BASE in the agent */
	long addr = call6(A64_MMAP, 0, (long)map_len, PROT_READ, MAP_SHARED, KATA_AGENT_FD_BASE, off_pages * ps, fd);
	close(fd);
	if (!expect_mapped(addr))
		return;
	unsigned char *got;
	long r = dump(addr, map_len, &got);
	kata_expect_i64("bytes of the mapping the kernel could copy out of it", (long long)map_len, r);
	kata_expect_bytes("mapped bytes (the file from the offset on)", contents + off_pages * ps,
			  map_len, got, got ? map_len : 0);
	free(got);
	kata_expect_i64("munmap return value", 0, call6(A64_MUNMAP, addr, (long)map_len, 0, 0, 0, 0, -1));
}

/* The kernel refuses: compare with what the judge's own mmap gets. */
static void expect_same_error(const char *what, long a1, long a2, long a3, long a4, long a5,
			      long a6, int fd)
{
	errno = 0;
	long lr = syscall(SYS_mmap, a1, a2, a3, a4, a5 == KATA_AGENT_FD_BASE ? fd : a5, a6);
	long expected = lr == -1 ? -errno : lr;
	if (lr != -1) {
		munmap((void *)lr, (size_t)a2);
		kata_setup_failed("the judge's own mmap did not fail");
	}
	kata_expect_i64(what, expected, call6(A64_MMAP, a1, a2, a3, a4, a5, a6, fd));
}

static void invalid(void)
{
	long ps = page_size();
	int fd = memfd_create("a64-mmap6", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4 * ps) != 0)
		kata_setup_failed("memfd_create() and ftruncate()");
	/* an offset that is not a multiple of the page size: EINVAL */
	long odd = (long)kata_rand_range(1, (unsigned long)ps - 1);
	kata_note("mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd, offset %ld): EINVAL; "
		  "mmap(NULL, 0, ...): EINVAL", odd);
	expect_same_error("mmap with an unaligned offset: return value", 0, ps, PROT_READ,
			  MAP_SHARED, KATA_AGENT_FD_BASE, odd, fd);
	/* a zero length: EINVAL */
	expect_same_error("mmap of length 0: return value", 0, 0, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, -1);
	close(fd);
}

const struct kata_case kata_cases[] = {
	{ "anonymous", anonymous, 0 },
	{ "file-offset", file_offset, 0 },
	{ "invalid", invalid, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
