/*
 * Kata batch-buffered — reference solution: a 4096-byte buffer, flushed
 * when full, when asked, and before every read.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAP 4096

static unsigned char out_buf[OUT_CAP];
static size_t out_len;
static int out_fd = -1;

void out_init(int fd)
{
	out_fd = fd;
	out_len = 0;
}

void out_flush(void)
{
	size_t off = 0;
	while (off < out_len) {
		ssize_t n = write(out_fd, out_buf + off, out_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* an error: what is left is lost, as with stdio */
		off += (size_t)n;
	}
	out_len = 0;
}

void out_byte(int c)
{
	if (out_len == OUT_CAP)
		out_flush();
	out_buf[out_len++] = (unsigned char)c;
}

void out_str(const char *s)
{
	while (*s) {
		if (out_len == OUT_CAP)
			out_flush();
		size_t n = strnlen(s, OUT_CAP - out_len);
		memcpy(out_buf + out_len, s, n);
		out_len += n;
		s += n;
	}
}

long in_read(int fd, void *buf, unsigned long cap)
{
	out_flush();
	ssize_t n;
	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	return n;
}
