/*
 * The judge's records to the runner: one JSON object per line on fd 3 (or
 * stdout when a maintainer runs the judge by hand), one write(2) each, so a
 * crash of the judge can lose a record but never split one. The agent never
 * holds this descriptor: nothing it writes can become a record.
 */
#define _GNU_SOURCE
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RESULTS_FD 3

const char *judge_current_case = "";

static int results_fd(void)
{
	static int fd = -1;
	if (fd < 0)
		fd = fcntl(RESULTS_FD, F_GETFD) >= 0 ? RESULTS_FD : STDOUT_FILENO;
	return fd;
}

static void raw(struct out *o, const char *s, size_t n)
{
	/* room for the closing "}\n" is kept: truncate rather than overflow */
	size_t room = sizeof(o->buf) - 2 - o->len;
	if (n > room)
		n = room;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void rec_str(struct out *o, const char *s)
{
	raw(o, s, strlen(s));
}

/* Bytes >= 0x80 and controls are escaped, so the line stays valid UTF-8. */
void rec_json(struct out *o, const char *s, size_t n)
{
	raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			raw(o, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			raw(o, esc, 6);
		} else {
			raw(o, (const char *)&c, 1);
		}
	}
	raw(o, "\"", 1);
}

void rec_jstr(struct out *o, const char *s)
{
	rec_json(o, s, strlen(s));
}

void rec_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		raw(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void rec_hex(struct out *o, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	raw(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char pair[2] = { digits[b[i] >> 4], digits[b[i] & 15] };
		raw(o, pair, 2);
	}
	raw(o, "\"", 1);
}

void rec_begin(struct out *o, const char *type)
{
	o->len = 0;
	rec_str(o, "{\"t\":");
	rec_jstr(o, type);
}

void rec_case(struct out *o)
{
	rec_str(o, ",\"case\":");
	rec_jstr(o, judge_current_case);
}

void rec_send(struct out *o)
{
	memcpy(o->buf + o->len, "}\n", 2);
	o->len += 2;
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(results_fd(), o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3); /* the runner went away */
		off += (size_t)n;
	}
	o->len = 0;
}
