/*
 * Shared judge cases for the mmap katas (x86-mmap6, a64-mmap6): mmap(2) has
 * six arguments, so every argument register is used (x86-64: rdi, rsi, rdx,
 * r10, r8, r9; ARM64: x0 to x5). Anonymous mappings of random sizes, a file
 * mapping at a random page offset (the fd and the offset are the fifth and
 * sixth arguments, the flags the fourth), a fixed address (the first), and
 * three calls the kernel refuses, all made by raw_syscall6() in the agent,
 * with the agent's syscall numbers (cases/agent-syscalls.h).
 *
 * Oracles, on the judge's side: the six registers the kernel saw, the files
 * the judge holds, libc's syscall() here for the refusals, and the kernel's
 * own behaviour seen through the agent's pwrite/pread of the mapping into
 * and from the judge's files (fresh anonymous memory is zero, an unmapped
 * page is EFAULT). Where the agent runs natively, also its
 * /proc/<pid>/maps and its memory read with process_vm_readv; under an
 * emulator those show the emulator's addresses, not the agent's. The
 * agent's side is cases/mmap-agent.c.
 */
#define _GNU_SOURCE
#include "kata.h"
#include "cases/agent-syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long page;

static int is_error(long ret)
{
	return (unsigned long)ret > -4096UL;
}

/* What the kernel answered to the learner's own `nr` syscall (the address
 * mmap chose is the kernel's to pick); if there is none, no value at all. */
static long kernel_ret(const struct kata_reply *r, long nr)
{
	for (int i = 0; i < r->nsc; i++)
		if (r->sc[i].nr == nr && r->sc[i].origin == KATA_FROM_LEARNER && !r->sc[i].compat && r->sc[i].returned)
			return r->sc[i].ret;
	return INT64_MIN;
}

/*
 * raw_syscall6(n, a1..a6) in the agent, with `fd` (if >= 0) passed to it;
 * checks the one syscall it made (its first `nargs` registers) and rcx/r11.
 * `want` is what the kernel must have answered; KATA_ANY: whatever it did
 * (an address of its choosing). Returns what raw_syscall6 returned.
 */
static long call6(const char *what, long n, int nargs, const int64_t a[6], int fd, int64_t want)
{
	int64_t magic = kata_magic();
	int64_t nm[2] = { n, magic };
	struct kata_args x = { .arg = { a[0], a[1], a[2], a[3], a[4], a[5] }, .in = nm, .in_len = sizeof(nm) };
	if (fd >= 0) {
		x.fd[0] = fd;
		x.nfd = 1;
	}
	const struct kata_reply *r = kata_call("syscall6", &x);
	kata_expect_syscall(what, r, n, nargs, a, want != KATA_ANY ? want : r->traced ? kernel_ret(r, n) : r->ret[0]);
	kata_expect_clobbers("raw_syscall6", r, magic);
	return (long)r->ret[0];
}

static long call_mmap(const int64_t a[6], int fd, int64_t want)
{
	return call6("raw_syscall6(mmap)", agent_nr.mmap, 6, a, fd, want);
}

static long call_munmap(long addr, long len)
{
	int64_t a[6] = { addr, len };
	return call6("raw_syscall6(munmap)", agent_nr.munmap, 2, a, -1, 0);
}

/* Reports whether mmap gave a page-aligned address; returns nonzero if it did. */
static int expect_address(long ret)
{
	char detail[160];
	int ok = !is_error(ret) && ret != 0 && ret % page == 0;
	snprintf(detail, sizeof(detail), "raw_syscall6 returned %ld (%#lx)%s", ret, ret,
		 is_error(ret) ? ": an -errno, the kernel refused the arguments it saw"
		 : ret % page ? ": not a multiple of the page size" : "");
	kata_expect_true("mmap returned a page-aligned address", ok, ok ? NULL : detail);
	return ok;
}

/* How much of [addr, addr+len) the agent's /proc/<pid>/maps covers, in
 * bytes, and the permissions of the mapping at addr ("" if none). Only where
 * the agent runs natively. */
