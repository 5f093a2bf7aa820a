/*
 * Kata mmap-write — reference solution: size the file, map it shared,
 * store, msync, unmap. No write at all.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

long produce_file(int fd, uint64_t records, uint64_t seed);

static uint64_t record_value(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

long produce_file(int fd, uint64_t records, uint64_t seed)
{
	size_t size = (size_t)records * 16;
	if (ftruncate(fd, (off_t)size) != 0)
		return -errno;
	if (size == 0)
		return 0;
	uint64_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (uint64_t i = 0; i < records; i++) {
		p[2 * i] = i;
		p[2 * i + 1] = record_value(seed, i);
	}
	long ret = msync(p, size, MS_SYNC) == 0 ? (long)size : -errno;
	munmap(p, size);
	return ret;
}
