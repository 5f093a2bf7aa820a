/*
 * Driver for mmap-write: produce_file(fd, records, seed) fills the judge's
 * empty file with `records` 16-byte records through a shared mapping
 * (ftruncate, mmap MAP_SHARED, stores, msync). The judge holds the oracle,
 * reads the file back itself after the call, and looks at the syscalls: no
 * write-like call, the file sized by ftruncate, mapped shared, flushed by
 * msync. The counting run budgets write-like syscalls at 0 over many small
 * files; each case judges its own call's writes too, since code could write
 * only the big files the cases give it.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD 16

/* Record i: { i, value(seed, i) }, two little-endian 64-bit words. */
static uint64_t record_value(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *expected_file(uint64_t records, uint64_t seed)
{
	unsigned char *b = malloc(records * RECORD);
	if (!b)
		kata_setup_failed("malloc()");
	for (uint64_t i = 0; i < records; i++) {
		put64(b + i * RECORD, i);
		put64(b + i * RECORD + 8, record_value(seed, i));
	}
	return b;
}

/* An empty file on the judge's file system (not tmpfs: msync has work to
 * do there), open O_RDWR, already unlinked. */
static int empty_file(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/kata-mmap-write-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("mkostemp()");
	unlink(path);
	return fd;
}

struct seen {
	int writes, sized, shared, private_, msynced;
	char by[200];
};

static struct seen syscalls_of(const struct kata_reply *r)
{
	struct seen s;
	memset(&s, 0, sizeof(s));
	const char *names[8] = { 0 };
	int counts[8] = { 0 };
	for (int i = 0; i < r->nsc; i++) {
		const char *name = kata_syscall_name(r->sc[i].nr, r->sc[i].compat);
		if (!name)
			continue;
		if (!r->sc[i].compat && kata_is_write_like(r->sc[i].nr)) {
			s.writes++;
			for (int k = 0; k < 8; k++)
				if (!names[k] || !strcmp(names[k], name)) {
					names[k] = name;
					counts[k]++;
					break;
				}
		}
		int ours = (int64_t)r->sc[i].arg[0] == KATA_AGENT_FD_BASE;
		if (ours && (!strcmp(name, "ftruncate") || !strcmp(name, "fallocate")))
			s.sized = 1;
		if (!strcmp(name, "mmap") && (int64_t)r->sc[i].arg[4] == KATA_AGENT_FD_BASE) {
			int type = (int)(r->sc[i].arg[3] & 3);
			s.shared |= type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
			s.private_ |= type == MAP_PRIVATE;
		}
		if (!strcmp(name, "msync"))
			s.msynced = 1;
	}
	for (int k = 0; k < 8 && names[k]; k++)
		snprintf(s.by + strlen(s.by), sizeof(s.by) - strlen(s.by), "%s%s x%d", k ? ", " : "", names[k], counts[k]);
	return s;
}

/* One call of produce_file() on `fd`, its page faults noted. */
static const struct kata_reply *produce(int fd, uint64_t records, uint64_t seed)
{
	struct kata_faults f0, f1;
	kata_agent_faults(&f0);
	struct kata_args a = { .arg = { (int64_t)records, (int64_t)seed }, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("produce", &a);
	kata_agent_faults(&f1);
	double mib = (double)(records * RECORD) / 1048576.0;
	if (f0.minor >= 0 && f1.minor >= f0.minor)
		kata_note("produce_file(%llu records, %.2f MiB): %ld page faults, %.0f per MiB (a store to a shared file mapping faults once per 4 KiB page: the kernel tracks which pages are dirty)",
			  (unsigned long long)records, mib, f1.minor - f0.minor, (double)(f1.minor - f0.minor) / mib);
	else
		kata_note("produce_file(%llu records, %.2f MiB): page faults not counted under emulation", (unsigned long long)records, mib);
	return r;
}

/* What the call's syscalls say: no write-like call (a cheap counting run
 * cannot vouch for calls of another size), the file sized by ftruncate,
 * mapped shared and flushed. */
static void expect_syscalls(const struct kata_reply *r, uint64_t records)
{
	if (!r->traced)
		return;
	struct seen s = syscalls_of(r);
	char detail[400];
	snprintf(detail, sizeof(detail),
		 "%d write-like syscalls (%s) among the first %d of %ld for %llu records: the bytes must reach the file "
		 "through the mapping, with no write at all",
		 s.writes, s.by, r->nsc, r->nsc_total, (unsigned long long)records);
	kata_expect_true("no write-like syscall in produce_file()", s.writes == 0, s.writes ? detail : NULL);
	kata_expect_true("the file was sized first (ftruncate of the descriptor)", s.sized,
			 "no ftruncate(fd, size): a mapping past the end of the file has no pages behind it");
	kata_expect_true("the file was mapped MAP_SHARED", s.shared,
			 s.private_ ? "it was mapped MAP_PRIVATE: stores go to private copies of the pages, never to the file"
				    : "no mmap of the descriptor with MAP_SHARED");
	kata_expect_true("the mapping was flushed with msync() before returning", s.msynced,
			 "no msync(): the stores are in the page cache, and nothing says when they reach the disk; munmap() does not write them back");
}

/* The file as the judge reads it back: its size, then its bytes. */
static void expect_file(int fd, uint64_t records, uint64_t seed, const struct kata_reply *r)
{
	size_t want_len = records * RECORD;
	struct stat st;
	if (fstat(fd, &st) != 0)
		kata_setup_failed("fstat() of the judge's file");
	kata_expect_i64("produce_file()'s return value (the file's size in bytes)", (long long)want_len, r->ret[0]);
	kata_expect_i64("the file's size, as the judge sees it (records x 16 bytes)", (long long)want_len, (long long)st.st_size);
	unsigned char *want = expected_file(records, seed);
	size_t got_len = (size_t)st.st_size;
	unsigned char *got = malloc(got_len + 1);
	if (!got)
		kata_setup_failed("malloc()");
	ssize_t n = pread(fd, got, got_len, 0);
	if (n < 0)
		kata_setup_failed("pread() of the judge's file");
	size_t len = (size_t)n < want_len ? (size_t)n : want_len;
	size_t bad = 0;
	while (bad < len && got[bad] == want[bad])
		bad++;
	if (bad < len || (size_t)n != want_len) {
		size_t at = bad / RECORD * RECORD;
		int zeros = 1;
		for (size_t i = at; i < len && zeros; i++)
			zeros = got[i] == 0;
		char what[200];
		snprintf(what, sizeof(what), "record %zu (file offset %zu) as the judge reads it back%s", at / RECORD, at,
			 zeros ? ": zeros from here on, the stores never reached the file" : "");
		size_t show = len - at < 2 * RECORD ? len - at : 2 * RECORD;
		size_t wshow = want_len - at < 2 * RECORD ? want_len - at : 2 * RECORD;
		kata_expect_bytes(what, want + at, wshow, got + at, show);
	} else {
		kata_expect_bytes("the file's bytes, read back by the judge", want, 0, got, 0);
	}
	free(want);
	free(got);
}

static void produce_case(void)
{
	uint64_t records = kata_rand_range(64 << 10, 256 << 10);
	uint64_t seed = kata_rand();
	int fd = empty_file();
	const struct kata_reply *r = produce(fd, records, seed);
	expect_file(fd, records, seed, r);
	expect_syscalls(r, records);
	close(fd);
}

/* The same file twice: the second time with fewer records, so the file
 * must shrink to its new size. */
static void shrink_case(void)
{
	uint64_t first = kata_rand_range(32 << 10, 128 << 10);
	uint64_t second = kata_rand_range(1, first - 1);
	uint64_t s1 = kata_rand(), s2 = kata_rand();
	int fd = empty_file();
	kata_note("first %llu records, then %llu into the same file", (unsigned long long)first, (unsigned long long)second);
	const struct kata_reply *r = produce(fd, first, s1);
	expect_file(fd, first, s1, r);
	expect_syscalls(r, first);
	r = produce(fd, second, s2);
	expect_file(fd, second, s2, r);
	expect_syscalls(r, second);
	close(fd);
}

const struct kata_case kata_cases[] = {
	{ "produce", produce_case, 0 },
	{ "shrink", shrink_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = {
	{ "produce", "count-loop" },
	{ 0 },
};