static long maps_cover(uint64_t addr, uint64_t len, char perms[8])
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", kata_agent_pid());
	FILE *f = fopen(path, "re");
	if (!f)
		kata_setup_failed("reading the agent's /proc/<pid>/maps");
	long covered = 0;
	perms[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char p[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) != 3)
			continue;
		uint64_t a = lo > addr ? lo : addr, b = hi < addr + len ? hi : addr + len;
		if (a < b)
			covered += (long)(b - a);
		if (addr >= lo && addr < hi)
			snprintf(perms, 8, "%s", p);
	}
	fclose(f);
	return covered;
}

static void expect_in_maps(const char *what, uint64_t addr, long len, const char *want_perms)
{
	char perms[8], label[160];
	if (kata_emulated())
		return;
	long covered = maps_cover(addr, (uint64_t)len, perms);
	snprintf(label, sizeof(label), "bytes of [%#lx, +%ld) mapped in the agent (/proc/<pid>/maps)",
		 (unsigned long)addr, len);
	kata_expect_i64(label, len, covered);
	snprintf(label, sizeof(label), "%s: the mapping's permissions", what);
	kata_expect_bytes(label, want_perms, strlen(want_perms), perms, strlen(perms));
}

/* The agent pwrites `len` bytes of its memory at `addr` into a fresh file of
 * the judge's: the kernel's answer, and what arrived (in *got, len bytes,
 * malloc'd; NULL when nothing did). */
