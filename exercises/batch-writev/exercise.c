/*
 * Kata batch-writev — gather with writev.
 *
 * A message is a header, a body and a trailer, each in its own buffer
 * (a protocol's framing around a payload it did not build). Send it as
 * one message: exactly one writev(2) per call, no write(2), and no copy
 * of the parts into one buffer.
 *
 * send_message() returns what writev returns: the bytes written, or -1
 * with errno set. Any part may be empty (length 0).
 */
#include <errno.h>
#include <stddef.h>
#include <sys/uio.h>
#include <unistd.h>

long send_message(int fd, const void *hdr, size_t hlen, const void *body, size_t blen, const void *trl, size_t tlen)
{
	/*
	 * TODO: this is the loop the kata replaces: a system call per part,
	 * three crossings into the kernel for one message. Describe the three
	 * buffers with struct iovec (see <sys/uio.h>) and send them with one
	 * writev().
	 */
	long total = 0;
	const void *part[3] = { hdr, body, trl };
	size_t len[3] = { hlen, blen, tlen };
	for (int i = 0; i < 3; i++) {
		ssize_t n = write(fd, part[i], len[i]);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}
