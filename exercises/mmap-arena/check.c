/*
 * Driver for mmap-arena: the learner's arena_alloc()/arena_release() under a
 * program (agent.c) that builds a binary search tree of 10^5 keys drawn from
 * the run's seed. The judge draws the same keys, then walks the tree itself
 * in the agent's memory (process_vm_readv; under an emulator the agent's
 * pwrite to a judge file): every node where a pointer says, in key order,
 * with its tag, 16-byte aligned, no two allocations sharing a byte, the
 * index (one big allocation) pointing at the nodes. The @memory syscalls
 * of the build are counted from the trace; page faults are shown.
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

/* The agent's layout (agent.c). */
struct node {
	uint64_t key;
	uint64_t left, right;
	uint64_t tag;
};
#define NODE_SIZE 32
#define ALIGN 16

static uint64_t mix_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t tag_len(uint64_t key)
{
	return 1 + (size_t)(key % 23);
}

static unsigned char tag_byte(uint64_t key, size_t i)
{
	return (unsigned char)(key >> (8 * (i % 8))) ^ (unsigned char)(i * 0x5b);
}

/* ---- reading the agent's memory ------------------------------------------ */

static int dump_fd = -1;

/* `len` bytes of the agent at `addr`: bytes read, or -errno. Natively the
 * judge reads them itself; under an emulator the agent's kernel copies them
 * into a file of the judge's (pwrite), which gives -EFAULT for what is not
 * mapped. */
static long agent_bytes(uint64_t addr, void *buf, size_t len)
{
	if (!kata_emulated())
		return kata_agent_read(addr, buf, len);
	if (dump_fd < 0 && (dump_fd = memfd_create("arena-dump", MFD_CLOEXEC)) < 0)
		kata_setup_failed("memfd_create()");
	struct kata_args a = { .arg = { (int64_t)addr, (int64_t)len }, .fd = { dump_fd }, .nfd = 1 };
	long r = (long)kata_call("dump", &a)->ret[0];
	if (r > 0 && pread(dump_fd, buf, (size_t)r, 0) != r)
		kata_setup_failed("pread() of the agent's dump");
	return r;
}

static const char *errno_words(long r)
{
	static char w[64];
	if (r == -EFAULT)
		return "-14 (EFAULT): nothing is mapped there";
	snprintf(w, sizeof(w), "%ld", r);
	return w;
}

/* ---- the oracle ------------------------------------------------------------ */

struct keys {
	uint64_t *ins;    /* distinct keys in insertion order */
	uint64_t *sorted; /* the same, ascending */
	size_t n, drawn;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t find_key(const struct keys *k, uint64_t key)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->sorted[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void draw_keys(struct keys *k, size_t n, uint64_t seed)
{
	uint64_t *all = malloc(n * sizeof *all);
	k->ins = malloc(n * sizeof *k->ins);
	k->sorted = malloc(n * sizeof *k->sorted);
	if (!all || !k->ins || !k->sorted)
		kata_setup_failed("malloc()");
	for (size_t i = 0; i < n; i++)
		all[i] = mix_next(&seed);
	memcpy(k->sorted, all, n * sizeof *all);
	qsort(k->sorted, n, sizeof *all, cmp_u64);
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || k->sorted[i] != k->sorted[i - 1])
			k->sorted[d++] = k->sorted[i];
	k->n = d;
	k->drawn = n;
	/* Insertion order, first occurrences only. */
	unsigned char *seen = calloc(d, 1);
	if (!seen)
		kata_setup_failed("calloc()");
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		size_t at = find_key(k, all[i]);
		if (!seen[at]) {
			seen[at] = 1;
			k->ins[m++] = all[i];
		}
	}
	free(seen);
	free(all);
}

static void free_keys(struct keys *k)
{
	free(k->ins);
	free(k->sorted);
}

/* ---- the @memory syscalls of a call ------------------------------------------ */

