/*
 * Driver for x86-mmap6: mmap(2) has six arguments, so every argument
 * register is used: rdi, rsi, rdx, r10, r8, r9. Anonymous mappings of random
 * sizes, a file mapping at a random page offset (fd in r8, offset in r9,
 * flags in r10), a fixed address (rdi), and two calls the kernel refuses,
 * all made by raw_syscall6() in the agent. Oracles, on the judge's side: the
 * six registers the kernel saw, the agent's /proc/<pid>/maps, its memory
 * read with process_vm_readv, the file the judge holds, and libc's
 * syscall() for the refusals.
 */
#define _GNU_SOURCE
#include "kata.h"

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

/* raw_syscall6(n, a1..a6) in the agent, with `fd` (if >= 0) passed to it. */
static const struct kata_reply *call6(long n, long a1, long a2, long a3, long a4, long a5, long a6, int fd,
				      int64_t magic)
{
	int64_t nm[2] = { n, magic };
	struct kata_args a = { .arg = { a1, a2, a3, a4, a5, a6 }, .in = nm, .in_len = sizeof(nm) };
	if (fd >= 0) {
		a.fd[0] = fd;
		a.nfd = 1;
	}
	return kata_call("syscall6", &a);
}

/* The one syscall the call made, its six (or `nargs`) registers, and rcx/r11. */
static void check_call(const struct kata_reply *r, long n, int nargs, const int64_t *args, long want,
		       int64_t magic)
{
	kata_expect_syscall("raw_syscall6", r, n, nargs, args, want);
	kata_expect_clobbers("raw_syscall6", r, magic);
}

/* How much of [addr, addr+len) the agent's /proc/<pid>/maps covers, in
 * bytes, and the permissions of the mapping at addr ("" if none). */
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

/* Reports whether mmap gave an address; returns nonzero if it did. */
static int expect_address(long ret)
{
	char detail[128];
	snprintf(detail, sizeof(detail), "raw_syscall6 returned %ld%s", ret,
		 is_error(ret) ? " (an -errno: the kernel refused the arguments it saw)" : "");
	kata_expect_true("mmap returned an address", !is_error(ret) && ret != 0, detail);
	return !is_error(ret) && ret != 0;
}

