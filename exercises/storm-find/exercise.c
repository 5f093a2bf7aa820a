/*
 * Kata storm-find — find the storm.
 *
 * A small logger: log_events() writes one line per event to the log file
 * at `path`, starting a new log (with a header line) when there is none,
 * and rotating it (path -> path.1) before a line that would take it past
 * 16 KiB. It works, and its output is right: the judge compares the files
 * it leaves, byte for byte, with its own.
 *
 * It is also slow. Run
 *
 *     npx syscall-katas trace storm-find
 *
 * to see the system calls it makes, by name, beside the reference
 * solution's (or build a copy of your own and run `strace -c` on it). Then
 * make it at least 10 times cheaper in system calls without changing a
 * byte of what it writes. The files must be complete when log_events()
 * returns.
 *
 * TODO: find the system calls it makes per line, decide which of them the
 * program does not need to make again, and change the code below. Keep
 * format_event(), the header and the rotation rule as they are.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* struct event (the kata's agent.c, which comes before this file):
 *     uint64_t t_us;   microseconds since the epoch
 *     uint32_t source; 16 bits
 *     int32_t value;
 *     uint32_t level;  0 DEBUG, 1 INFO, 2 WARN, 3 ERROR
 */
void log_events(const char *path, const struct event *ev, size_t n);

#define LOG_ROTATE_BYTES 16384
#define LOG_HEADER "# app log v2: seconds level [source] metric=value\n"

static const char *const level_names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
static const char *const metric_names[] = { "temp", "load", "queue", "rss", "conns", "lat_us", "errors", "retries" };

/* One line of the log, with its newline: its length. */
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

/* Appends one line to the log, rotating it first if the line would not fit. */
static void append_line(const char *path, const char *line, size_t len)
{
	struct stat st;
	int exists = stat(path, &st) == 0;
	if (exists && st.st_size + (off_t)len > LOG_ROTATE_BYTES) {
		char old[PATH_MAX];
		snprintf(old, sizeof(old), "%s.1", path);
		rename(path, old);
		exists = 0;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (!exists)
		write_all(fd, LOG_HEADER, strlen(LOG_HEADER));
	write_all(fd, line, len);
	close(fd);
}

void log_events(const char *path, const struct event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char line[128];
		int len = format_event(line, sizeof(line), &ev[i]);
		append_line(path, line, (size_t)len);
	}
}