/* "mmap 3, munmap 1" for the traced syscalls of r (the first KATA_MAX_TRACED). */
static void memory_breakdown(const struct kata_reply *r, char *out, size_t cap, long *memory)
{
	static const long nrs[] = { SYS_mmap, SYS_munmap, SYS_mremap, SYS_brk, SYS_mprotect, SYS_madvise };
	long n[6] = { 0 };
	*memory = 0;
	for (int i = 0; i < r->nsc; i++)
		for (int j = 0; j < 6; j++)
			if (r->sc[i].nr == nrs[j] && !r->sc[i].compat) {
				n[j]++;
				(*memory)++;
			}
	out[0] = 0;
	size_t at = 0;
	for (int j = 0; j < 6; j++)
		if (n[j] && at < cap)
			at += (size_t)snprintf(out + at, cap - at, "%s%s %ld", at ? ", " : "", kata_syscall_name(nrs[j], 0), n[j]);
	if (!at)
		snprintf(out, cap, "none");
}

/* ---- the walk ------------------------------------------------------------------ */

struct span {
	uint64_t at, len;
	const char *what; /* "node", "tag", "index", "block" */
	uint64_t key;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

static void span_words(const struct span *s, char *out, size_t cap)
{
	if (!strcmp(s->what, "node") || !strcmp(s->what, "tag"))
		snprintf(out, cap, "the %s of key %#llx at %#llx (%llu bytes)", s->what, (unsigned long long)s->key,
			 (unsigned long long)s->at, (unsigned long long)s->len);
	else
		snprintf(out, cap, "the %s at %#llx (%llu bytes)", s->what, (unsigned long long)s->at, (unsigned long long)s->len);
}

/* Every span 16-byte aligned, no two sharing a byte. */
static int expect_disjoint(struct span *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].at % ALIGN) {
			char w[160], d[300];
			span_words(&s[i], w, sizeof(w));
			snprintf(d, sizeof(d),
				 "%s is not 16-byte aligned: arena_alloc() must round every block up, as malloc() does "
				 "(alignof(max_align_t) is 16)",
				 w);
			kata_expect_true("every block arena_alloc() returned is 16-byte aligned", 0, d);
			return 0;
		}
	qsort(s, n, sizeof *s, cmp_span);
	for (size_t i = 1; i < n; i++)
		if (s[i].at < s[i - 1].at + s[i - 1].len) {
			char a[160], b[160], d[400];
			span_words(&s[i - 1], a, sizeof(a));
			span_words(&s[i], b, sizeof(b));
			snprintf(d, sizeof(d), "%s and %s overlap: arena_alloc() handed out the same bytes twice", a, b);
			kata_expect_true("no two blocks share a byte", 0, d);
			return 0;
		}
	kata_expect_true("every block 16-byte aligned, no two sharing a byte", 1, NULL);
	return 1;
}

/*
 * Walks the tree the agent built from `root` (in order, iteratively) and
 * checks it against the keys; then the index. Returns 1 if all is right.
 */
