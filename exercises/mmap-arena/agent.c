/*
 * The agent side of mmap-arena: the program that uses the learner's
 * allocator. It builds a binary search tree of keys drawn from a seed, every
 * node and every node's tag from arena_alloc(), with an index of the nodes
 * (one big allocation) first; the judge then walks the tree in this
 * process's memory itself. Also: a few blocks of given sizes, a release, and
 * the timed and counted loops.
 */
/* The learner's file comes after this one, in the same unit: it gets the GNU
 * names (mremap, MREMAP_MAYMOVE, MAP_POPULATE) only if they are asked for here. */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

void *arena_alloc(size_t n);
void arena_release(void);

/* The layout the judge walks (check.c has the same). */
struct node {
	uint64_t key;
	struct node *left, *right;
	unsigned char *tag; /* tag_len(key) bytes, tag_byte(key, i) */
};

/* The same generator as the judge's: splitmix64. */
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

void loop_alloc(struct kata_call *c);
#ifdef KATA_AGENT_LOOPS
/* arg[0] = allocations of one node each, every one touched, then one
 * release: the judge's reference does the same with its bump allocator.
 * ret[0] = how many arena_alloc() calls returned NULL. */
void loop_alloc(struct kata_call *c)
{
	int64_t failed = 0;
	for (int64_t i = 0; i < c->arg[0]; i++) {
		struct node *n = arena_alloc(sizeof *n);
		if (!n) {
			failed++;
			continue;
		}
		n->key = (uint64_t)i;
		kata_sink((long)n);
	}
	arena_release();
	c->ret[0] = failed;
}
#else

/*
 * arg[0] = keys to insert, arg[1] = the seed. ret = { the root, the index
 * (arg[0] node pointers, in insertion order), the number of nodes, where
 * the build stopped: 0 if it finished, else 1 + the key's number at which
 * arena_alloc() returned NULL }.
 */
static void build(struct kata_call *c)
{
	uint64_t seed = (uint64_t)c->arg[1];
	int64_t want = c->arg[0];
	c->ret[0] = c->ret[1] = c->ret[2] = c->ret[3] = 0;
	if (want <= 0)
		return;
	struct node **index = arena_alloc((size_t)want * sizeof *index);
	if (!index) {
		c->ret[3] = 1;
		return;
	}
	struct node *root = NULL;
	int64_t count = 0;
	for (int64_t i = 0; i < want; i++) {
		uint64_t key = mix_next(&seed);
		struct node **at = &root;
		while (*at && (*at)->key != key)
			at = key < (*at)->key ? &(*at)->left : &(*at)->right;
		if (*at)
			continue; /* already there */
		struct node *n = arena_alloc(sizeof *n);
		unsigned char *tag = n ? arena_alloc(tag_len(key)) : NULL;
		if (!n || !tag) {
			c->ret[3] = 1 + i;
			break;
		}
		n->key = key;
		n->left = n->right = NULL;
		n->tag = tag;
		for (size_t b = 0; b < tag_len(key); b++)
			tag[b] = tag_byte(key, b);
		*at = n;
		index[count++] = n;
	}
	c->ret[0] = (int64_t)(uintptr_t)root;
	c->ret[1] = (int64_t)(uintptr_t)index;
	c->ret[2] = count;
}

/* in = up to 64 sizes (uint64_t): one arena_alloc() each, in order; the
 * first and last 8 bytes of each block (or all of a smaller one) get the
 * block's number + 1 in every byte. out = the addresses (uint64_t each). */
static void blocks(struct kata_call *c)
{
	size_t n = c->in_len / 8;
	if (n > 64)
		n = 64;
	if (n * 8 > c->out_cap)
		n = c->out_cap / 8;
	for (size_t i = 0; i < n; i++) {
		uint64_t size = 0;
		for (int b = 0; b < 8; b++)
			size |= (uint64_t)c->in[8 * i + b] << (8 * b);
		unsigned char *p = arena_alloc((size_t)size);
		if (p) {
			for (uint64_t b = 0; b < 8 && b < size; b++) {
				p[b] = (unsigned char)(i + 1);
				p[size - 1 - b] = (unsigned char)(i + 1);
			}
		}
		uint64_t a = (uint64_t)(uintptr_t)p;
		for (int b = 0; b < 8; b++)
			c->out[8 * i + b] = (unsigned char)(a >> (8 * b));
	}
	c->out_len = n * 8;
}

static void release(struct kata_call *c)
{
	arena_release();
	c->ret[0] = 0;
}

/* The counting run: a build of arg[0] keys, then a release. */
static void count_build(struct kata_call *c)
{
	int64_t want = c->arg[0];
	int64_t args[6] = { want, 0x5eedf00dll };
	struct kata_call b = *c;
	b.arg = args;
	build(&b);
	arena_release();
	c->ret[0] = b.ret[2];
	c->ret[3] = b.ret[3];
}

/*
 * Under an emulator the judge cannot read this process's memory itself:
 * arg[0] = an address, arg[1] = a length; the bytes go to the judge's file,
 * fd[0], with pwrite, so that an address that is not mapped is the kernel's
 * -EFAULT, not a crash here. ret[0] = what pwrite returned.
 */
static void dump(struct kata_call *c)
{
	long r = pwrite(c->fd[0], (const void *)(uintptr_t)c->arg[0], (size_t)c->arg[1], 0);
	c->ret[0] = r < 0 ? -errno : r;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "build", build },
	{ "blocks", blocks },
	{ "release", release },
	{ "count-build", count_build },
	{ "alloc-loop", loop_alloc },
	{ "dump", dump },
	{ 0 },
};
#endif /* KATA_AGENT_LOOPS */
