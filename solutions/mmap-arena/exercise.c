/*
 * Kata mmap-arena — reference solution.
 *
 * A bump allocator over chunks from mmap. Each chunk starts with a small
 * header (the previous chunk and its size) so that arena_release() can walk
 * them all back; a chunk is twice the size of the one before (1 MiB first),
 * or bigger if one block needs it. Blocks are rounded up to 16 bytes, as
 * malloc()'s are. The chunks never move, so no pointer into them ever goes
 * stale.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

void *arena_alloc(size_t n);
void arena_release(void);

#define ARENA_ALIGN 16
#define FIRST_CHUNK (1u << 20)

struct chunk {
	struct chunk *prev;
	size_t size;
};

static struct chunk *top;           /* the newest chunk */
static unsigned char *next, *end;   /* the free part of it */

static int new_chunk(size_t need)
{
	size_t size = top ? top->size * 2 : FIRST_CHUNK;
	while (size - ARENA_ALIGN < need)
		size *= 2;
	struct chunk *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return -1;
	c->prev = top;
	c->size = size;
	top = c;
	next = (unsigned char *)c + ARENA_ALIGN; /* the header fits in the first 16 bytes */
	end = (unsigned char *)c + size;
	return 0;
}

void *arena_alloc(size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if ((size_t)(end - next) < n && new_chunk(n) != 0)
		return NULL;
	void *p = next;
	next += n;
	return p;
}

void arena_release(void)
{
	while (top) {
		struct chunk *prev = top->prev;
		munmap(top, top->size);
		top = prev;
	}
	next = end = NULL;
}