static void expect_mapped(const char *what, uint64_t addr, long len, const char *want_perms)
{
	char perms[8], label[160];
	long covered = maps_cover(addr, (uint64_t)len, perms);
	snprintf(label, sizeof(label), "bytes of [%#lx, +%ld) mapped in the agent (/proc/<pid>/maps)",
		 (unsigned long)addr, len);
	kata_expect_i64(label, len, covered);
	snprintf(label, sizeof(label), "%s: the mapping's permissions", what);
	kata_expect_bytes(label, want_perms, strlen(want_perms), perms, strlen(perms));
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

/* Reads `len` bytes of the agent at `addr` into `buf`; returns bytes read. */
static size_t agent_bytes(uint64_t addr, void *buf, size_t len)
{
	long n = kata_agent_read(addr, buf, len);
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

static void anonymous(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(1, 64);
	long len = pages * page;
	kata_note("mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)", pages);
	int64_t magic = kata_magic();
	const struct kata_reply *r =
		call6(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, -1, magic);
	long ret = r->ret[0];
	int64_t args[6] = { 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 };
	check_call(r, SYS_mmap, 6, args, kernel_ret(r, SYS_mmap), magic);
	if (!expect_address(ret))
		return;
	kata_expect_i64("address % page size", 0, ret % page);
	expect_mapped("anonymous", (uint64_t)ret, len, "rw-p");
	unsigned char *zeros = calloc(1, len), *data = malloc(len), *got = malloc(len);
	if (!zeros || !data || !got)
		kata_setup_failed("malloc()");
	kata_expect_bytes("contents of a fresh anonymous mapping (read from the agent)", zeros, len, got,
			  agent_bytes((uint64_t)ret, got, len));
	kata_rand_bytes(data, len);
	agent_store((uint64_t)ret, data, len);
	kata_expect_bytes("random bytes stored in it, read back", data, len, got, agent_bytes((uint64_t)ret, got, len));
	free(zeros);
	free(data);
	free(got);
	kata_note("munmap(that address, %ld page(s))", pages);
	magic = kata_magic();
	r = call6(SYS_munmap, ret, len, 0, 0, 0, 0, -1, magic);
	kata_expect_i64("munmap return value", 0, r->ret[0]);
	int64_t margs[2] = { ret, len };
	check_call(r, SYS_munmap, 2, margs, 0, magic);
	char perms[8];
	kata_expect_i64("bytes of it still mapped after munmap (/proc/<pid>/maps)", 0,
			maps_cover((uint64_t)ret, (uint64_t)len, perms));
}

static void file_at_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	long pages = (long)kata_rand_range(2, 16);
	long first = (long)kata_rand_range(1, pages - 1);
	long count = (long)kata_rand_range(1, pages - first);
	size_t size = (size_t)(pages * page), mlen = (size_t)(count * page);
	unsigned char *contents = malloc(size), *got = malloc(mlen);
	int fd = memfd_create("x86-mmap6", MFD_CLOEXEC);
	if (!contents || !got)
		kata_setup_failed("malloc()");
	kata_rand_bytes(contents, size);
	if (fd < 0 || write(fd, contents, size) != (ssize_t)size)
		kata_setup_failed("a memfd for the test");
	kata_note("file of %ld random pages; mmap(NULL, %ld page(s), PROT_READ|PROT_WRITE, MAP_SHARED, fd %d, offset %ld page(s))",
		  pages, count, KATA_AGENT_FD_BASE, first);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call6(SYS_mmap, 0, count * page, PROT_READ | PROT_WRITE, MAP_SHARED,
					   KATA_AGENT_FD_BASE, first * page, fd, magic);
	long ret = r->ret[0];
	int64_t args[6] = { 0, count * page, PROT_READ | PROT_WRITE, MAP_SHARED, KATA_AGENT_FD_BASE, first * page };
	check_call(r, SYS_mmap, 6, args, kernel_ret(r, SYS_mmap), magic);
	if (!expect_address(ret)) {
		close(fd);
		free(contents);
		free(got);
		return;
	}
	expect_mapped("MAP_SHARED", (uint64_t)ret, (long)mlen, "rw-s");
	kata_expect_bytes("mapped bytes (the file from the offset on)", contents + first * page, mlen, got,
			  agent_bytes((uint64_t)ret, got, mlen));
	/* MAP_SHARED: a store through the mapping is a store to the file. */
	size_t at = kata_rand_range(0, mlen - 16);
	unsigned char mark[16], back[16] = { 0 };
	kata_rand_bytes(mark, sizeof(mark));
	agent_store((uint64_t)ret + at, mark, sizeof(mark));
	ssize_t n = pread(fd, back, sizeof(back), first * page + (off_t)at);
	kata_expect_bytes("bytes stored through the mapping, read from the file (MAP_SHARED)", mark, sizeof(mark),
			  back, n < 0 ? 0 : (size_t)n);
	close(fd);
	free(contents);
	free(got);
}

static void fixed_address(void)
{
	page = sysconf(_SC_PAGESIZE);
	/* A hole in the agent: a random address, far from where the kernel puts
	 * things, that its maps show nothing at. */
	long target = 0;
	char perms[8];
	for (int i = 0; i < 16 && !target; i++) {
		long t = (long)kata_rand_range(0x100000000000ul / page, 0x300000000000ul / page) * page;
		if (maps_cover((uint64_t)t, 4 * (uint64_t)page, perms) == 0)
			target = t;
	}
	if (!target)
		kata_setup_failed("finding a hole in the agent's address space");
	kata_note("mmap(%#lx, 4 pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)",
		  target);
	int64_t magic = kata_magic();
	const struct kata_reply *r = call6(SYS_mmap, target, 4 * page, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, -1, magic);
	kata_expect_i64("return value (the address asked for)", target, r->ret[0]);
	int64_t args[6] = { target, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    -1, 0 };
	check_call(r, SYS_mmap, 6, args, target, magic);
	if (r->ret[0] == target)
		expect_mapped("at the fixed address", (uint64_t)target, 4 * page, "rw-p");
}

/* The kernel's refusal, compared with what libc's syscall() reports here
 * for the same call on the judge's own descriptor. */
static void refused(const char *what, long a1, long a2, long a3, long a4, int judge_fd, long a6, int pass_fd)
{
	errno = 0;
	long libc_ret = syscall(SYS_mmap, a1, a2, a3, a4, judge_fd, a6);
	int e = errno;
	if (libc_ret != -1) {
		munmap((void *)libc_ret, a2);
		kata_setup_failed("the kernel refusing this call (libc's syscall() succeeded)");
	}
	kata_note("%s: libc's syscall() gave -1, errno %d (%s)", what, e, strerror(e));
	long a5 = pass_fd >= 0 ? KATA_AGENT_FD_BASE : judge_fd;
	int64_t magic = kata_magic();
	const struct kata_reply *r = call6(SYS_mmap, a1, a2, a3, a4, a5, a6, pass_fd, magic);
	kata_expect_i64("return value", -e, r->ret[0]);
	int64_t args[6] = { a1, a2, a3, a4, a5, a6 };
	check_call(r, SYS_mmap, 6, args, -e, magic);
}

static void unaligned_offset(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("x86-mmap6", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4 * page) != 0)
		kata_setup_failed("a memfd for the test");
	long off = (long)kata_rand_range(0, 2) * page + (long)kata_rand_range(1, page - 1);
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d, offset %ld)", KATA_AGENT_FD_BASE,
		 off);
	refused(what, 0, page, PROT_READ, MAP_SHARED, fd, off, fd);
	close(fd);
}

static void bad_fd(void)
{
	page = sysconf(_SC_PAGESIZE);
	int fd = (int)kata_rand_range(800, 899); /* surely closed, here and in the agent */
	char what[96];
	snprintf(what, sizeof(what), "mmap(NULL, 1 page, PROT_READ, MAP_SHARED, fd %d (closed), 0)", fd);
	refused(what, 0, page, PROT_READ, MAP_SHARED, fd, 0, -1);
}

const struct kata_case kata_cases[] = {
	{ "anonymous", anonymous, 0 },
	{ "file-at-offset", file_at_offset, 0 },
	{ "fixed-address", fixed_address, 0 },
	{ "unaligned-offset", unaligned_offset, 0 },
	{ "bad-fd", bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