static long dump(long addr, size_t len, unsigned char **got)
{
	int fd = memfd_create("mmap6-dump", MFD_CLOEXEC);
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
	int fd = memfd_create("mmap6-fill", MFD_CLOEXEC);
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

/* `len` bytes of the agent at `addr` into `buf`; returns bytes read. Natively
 * the judge reads them itself (process_vm_readv); under an emulator the
 * agent's kernel copies them out (pwrite to the judge's file). */
static size_t agent_bytes(uint64_t addr, void *buf, size_t len)
{
	if (!kata_emulated()) {
		long n = kata_agent_read(addr, buf, len);
		return n < 0 ? 0 : (size_t)n;
	}
	unsigned char *got;
	long n = dump((long)addr, len, &got);
	if (got)
		memcpy(buf, got, len);
	free(got);
	return n < 0 ? 0 : (size_t)n;
}

/* Stores `len` bytes at `addr` in the agent, by the agent. */
static void agent_store(uint64_t addr, const unsigned char *p, size_t len)
{
	for (size_t at = 0; at < len; at += KATA_WIRE_MAX_BYTES) {
		size_t n = len - at < KATA_WIRE_MAX_BYTES ? len - at : KATA_WIRE_MAX_BYTES;
		struct kata_args a = { .arg = { (int64_t)(addr + at) }, .in = p + at, .in_len = n };
		kata_call("store", &a);
	}
}

/* munmap through raw_syscall6; then the pages at both ends must be gone. */
static void expect_unmapped(long addr, long len)
{
	kata_expect_i64("munmap return value", 0, call_munmap(addr, len));
	if (!kata_emulated()) {
		char perms[8];
		kata_expect_i64("bytes of it still mapped after munmap (/proc/<pid>/maps)", 0,
				maps_cover((uint64_t)addr, (uint64_t)len, perms));
	}
	kata_expect_i64("first page still mapped after munmap (1 yes, 0 no)", 0, page_is_mapped(addr));
	kata_expect_i64("last page still mapped after munmap (1 yes, 0 no)", 0, page_is_mapped(addr + len - 1));
}

static void anonymous(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(1, 64);
	long len = pages * page;
	kata_note("mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), then munmap", pages);
	int64_t args[6] = { 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 };
	long addr = call_mmap(args, -1, KATA_ANY);
	if (!expect_address(addr))
		return;
	expect_in_maps("anonymous", (uint64_t)addr, len, "rw-p");

	unsigned char *zeros = calloc(1, len), *data = malloc(len), *got;
	if (!zeros || !data)
		kata_setup_failed("malloc()");
	long r = dump(addr, (size_t)len, &got);
	kata_expect_i64("bytes of the mapping the kernel could copy out of it", len, r);
	kata_expect_bytes("contents of a fresh anonymous mapping (read from the agent)", zeros, len, got,
			  got ? (size_t)len : 0);
	free(got);
	got = malloc(len);
	if (!got)
		kata_setup_failed("malloc()");
	kata_rand_bytes(data, len);
	agent_store((uint64_t)addr, data, len);
	kata_expect_bytes("random bytes stored in it, read back", data, len, got, agent_bytes((uint64_t)addr, got, len));

	/* the kernel writes into it too: pread into the first and the last page */
	unsigned char pattern[256];
	kata_rand_bytes(pattern, sizeof(pattern));
	long last = addr + len - (long)sizeof(pattern);
	kata_expect_i64("bytes written into the first page", sizeof(pattern), fill(addr, pattern, sizeof(pattern)));
	kata_expect_i64("bytes written into the last page", sizeof(pattern), fill(last, pattern, sizeof(pattern)));
	kata_expect_bytes("first page, written and read back", pattern, sizeof(pattern), got,
			  agent_bytes((uint64_t)addr, got, sizeof(pattern)));
	kata_expect_bytes("last page, written and read back", pattern, sizeof(pattern), got,
			  agent_bytes((uint64_t)last, got, sizeof(pattern)));
	free(zeros);
	free(data);
	free(got);
	expect_unmapped(addr, len);
}

/*
 * A file mapped MAP_SHARED at a page offset: the offset is the sixth
 * argument, the fd the fifth, the flags the fourth. Mapping at offset 0 (the
 * usual result of a forgotten sixth register) shows other bytes than the
 * ones the driver put at the offset; a store through the mapping must reach
 * the file.
 */
static void file_at_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(2, 32);
	long first = (long)kata_rand_range(1, pages - 1);
	long count = (long)kata_rand_range(1, pages - first);
	size_t size = (size_t)(pages * page), mlen = (size_t)(count * page);
	unsigned char *contents = malloc(size), *got = malloc(mlen);
	int fd = memfd_create("mmap6", MFD_CLOEXEC);
	if (!contents || !got)
		kata_setup_failed("malloc()");
	kata_rand_bytes(contents, size);
	if (fd < 0 || pwrite(fd, contents, size, 0) != (ssize_t)size)
		kata_setup_failed("a memfd for the test");
	kata_note("file of %ld random pages; mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_SHARED, fd %d, offset %ld page(s))",
		  pages, count, KATA_AGENT_FD_BASE, first);
	/* the judge's file is descriptor KATA_AGENT_FD_BASE in the agent */
	int64_t args[6] = { 0, count * page, PROT_READ | PROT_WRITE, MAP_SHARED, KATA_AGENT_FD_BASE, first * page };
	long addr = call_mmap(args, fd, KATA_ANY);
	if (!expect_address(addr)) {
		close(fd);
		free(contents);
		free(got);
		return;
	}
	expect_in_maps("MAP_SHARED", (uint64_t)addr, (long)mlen, "rw-s");
	unsigned char *copied;
	long r = dump(addr, mlen, &copied);
	free(copied);
	kata_expect_i64("bytes of the mapping the kernel could copy out of it", (long long)mlen, r);
	kata_expect_bytes("mapped bytes (the file from the offset on)", contents + first * page, mlen, got,
			  agent_bytes((uint64_t)addr, got, mlen));
	/* MAP_SHARED: a store through the mapping is a store to the file. */
	size_t at = kata_rand_range(0, mlen - 16);
	unsigned char mark[16], back[16] = { 0 };
	kata_rand_bytes(mark, sizeof(mark));
	agent_store((uint64_t)addr + at, mark, sizeof(mark));
	ssize_t n = pread(fd, back, sizeof(back), first * page + (off_t)at);
	kata_expect_bytes("bytes stored through the mapping, read from the file (MAP_SHARED)", mark, sizeof(mark),
			  back, n < 0 ? 0 : (size_t)n);
	kata_expect_i64("munmap return value", 0, call_munmap(addr, (long)mlen));
	close(fd);
	free(contents);
	free(got);
}

