/*
 * Kata batch-buffered — buffered output.
 *
 * Your program emits a stream of small records, a byte or a short string
 * at a time. One write(2) per byte costs a system call (~100 ns or more)
 * per byte; the fix is a buffer: collect bytes in your own memory and hand
 * the kernel 4096 of them at a time.
 *
 *   out_init(fd)       where the output goes (the agent calls it first)
 *   out_byte(c)        one byte, c in 0..255
 *   out_str(s)         a NUL-terminated string (the NUL is not output)
 *   out_flush()        hand everything buffered to the kernel, now
 *   in_read(fd,b,n)    read(2), but what is buffered is flushed first
 *
 * The agent calls out_flush() when it is done, as a program does before
 * it exits. Budget: at most ceil(bytes / 4096) + 1 write-like syscalls for
 * a run. stdio (fwrite, putc, printf, fflush, fdopen...) is not allowed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int out_fd = -1;

void out_init(int fd)
{
	out_fd = fd;
	/* TODO: start with an empty buffer. */
}

void out_byte(int c)
{
	/* TODO: this is the loop the kata replaces: one system call per byte.
	 * Put the byte in a buffer instead, and write only when it is full. */
	unsigned char b = (unsigned char)c;
	(void)!write(out_fd, &b, 1);
}

void out_str(const char *s)
{
	/* TODO: copy into the buffer (as many bytes at a time as fit). */
	while (*s)
		out_byte(*s++);
}

void out_flush(void)
{
	/* TODO: write what the buffer holds (all of it: write() may take less
	 * than it was given), then empty it. Nothing to do when it is empty. */
}

long in_read(int fd, void *buf, unsigned long cap)
{
	/* TODO: the user must see the prompt before we wait for the answer. */
	return read(fd, buf, cap);
}
