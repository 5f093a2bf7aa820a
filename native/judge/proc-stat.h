/*
 * proc-stat.h — /proc/<pid>/stat read once, for the programs that need a
 * process's parent or group (the supervisor's sweep, the agent's filter of
 * whom it may not signal) or the CPU it last ran on (vdso-getcpu's judge). Header-only: supervise.c is a program of its own.
 */
#ifndef KATA_PROC_STAT_H
#define KATA_PROC_STAT_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

struct proc_stat {
	char state;
	pid_t ppid, pgid;
	char comm[17];
	int processor;       /* field 39: the CPU it last ran on; -1 if the line is shorter */
	long minflt, majflt; /* fields 10 and 12: its page faults so far, minor and major */
};

/* "pid (comm) state ppid pgid ...": comm may hold ") " itself, so the last ')' ends it. 0, or -1. */
static inline int proc_stat_read(pid_t pid, struct proc_stat *out)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *open_paren = strchr(buf, '(');
	char *close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	size_t clen = (size_t)(close_paren - open_paren - 1);
	if (clen > 16)
		clen = 16;
	memcpy(out->comm, open_paren + 1, clen);
	out->comm[clen] = 0;
	int ppid, pgid;
	if (sscanf(close_paren + 1, " %c %d %d", &out->state, &ppid, &pgid) != 3)
		return -1;
	out->ppid = ppid;
	out->pgid = pgid;
	out->processor = -1;
	out->minflt = out->majflt = -1;
	char *p = close_paren + 1; /* at the space before field 3 */
	for (int field = 3; p && field < 39; field++) {
		p = strchr(p + 1, ' ');
		if (p && field + 1 == 10)
			sscanf(p + 1, "%ld", &out->minflt);
		if (p && field + 1 == 12)
			sscanf(p + 1, "%ld", &out->majflt);
	}
	if (p)
		sscanf(p + 1, "%d", &out->processor);
	return 0;
}

#endif