static int walk_tree(const struct keys *k, uint64_t root, uint64_t index, const char *label)
{
	size_t n = k->n;
	uint64_t *addr = malloc(n * sizeof *addr);
	uint64_t *stack = malloc((n + 1) * sizeof *stack);
	struct span *spans = malloc((2 * n + 1) * sizeof *spans);
	if (!addr || !stack || !spans)
		kata_setup_failed("malloc()");
	char what[160], d[600];
	snprintf(what, sizeof(what), "%s: the judge's in-order walk of the tree in your process's memory", label);
	int ok = 0;
	size_t depth = 0, seen = 0, ns = 0, max_depth = 0;
	uint64_t cur = root, from = 0;
	while (cur || depth) {
		while (cur) {
			if (depth > n) {
				snprintf(d, sizeof(d), "the walk went deeper than the %zu nodes there are: a cycle in the pointers", n);
				goto out;
			}
			struct node nd;
			long r = agent_bytes(cur, &nd, sizeof nd);
			if (r != (long)sizeof nd) {
				snprintf(d, sizeof(d),
					 "the node at %#llx (%s) cannot be read: %s. The pointer was good when the program "
					 "stored it; was that memory moved (mremap with MREMAP_MAYMOVE) or unmapped since?",
					 (unsigned long long)cur,
					 from ? "a child pointer of an earlier node" : "the root", r < 0 ? errno_words(r) : "short read");
				goto out;
			}
			stack[depth++] = cur;
			if (depth > max_depth)
				max_depth = depth;
			from = cur;
			cur = nd.left;
		}
		cur = stack[--depth];
		struct node nd;
		if (agent_bytes(cur, &nd, sizeof nd) != (long)sizeof nd) {
			snprintf(d, sizeof(d), "the node at %#llx could be read a moment ago and now cannot", (unsigned long long)cur);
			goto out;
		}
		if (seen >= n) {
			snprintf(d, sizeof(d), "the walk found more than the %zu distinct keys drawn: a cycle, or a node linked twice", n);
			goto out;
		}
		if (nd.key != k->sorted[seen]) {
			size_t at = find_key(k, nd.key);
			int known = at < n && k->sorted[at] == nd.key;
			snprintf(d, sizeof(d),
				 "key number %zu in order is %#llx at node %#llx, expected %#llx%s", seen + 1,
				 (unsigned long long)nd.key, (unsigned long long)cur, (unsigned long long)k->sorted[seen],
				 known ? ": a key out of place, or one node reached twice (two allocations sharing memory?)"
				       : ": no key drawn has that value: the node was overwritten (two allocations sharing memory?)");
			goto out;
		}
		size_t tl = tag_len(nd.key);
		unsigned char tag[32], want[32];
		long r = agent_bytes(nd.tag, tag, tl);
		for (size_t b = 0; b < tl; b++)
			want[b] = tag_byte(nd.key, b);
		if (r != (long)tl || memcmp(tag, want, tl) != 0) {
			snprintf(d, sizeof(d), "the tag of key %#llx, %zu bytes at %#llx, %s", (unsigned long long)nd.key, tl,
				 (unsigned long long)nd.tag,
				 r != (long)tl ? "cannot be read" : "does not hold what the program wrote there: overwritten by another allocation?");
			goto out;
		}
		addr[seen] = cur;
		spans[ns++] = (struct span){ cur, NODE_SIZE, "node", nd.key };
		spans[ns++] = (struct span){ nd.tag, tl, "tag", nd.key };
		seen++;
		cur = nd.right;
	}
	if (seen != n) {
		snprintf(d, sizeof(d), "the walk found %zu nodes, the keys drawn are %zu distinct ones", seen, n);
		goto out;
	}
	kata_expect_true(what, 1, NULL);
	/* The index: one block of 8 bytes per key drawn, in insertion order. */
	size_t bytes = k->drawn * 8;
	uint64_t *idx = malloc(bytes);
	if (!idx)
		kata_setup_failed("malloc()");
	long r = agent_bytes(index, idx, bytes);
	snprintf(what, sizeof(what), "%s: the index (one arena_alloc() of %zu bytes) points at every node, in insertion order",
		 label, bytes);
	if (r != (long)bytes) {
		snprintf(d, sizeof(d), "the index at %#llx cannot be read whole: %s", (unsigned long long)index,
			 r < 0 ? errno_words(r) : "only part of it is mapped: a block bigger than what was mapped for it?");
		free(idx);
		goto out;
	}
	for (size_t j = 0; j < n; j++) {
		uint64_t want = addr[find_key(k, k->ins[j])];
		if (idx[j] != want) {
			snprintf(d, sizeof(d), "index[%zu] is %#llx, the node of key %#llx is at %#llx: the index was overwritten", j,
				 (unsigned long long)idx[j], (unsigned long long)k->ins[j], (unsigned long long)want);
			free(idx);
			goto out;
		}
	}
	free(idx);
	kata_expect_true(what, 1, NULL);
	spans[ns++] = (struct span){ index, bytes, "index", 0 };
	ok = expect_disjoint(spans, ns);
	kata_note("%s: %zu nodes, depth %zu, walked by the judge", label, n, max_depth);
	free(addr);
	free(stack);
	free(spans);
	return ok;
out:
	kata_expect_true(what, 0, d);
	free(addr);
	free(stack);
	free(spans);
	return 0;
}

/* Builds a tree of n keys from `seed` in the agent and checks it; the call's reply. */
static const struct kata_reply *build_and_walk(size_t n, uint64_t seed, const char *label, struct keys *k, int *ok)
{
	draw_keys(k, n, seed);
	struct kata_args a = { .arg = { (int64_t)n, (int64_t)seed } };
	const struct kata_reply *r = kata_call("build", &a);
	*ok = 0;
	char what[160];
	snprintf(what, sizeof(what), "%s: every arena_alloc() returned memory", label);
	if (r->ret[3] != 0) {
		char d[200];
		snprintf(d, sizeof(d), "arena_alloc() returned NULL at key %lld of %zu", (long long)r->ret[3], n);
		kata_expect_true(what, 0, d);
		return r;
	}
	kata_expect_true(what, 1, NULL);
	*ok = walk_tree(k, (uint64_t)r->ret[0], (uint64_t)r->ret[1], label);
	return r;
}

