/*
 * Kata mmap-read — reference solution: one mapping, its page tables filled
 * by the mmap call itself (MAP_POPULATE), no read at all.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t file_checksum(int fd, uint64_t mult);

static uint64_t checksum_words(const uint64_t *w, size_t n, uint64_t h, uint64_t mult)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ w[i]) * mult;
	return h;
}

uint64_t file_checksum(int fd, uint64_t mult)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size <= 0)
		return 0;
	size_t size = (size_t)st.st_size;
	const uint64_t *w = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (w == MAP_FAILED)
		return 0;
	uint64_t h = checksum_words(w, size / 8, 0, mult);
	munmap((void *)w, size);
	return h;
}
