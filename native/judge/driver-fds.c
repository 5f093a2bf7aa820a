/*
 * Descriptors a driver uses on its own side, in a form several katas share:
 * /dev/null for a bench's reference loop, and what a non-blocking descriptor
 * (the judge's end of a pipe) holds now.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int kata_dev_null(void)
{
	static int fd = -1;
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		kata_setup_failed("open(/dev/null)");
	return fd;
}

size_t kata_drain(int fd, void *buf, size_t len, size_t cap)
{
	while (len < cap) {
		ssize_t n = read(fd, (unsigned char *)buf + len, cap - len);
		if (n > 0)
			len += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	return len;
}
