/*
 * Kata storm-find — reference solution.
 *
 * The storm was four system calls per line (stat, open, write, close): the
 * file was looked up, opened and closed again for every line, and every
 * line went to the kernel on its own. Now the log is looked at once per
 * call (its size is then known: we are the only writer, so we count it
 * ourselves), opened once per file, and lines go out in 64 KiB batches.
 * Before a rotation and before returning, the batch is flushed, so that
 * each file is complete when it changes hands.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void log_events(const char *path, const struct event *ev, size_t n);

#define LOG_ROTATE_BYTES 16384
#define LOG_HEADER "# app log v2: seconds level [source] metric=value\n"

static const char *const level_names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
static const char *const metric_names[] = { "temp", "load", "queue", "rss", "conns", "lat_us", "errors", "retries" };

static int format_event(char *line, size_t cap, const struct event *e)
{
	return snprintf(line, cap, "%llu.%06llu %-5s [%04x] %s=%d\n", (unsigned long long)(e->t_us / 1000000),
			(unsigned long long)(e->t_us % 1000000), level_names[e->level & 3], (unsigned)e->source,
			metric_names[e->source % 8], (int)e->value);
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

/* The batch: lines waiting for one write. */
static char buf[64 << 10];
static size_t used;

static void flush(int fd)
{
	if (fd >= 0)
		write_all(fd, buf, used);
	used = 0;
}

static void put(int fd, const char *p, size_t len)
{
	if (used + len > sizeof(buf))
		flush(fd);
	memcpy(buf + used, p, len);
	used += len;
}

void log_events(const char *path, const struct event *ev, size_t n)
{
	if (n == 0)
		return;
	struct stat st;
	long long size = stat(path, &st) == 0 ? (long long)st.st_size : -1; /* -1: no log yet */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	for (size_t i = 0; i < n; i++) {
		char line[128];
		size_t len = (size_t)format_event(line, sizeof(line), &ev[i]);
		if (size >= 0 && size + (long long)len > LOG_ROTATE_BYTES) {
			char old[PATH_MAX];
			snprintf(old, sizeof(old), "%s.1", path);
			flush(fd);
			if (fd >= 0)
				close(fd);
			rename(path, old);
			fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			size = -1;
		}
		if (size < 0) {
			put(fd, LOG_HEADER, strlen(LOG_HEADER));
			size = (long long)strlen(LOG_HEADER);
		}
		put(fd, line, len);
		size += (long long)len;
	}
	flush(fd);
	if (fd >= 0)
		close(fd);
}
