/*
 * Kata mmap-arena — an arena instead of malloc-per-node.
 *
 * The program (the kata's agent.c) builds a binary search tree of 100000
 * keys, and asks this allocator for every node, every node's tag and one
 * big index. Write it over memory you map yourself:
 *
 *   void *arena_alloc(size_t n);  n bytes, 16-byte aligned, never handed out
 *                                 twice, valid until arena_release()
 *   void arena_release(void);     gives every byte back (munmap); the arena
 *                                 can be used again afterwards
 *
 * malloc, calloc, realloc and free are not available: the lesson is what
 * they do for you. Budget: a handful of mmap/munmap/mremap/brk calls per
 * run, whatever the number of nodes.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

void *arena_alloc(size_t n);
void arena_release(void);

void *arena_alloc(size_t n)
{
	/*
	 * TODO: keep a chunk of mapped memory and a pointer to its free part;
	 * round n up to 16, hand out the next n bytes and move the pointer.
	 * When the chunk is full, map another (bigger) one: never move a chunk
	 * that blocks were cut from, the tree points into it.
	 */
	(void)n;
	return NULL;
}

void arena_release(void)
{
	/* TODO: munmap every chunk (remember them: a header at each chunk's start is one way). */
}
