/*
 * Driver for mmap-read: file_checksum(fd, mult) over a file the judge wrote
 * (a memfd: tmpfs, all of it in the page cache, in 4 KiB pages), computed
 * through a mapping. The judge holds the oracle and watches three things:
 * the answer; the syscalls (no read-like call at all, an mmap of the file);
 * and the page faults the CPU took while the learner's code ran (a
 * software perf counter on the agent), against what a plain mapping and a
 * MAP_POPULATE one cost on the same file in the judge's own process,
 * measured just before. The bench times file_checksum() of a 1 MiB file
 * against a 64 KiB pread() loop here; the counting run budgets read-like
 * syscalls at 0 over a smaller file, and each case judges its own call's.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The fault budget: CPU page faults per MiB mapped, plus a few for the
 * call itself (its stack, the reply). A plain mapping of 4 KiB pages takes
 * one per 64 KiB here (fault-around maps 16 pages per fault): 16 per MiB; MAP_POPULATE none. */
#define FAULTS_PER_MIB 2.0
#define FAULTS_SLACK 8

/* The loops' file: agent.c makes the same bytes (keep the two in step). */
#define LOOP_MULT 0x9e3779b97f4a7c15ull
#define BENCH_BYTES (1u << 20)

static uint64_t checksum_words(const uint64_t *w, size_t n, uint64_t h, uint64_t mult)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ w[i]) * mult;
	return h;
}

/* A memfd holding `len` bytes of `data`, written a page at a time (order-0
 * pages, whatever the tmpfs's huge-page policy for larger writes). */