/* Under an emulator each read is a round trip: a smaller tree. */
static size_t tree_size(size_t native)
{
	return kata_emulated() ? 3000 : native;
}

#define TREE_KEYS 100000
#define TREE_MEMORY_BUDGET 64

static void tree(void)
{
	size_t n = tree_size(TREE_KEYS);
	uint64_t seed = kata_rand();
	kata_note("a binary search tree of %zu keys drawn from seed %#llx: one arena_alloc() for an index of %zu bytes, "
		  "then one per node (32 bytes) and one per node's tag (1-23 bytes); the program keeps a pointer to every block, so a "
		  "block must stay where it was handed out until arena_release()",
		  n, (unsigned long long)seed, n * 8);
	struct kata_faults f0, f1;
	kata_agent_pid();
	kata_agent_faults(&f0);
	struct keys k;
	int ok;
	const struct kata_reply *r = build_and_walk(n, seed, "the tree", &k, &ok);
	kata_agent_faults(&f1);
	double mib = (double)(n * 8 + k.n * (NODE_SIZE + 16)) / (1 << 20);
	if (f0.minor >= 0 && f1.minor >= 0)
		kata_note("page faults during the build: %ld minor, %ld major, for about %.1f MiB of blocks: %.0f per MiB "
			  "(one per 4 KiB page touched is 256 per MiB)",
			  f1.minor - f0.minor, f1.major - f0.major, mib, (double)(f1.minor - f0.minor) / mib);
	else
		kata_note("page faults: not measured under an emulator");
	if (r->traced) {
		char by[200];
		long memory;
		memory_breakdown(r, by, sizeof(by), &memory);
		char d[400];
		snprintf(d, sizeof(d),
			 "the build made %ld syscalls (by name, of the first %d: %s); budget %d for %zu nodes: an arena maps "
			 "memory in a few big chunks, not one per node",
			 r->nsc_total, KATA_MAX_TRACED, by, TREE_MEMORY_BUDGET, n);
		kata_note("the build made %ld syscalls: %s", r->nsc_total, by);
		char what[160];
		snprintf(what, sizeof(what), "@memory syscalls (mmap, munmap, mremap, brk, ...) to build %zu nodes, at most %d", n,
			 TREE_MEMORY_BUDGET);
		kata_expect_true(what, r->nsc_total <= TREE_MEMORY_BUDGET, d);
	}
	(void)ok;
	free_keys(&k);
}