/* Whether 4 pages at t are free in the agent. */
static int is_hole(long t)
{
	char perms[8];
	if (!kata_emulated())
		return maps_cover((uint64_t)t, 4 * (uint64_t)page, perms) == 0;
	for (int i = 0; i < 4; i++)
		if (page_is_mapped(t + i * page) != 0)
			return 0;
	return 1;
}

static void fixed_address(void)
{
	page = sysconf(_SC_PAGESIZE);
	/* A hole in the agent: a random address, far from where the kernel puts
	 * things, where nothing is mapped. */
	long target = 0;
	for (int i = 0; i < 16 && !target; i++) {
		long t = (long)kata_rand_range(0x100000000000ul / page, 0x300000000000ul / page) * page;
		if (is_hole(t))
			target = t;
	}
	if (!target)
		kata_setup_failed("finding a hole in the agent's address space");
	kata_note("mmap(%#lx, 4 pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)",
		  target);
	int64_t args[6] = { target, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    -1, 0 };
	long addr = call_mmap(args, -1, target);
	kata_expect_i64("return value (the address asked for)", target, addr);
	if (addr != target)
		return;
	expect_in_maps("at the fixed address", (uint64_t)target, 4 * page, "rw-p");
	unsigned char mark[16], got[16];
	kata_rand_bytes(mark, sizeof(mark));
	agent_store((uint64_t)target + 3 * page, mark, sizeof(mark));
	kata_expect_bytes("bytes stored in its last page, read back", mark, sizeof(mark), got,
			  agent_bytes((uint64_t)target + 3 * page, got, sizeof(got)));
}

/* The kernel's refusal, compared with what libc's syscall() reports here
 * for the same call, with the judge's own descriptor `judge_fd` as the fifth
 * argument (passed to the agent, where it is KATA_AGENT_FD_BASE, if `pass`). */
static void refused(const char *what, const char *label, long a1, long a2, long a3, long a4, int judge_fd, long a6,
		    int pass)
{
	errno = 0;
	long libc_ret = syscall(SYS_mmap, a1, a2, a3, a4, judge_fd, a6);
	int e = errno;
	if (libc_ret != -1) {
		munmap((void *)libc_ret, a2);
		kata_setup_failed("the kernel refusing this call (libc's syscall() succeeded)");
	}
	kata_note("%s: libc's syscall() gave -1, errno %d (%s)", what, e, strerror(e));
	int64_t args[6] = { a1, a2, a3, a4, pass ? KATA_AGENT_FD_BASE : judge_fd, a6 };
	kata_expect_i64(label, -e, call_mmap(args, pass ? judge_fd : -1, -e));
}

static void unaligned_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("mmap6", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4 * page) != 0)
		kata_setup_failed("a memfd for the test");
	long off = (long)kata_rand_range(0, 2) * page + (long)kata_rand_range(1, page - 1);
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d, offset %ld)", KATA_AGENT_FD_BASE,
		 off);
	refused(what, "mmap with an unaligned offset: return value", 0, page, PROT_READ, MAP_SHARED, fd, off, 1);
	close(fd);
}

static void zero_length(void)
{
	refused("mmap(NULL, 0, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
		"mmap of length 0: return value", 0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, 0);
}

static void bad_fd(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = (int)kata_rand_range(800, 899); /* surely closed, here and in the agent */
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d (closed), 0)", fd);
	refused(what, "mmap of a closed descriptor: return value", 0, page, PROT_READ, MAP_SHARED, fd, 0, 0);
}

const struct kata_case kata_cases[] = {
	{ "anonymous", anonymous, 0 },
	{ "file-at-offset", file_at_offset, 0 },
	{ "fixed-address", fixed_address, 0 },
	{ "unaligned-offset", unaligned_offset, 0 },
	{ "zero-length", zero_length, 0 },
	{ "bad-fd", bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