static int file_of(const void *data, size_t len)
{
	int fd = memfd_create("kata-file", MFD_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("memfd_create()");
	for (size_t off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;
		if (pwrite(fd, (const char *)data + off, n, (off_t)off) != (ssize_t)n)
			kata_setup_failed("pwrite() to the judge's file");
	}
	return fd;
}

/* A few MiB, a multiple of 8 bytes but not of the page size. */
static size_t random_size(void)
{
	return (size_t)kata_rand_range(512, 1536) * 4096 + (size_t)kata_rand_range(1, 511) * 8;
}

static uint64_t *random_words(size_t len)
{
	uint64_t *w = malloc(len);
	if (!w)
		kata_setup_failed("malloc()");
	kata_rand_bytes(w, len);
	return w;
}

/* No read-like syscall in the call (the counting run's file is smaller than
 * the cases': code could read only big files), and an mmap of the judge's file. */
static void check_syscalls(const struct kata_reply *r, size_t len)
{
	if (!r->traced)
		return;
	int reads = 0, mapped = 0;
	char by[256] = "", detail[400];
	const char *names[8] = { 0 };
	int counts[8] = { 0 };
	for (int i = 0; i < r->nsc; i++) {
		const char *name = kata_syscall_name(r->sc[i].nr, r->sc[i].compat);
		if (!r->sc[i].compat && kata_is_read_like(r->sc[i].nr)) {
			reads++;
			for (int k = 0; k < 8; k++)
				if (!names[k] || !strcmp(names[k], name)) {
					names[k] = name;
					counts[k]++;
					break;
				}
		}
		if (name && !strcmp(name, "mmap") && (int64_t)r->sc[i].arg[4] == KATA_AGENT_FD_BASE)
			mapped = 1;
	}
	for (int k = 0; k < 8 && names[k]; k++)
		snprintf(by + strlen(by), sizeof(by) - strlen(by), "%s%s x%d", k ? ", " : "", names[k], counts[k]);
	snprintf(detail, sizeof(detail),
		 "%s%d read-like syscalls (%s) for a %.2f MiB file: the bytes must come through the mapping, with no read at all",
		 r->nsc_total > r->nsc ? "at least " : "", reads, by, (double)len / 1048576.0);
	kata_expect_true("no read-like syscall in file_checksum()", reads == 0, reads ? detail : NULL);
	kata_expect_true("file_checksum() mapped the file (an mmap of the descriptor it was given)", mapped,
			 "no mmap() of the judge's descriptor: where did the bytes come from?");
}

static void checksum_case(void)
{
	size_t len = random_size();
	uint64_t *w = random_words(len);
	uint64_t mult = kata_rand() | 1;
	uint64_t want = checksum_words(w, len / 8, 0, mult);
	int fd = file_of(w, len);
	free(w);
	kata_note("file_checksum(a %zu-byte file, mult 0x%016llx)", len, (unsigned long long)mult);
	struct kata_args a = { .arg = { (int64_t)mult }, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("checksum", &a);
	close(fd);
	kata_expect_i64("the checksum", (long long)want, r->ret[0]);
	check_syscalls(r, len);
}

/* A counter of the CPU's page faults (the software event: faults taken by
 * an instruction in user space; the kernel's own populating, MAP_POPULATE's,
 * is not one) for `pid` (0: this process), or -1. */
static int fault_counter(int pid)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static long long counter_read(int fd)
{
	long long v = -1;
	if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return -1;
	return v;
}

static long own_minflt(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt : -1;
}

/* What reading every page of the file through a mapping costs here, in
 * this process: CPU faults and /proc-style minor faults. */
static void mapping_cost(int fd, size_t len, int flags, long long *cpu, long *minflt)
{
	int pf = fault_counter(0);
	long m0 = own_minflt();
	long long c0 = counter_read(pf);
	volatile const uint64_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED | flags, fd, 0);
	if (p == MAP_FAILED)
		kata_setup_failed("mmap() in the judge");
	uint64_t x = 0;
	for (size_t off = 0; off < len; off += 4096)
		x ^= p[off / 8];
	kata_sink((long)x);
	long long c1 = counter_read(pf);
	long m1 = own_minflt();
	munmap((void *)p, len);
	if (pf >= 0)
		close(pf);
	*cpu = c0 >= 0 && c1 >= c0 ? c1 - c0 : -1;
	*minflt = m0 >= 0 && m1 >= m0 ? m1 - m0 : -1;
}

static void faults_case(void)
{
	size_t len = random_size();
	double mib = (double)len / 1048576.0;
	uint64_t *w = random_words(len);
	uint64_t mult = kata_rand() | 1;
	uint64_t want = checksum_words(w, len / 8, 0, mult);
	int fd = file_of(w, len);
	free(w);
	long long plain_cpu, pop_cpu;
	long plain_min, pop_min;
	mapping_cost(fd, len, 0, &plain_cpu, &plain_min);
	mapping_cost(fd, len, MAP_POPULATE, &pop_cpu, &pop_min);
	kata_note("a %.2f MiB file (4 KiB pages, all in the page cache), mapped and read here in the judge:", mib);
	kata_note("plain mmap: %lld CPU page faults (%.1f per MiB; /proc minflt %ld)", plain_cpu,
		  plain_cpu / mib, plain_min);
	kata_note("mmap with MAP_POPULATE: %lld CPU page faults (%.1f per MiB; /proc minflt %ld: populating is faults too, taken inside mmap)",
		  pop_cpu, pop_cpu / mib, pop_min);

	int pid = kata_agent_pid();
	int pf = kata_emulated() ? -1 : fault_counter(pid);
	struct kata_faults f0, f1;
	kata_agent_faults(&f0);
	long long c0 = counter_read(pf);
	struct kata_args a = { .arg = { (int64_t)mult }, .fd = { fd }, .nfd = 1 };
	const struct kata_reply *r = kata_call("checksum", &a);
	long long c1 = counter_read(pf);
	kata_agent_faults(&f1);
	if (pf >= 0)
		close(pf);
	close(fd);
	kata_expect_i64("the checksum", (long long)want, r->ret[0]);
	check_syscalls(r, len);

	long budget = (long)(FAULTS_PER_MIB * mib) + FAULTS_SLACK;
	if (kata_emulated()) {
		kata_note("page faults: not enforced under emulation (the figures there are the emulator's)");
		return;
	}
	if (c0 < 0 || c1 < c0) {
		kata_note("page faults: not enforced here (no software perf counter for the agent: %s)", strerror(errno));
		return;
	}
	long long got = c1 - c0;
	long minflt = f0.minor >= 0 && f1.minor >= f0.minor ? f1.minor - f0.minor : -1;
	kata_note("file_checksum(): %lld CPU page faults (%.1f per MiB; /proc minflt %ld), budget %ld (%.0f per MiB + %d)",
		  got, got / mib, minflt, budget, FAULTS_PER_MIB, FAULTS_SLACK);
	if (plain_cpu >= 0 && plain_cpu / mib < 2 * FAULTS_PER_MIB) {
		kata_note("page faults: not enforced here: a plain mapping already takes only %.1f per MiB on this kernel (large folios?)",
			  plain_cpu / mib);
		return;
	}
	char detail[400];
	snprintf(detail, sizeof(detail),
		 "%lld page faults for %.2f MiB (%.1f per MiB), budget %ld: a plain mmap costs %.1f per MiB here, "
		 "MAP_POPULATE %.1f per MiB: fill the page tables in the mmap call (MAP_POPULATE or MADV_POPULATE_READ)",
		 got, mib, got / mib, budget, plain_cpu / mib, pop_cpu / mib);
	kata_expect_true("page faults while file_checksum() ran", got <= budget, got <= budget ? NULL : detail);
}

/* ---- the bench: a 64 KiB pread() loop over the same 1 MiB ------------- */

static int bench_fd = -1;
static uint64_t bench_want;

static void bench_setup(void)
{
	static uint64_t words[BENCH_BYTES / 8];
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < BENCH_BYTES / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		words[i] = x;
	}
	bench_want = checksum_words(words, BENCH_BYTES / 8, 0, LOOP_MULT);
	bench_fd = file_of(words, BENCH_BYTES);
}

static void reference_loop(uint64_t iters)
{
	static uint64_t buf[65536 / 8];
	for (uint64_t k = 0; k < iters; k++) {
		uint64_t h = 0;
		off_t off = 0;
		ssize_t n;
		while ((n = pread(bench_fd, buf, sizeof(buf), off)) > 0) {
			h = checksum_words(buf, (size_t)n / 8, h, LOOP_MULT);
			off += n;
		}
		kata_sink((long)h);
	}
}

static const char *check_timed(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	(void)iters, (void)before_ns, (void)after_ns;
	static char why[160];
	if (ret[1] < 0)
		return "the agent could not make its 1 MiB file";
	if ((uint64_t)ret[0] == bench_want)
		return NULL;
	snprintf(why, sizeof(why), "file_checksum() of the 1 MiB loop file returned 0x%016llx, expected 0x%016llx",
		 (unsigned long long)ret[0], (unsigned long long)bench_want);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "checksum", checksum_case, 0 },
	{ "faults", faults_case, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "checksum", "checksum-loop", reference_loop, bench_setup, check_timed },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "checksum", "count-loop" },
	{ 0 },
};