/* Blocks of sizes from a few bytes to several MiB, interleaved: each its own, aligned, as big as asked. */
static void blocks(void)
{
	uint64_t sizes[16];
	int nb = 16;
	for (int i = 0; i < nb; i++)
		sizes[i] = i % 4 == 3 ? kata_rand_range(256 << 10, 6 << 20) : kata_rand_range(1, 300);
	char list[400];
	size_t at = 0;
	for (int i = 0; i < nb && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%llu", i ? ", " : "", (unsigned long long)sizes[i]);
	kata_note("arena_alloc() of %d sizes in a row: %s", nb, list);
	struct kata_args a = { .in = sizes, .in_len = sizeof(sizes), .out_cap = sizeof(sizes) };
	const struct kata_reply *r = kata_call("blocks", &a);
	if (r->out_len != sizeof(sizes))
		kata_setup_failed("the agent's answer to blocks");
	uint64_t addr[16];
	memcpy(addr, r->out, sizeof(addr));
	struct span spans[16];
	for (int i = 0; i < nb; i++) {
		char what[160];
		snprintf(what, sizeof(what), "arena_alloc(%llu), block %d", (unsigned long long)sizes[i], i + 1);
		if (!addr[i])
			return kata_expect_true(what, 0, "it returned NULL");
		/* Its first and last bytes hold what the agent wrote there: all of it is mapped and its own. */
		unsigned char head[8], tail[8], want[8];
		size_t m = sizes[i] < 8 ? sizes[i] : 8;
		memset(want, i + 1, sizeof(want));
		long h = agent_bytes(addr[i], head, m), t = agent_bytes(addr[i] + sizes[i] - m, tail, m);
		char d[300];
		snprintf(d, sizeof(d), "block %d at %#llx: its %s bytes %s", i + 1, (unsigned long long)addr[i],
			 h != (long)m ? "first" : "last",
			 (h != (long)m ? h : t) < 0 ? "cannot be read: nothing is mapped there now (a block bigger than the chunk it was cut from, or a chunk moved or unmapped after it was handed out?)"
						   : "do not hold what was written there: another block shares them");
		if (h != (long)m || t != (long)m || memcmp(head, want, m) || memcmp(tail, want, m))
			return kata_expect_true(what, 0, d);
		spans[i] = (struct span){ addr[i], sizes[i], "block", 0 };
	}
	kata_expect_true("every block is mapped from its first byte to its last, and holds what was written", 1, NULL);
	expect_disjoint(spans, (size_t)nb);
}

/* A tree, a release (its memory is unmapped), and a new tree in the same arena. */
static void release(void)
{
	size_t n = tree_size(20000);
	struct keys k;
	int ok;
	const struct kata_reply *r = build_and_walk(n, kata_rand(), "the first tree", &k, &ok);
	free_keys(&k);
	if (!ok)
		return;
	uint64_t root = (uint64_t)r->ret[0], index = (uint64_t)r->ret[1];
	const struct kata_reply *rr = kata_call("release", &(struct kata_args){ 0 });
	if (rr->traced) {
		char by[200];
		long memory;
		memory_breakdown(rr, by, sizeof(by), &memory);
		kata_note("arena_release() made %ld syscalls: %s", rr->nsc_total, by);
	}
	unsigned char b;
	long r1 = agent_bytes(root, &b, 1), r2 = agent_bytes(index, &b, 1);
	char d[300];
	snprintf(d, sizeof(d),
		 "after arena_release() the %s at %#llx can still be read: release must give the chunks back (munmap), "
		 "or a program that builds and drops structures keeps every one",
		 r1 >= 0 ? "root node" : "index", (unsigned long long)(r1 >= 0 ? root : index));
	kata_expect_true("arena_release() unmapped the tree's memory (the root node and the index)", r1 < 0 && r2 < 0, d);
	build_and_walk(n, kata_rand(), "a second tree, after the release", &k, &ok);
	free_keys(&k);
}

/* ---- the bench's reference: a bump allocator in chunks ----------------------------- */

struct ref_chunk {
	struct ref_chunk *prev;
	size_t size;
};
static struct ref_chunk *ref_top;
static unsigned char *ref_next, *ref_end;

__attribute__((noinline)) static void *ref_alloc(size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if ((size_t)(ref_end - ref_next) < n) {
		size_t size = ref_top ? ref_top->size * 2 : 1 << 20;
		while (size - ALIGN < n)
			size *= 2;
		struct ref_chunk *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			return NULL;
		c->prev = ref_top;
		c->size = size;
		ref_top = c;
		ref_next = (unsigned char *)c + ALIGN;
		ref_end = (unsigned char *)c + size;
	}
	void *p = ref_next;
	ref_next += n;
	return p;
}

__attribute__((noinline)) static void ref_release(void)
{
	while (ref_top) {
		struct ref_chunk *prev = ref_top->prev;
		munmap(ref_top, ref_top->size);
		ref_top = prev;
	}
	ref_next = ref_end = NULL;
}

static void reference_alloc(uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		struct node *n = ref_alloc(sizeof *n);
		n->key = i;
		kata_sink((long)n);
	}
	ref_release();
}

static const char *check_timed_alloc(const int64_t ret[4], uint64_t iters, int64_t before_ns, int64_t after_ns)
{
	static char why[160];
	(void)before_ns;
	(void)after_ns;
	if (ret[0] == 0)
		return NULL;
	snprintf(why, sizeof(why), "arena_alloc() returned NULL %lld times in %llu calls while timed", (long long)ret[0],
		 (unsigned long long)iters);
	return why;
}

const struct kata_case kata_cases[] = {
	{ "tree", tree, 0 },
	{ "blocks", blocks, 0 },
	{ "release", release, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = {
	{ "alloc", "alloc-loop", reference_alloc, NULL, check_timed_alloc },
	{ 0 },
};
const struct kata_count kata_counts[] = {
	{ "build", "count-build" },
	{ 0 },
};
