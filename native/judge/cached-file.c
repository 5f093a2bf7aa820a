/*
 * A file of the judge's for the io_uring katas to read: on a disk
 * filesystem, its pages in the page cache once written. Not a memfd where
 * it can be helped: on tmpfs io_uring hands every read to its io-wq worker
 * threads (which a timed agent may not start), where a disk file's cached
 * pages are read inline, in io_uring_enter.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int kata_cached_file(const void *bytes, size_t len, const char *what)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = memfd_create(what, MFD_CLOEXEC); /* /tmp takes no unnamed file */
	char why[160];
	if (fd < 0) {
		int e = errno;
		snprintf(why, sizeof(why), "%s: a temporary file (O_TMPFILE in /tmp, or memfd_create())", what);
		errno = e;
		kata_setup_failed(why);
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, (const char *)bytes + done, len - done, (off_t)done);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			snprintf(why, sizeof(why), "%s: pwrite() of its %zu bytes", what, len);
			errno = e;
			kata_setup_failed(why);
		}
		done += (size_t)n;
	}
	return fd;
}
