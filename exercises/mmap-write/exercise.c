/*
 * Kata mmap-write — write a file through a mapping.
 *
 * produce_file(fd, records, seed) gets an O_RDWR descriptor and must leave
 * in it exactly `records` records of 16 bytes (the file's size is
 * records * 16, whatever it was before), record i being
 *     { (uint64_t)i, record_value(seed, i) }     (two native-endian words)
 * and return the file's size in bytes (or a negative errno if a syscall
 * failed). Today it writes one record per write(). Make it write none:
 * size the file, map it shared, store the records, flush, unmap.
 *
 * libc is yours (ftruncate, mmap, msync, munmap); write(), pwrite() and
 * their siblings are what the count budget counts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

long produce_file(int fd, uint64_t records, uint64_t seed);

/* Record i's second word, as the judge computes it. Leave it as it is. */
static uint64_t record_value(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

long produce_file(int fd, uint64_t records, uint64_t seed)
{
	/*
	 * TODO:
	 *  1. size = records * 16. ftruncate(fd, size): the file must have
	 *     that many bytes before a mapping of them has pages behind it.
	 *  2. mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0):
	 *     MAP_SHARED, so that a store is a store into the file's pages.
	 *  3. Store the records: p[2 * i] = i, p[2 * i + 1] = record_value(seed, i).
	 *  4. msync(p, size, MS_SYNC), then munmap(p, size). Return size.
	 */
	if (lseek(fd, 0, SEEK_SET) < 0 || ftruncate(fd, 0) != 0)
		return -errno;
	for (uint64_t i = 0; i < records; i++) {
		uint64_t rec[2] = { i, record_value(seed, i) };
		if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			return -errno;
	}
	return (long)(records * 16);
}
