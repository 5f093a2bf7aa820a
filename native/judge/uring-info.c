/*
 * The agent's io_uring instances as the kernel describes them: for every
 * descriptor of the agent that is a ring (/proc/<agent>/fd → anon_inode:
 * [io_uring]), its fdinfo: the SQ head the kernel has consumed up to, the CQ
 * tail it has posted up to, the SQPOLL thread, and what is registered
 * (UserFiles with their paths, UserBufs with address and length).
 *
 * An oracle from the kernel's side: the learner's rings are in the agent's
 * memory, which the agent can write; fdinfo is what the kernel itself holds.
 * Formats of Linux 6.x; an older kernel without a line leaves its field -1.
 */
#define _GNU_SOURCE
#include "judge.h"

#include <dirent.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* seq_file_path() escapes space, tab, newline and backslash as \ooo. */
static void unescape_path(char *dst, size_t cap, const char *src)
{
	size_t o = 0;
	while (*src && o + 1 < cap) {
		if (src[0] == '\\' && src[1] >= '0' && src[1] <= '3' && src[2] >= '0' && src[2] <= '7' && src[3] >= '0' && src[3] <= '7') {
			dst[o++] = (char)((src[1] - '0') * 64 + (src[2] - '0') * 8 + (src[3] - '0'));
			src += 4;
		} else
			dst[o++] = *src++;
	}
	dst[o] = 0;
}

static void parse_fdinfo(FILE *f, struct kata_uring_info *u)
{
	char line[512];
	enum { NONE, FILES, BUFS } list = NONE;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		long v;
		if (sscanf(line, "SqHead: %ld", &v) == 1)
			u->sq_head = v, list = NONE;
		else if (sscanf(line, "SqTail: %ld", &v) == 1)
			u->sq_tail = v, list = NONE;
		else if (sscanf(line, "CqTail: %ld", &v) == 1)
			u->cq_tail = v, list = NONE;
		else if (sscanf(line, "SqThread: %ld", &v) == 1)
			u->sq_thread = (int)v, list = NONE;
		else if (sscanf(line, "UserFiles: %ld", &v) == 1)
			u->user_files = (int)v, list = FILES;
		else if (sscanf(line, "UserBufs: %ld", &v) == 1)
			u->user_bufs = (int)v, list = BUFS;
		else if (line[0] != ' ')
			list = NONE;
		else if (list == FILES) {
			int i, at;
			if (sscanf(line, " %d: %n", &i, &at) == 1 && i >= 0 && i < KATA_URING_LISTED)
				unescape_path(u->files[i], sizeof(u->files[i]), line + at);
		} else if (list == BUFS) {
			int i;
			unsigned long long addr, len;
			if (sscanf(line, " %d: 0x%llx/%llu", &i, &addr, &len) == 3 && i >= 0 && i < KATA_URING_LISTED)
				u->bufs[i].addr = addr, u->bufs[i].len = len;
		}
	}
}

int kata_agent_urings(struct kata_uring_info *out, int cap)
{
	char path[96], target[128];
	snprintf(path, sizeof(path), "/proc/%d/fd", kata_agent_pid());
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) && n < cap;) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", kata_agent_pid(), e->d_name);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (strcmp(target, "anon_inode:[io_uring]") != 0)
			continue;
		struct kata_uring_info *u = &out[n];
		memset(u, 0, sizeof(*u));
		u->fd = atoi(e->d_name);
		u->sq_head = u->sq_tail = u->cq_tail = -1;
		u->sq_thread = u->user_files = u->user_bufs = -1;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", kata_agent_pid(), e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		parse_fdinfo(f, u);
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

long kata_agent_sqes(void *buf, size_t cap)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", kata_agent_pid());
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long found = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off;
		/* The SQE array is its own mapping of the ring at IORING_OFF_SQES
		 * (its own mmap offset), even where the rings share one (FEAT_SINGLE_MMAP). */
		if (sscanf(line, "%lx-%lx %*s %lx", &lo, &hi, &off) != 3 || !strstr(line, "io_uring") || off != IORING_OFF_SQES)
			continue;
		size_t len = hi - lo < cap ? hi - lo : cap;
		long n = kata_agent_read(lo, buf, len);
		found = n < 0 ? -1 : n / 64;
		break;
	}
	fclose(f);
	return found;
}

/* ---- what this kernel's io_uring can do, asked from the judge's side ------- */

int kata_uring_op_supported(int op)
{
	/* A test's way to see the skip on a kernel that has everything (the runner passes it through). */
	const char *pretend = getenv("KATA_PRETEND_KERNEL_LACKS");
	if (pretend && *pretend && atoi(pretend) == op)
		return 0;
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	int fd = (int)syscall(SYS_io_uring_setup, 2, &p);
	if (fd < 0)
		return -errno;
	enum { OPS = 256 };
	static unsigned char buf[sizeof(struct io_uring_probe) + OPS * sizeof(struct io_uring_probe_op)];
	memset(buf, 0, sizeof(buf));
	struct io_uring_probe *probe = (struct io_uring_probe *)buf;
	long r = syscall(SYS_io_uring_register, fd, IORING_REGISTER_PROBE, probe, OPS);
	int err = errno;
	close(fd);
	if (r < 0)
		return err == EINVAL ? 0 : -err; /* no IORING_REGISTER_PROBE: a kernel older than 5.6 */
	return op <= probe->last_op && (probe->ops[op].flags & IO_URING_OP_SUPPORTED);
}

void kata_require_uring_op(int op, const char *name)
{
	int r = kata_uring_op_supported(op);
	if (r < 0)
		kata_unsupported("io_uring refuses the judge's own ring here (io_uring_setup: %s)", strerror(-r));
	if (r == 0)
		kata_unsupported("this kernel's io_uring lacks %s (IORING_REGISTER_PROBE says so): a newer kernel has it", name);
}

/* ---- the requests the kernel ran for the agent, counted by the kernel ---- */

/*
 * A perf counter on io_uring:io_uring_submit_req with a filter: the kernel
 * fires it for every request it has taken from a ring and set up (after
 * io_init_req: an SQE it refused is not counted), in the task that submits
 * it. Its `flags` field is the request's, whose low bits are the SQE's
 * IOSQE_* bits. The agent cannot touch the count, unlike its SQE array.
 *
 * For kata_call() the counters live as long as the agent (a call's count is
 * the difference across it; the agent does nothing between calls): closing
 * the last counter on a tracepoint waits for an RCU grace period, ~40 ms
 * here, which per call would dominate a case's time. A timed call opens
 * them only for an audit and closes them as it ends (agent_timed_call):
 * registered, the tracepoint would cost every request of a timed loop.
 */
static struct {
	int set;
	uint64_t opcodes;
	unsigned sqe_flags;
	pid_t of;                      /* the agent the counters are on, or 0 */
	int fd, all_fd;                /* the watched requests; every request */
	long long base, all_base;      /* their values when the current call began */
	long seen, all_seen;
} watch = { .fd = -1, .all_fd = -1, .seen = -1, .all_seen = -1 };

static int open_watch(pid_t pid, int filtered)
{
	static int id = -2;
	if (id == -2)
		id = judge_tracepoint_id("io_uring/io_uring_submit_req");
	if (id < 0)
		return -1;
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	attr.inherit = 1;
	attr.disabled = 1; /* on once the filter is */
	int fd = (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!filtered)
		return ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) == 0 ? fd : (close(fd), -1);
	/* ftrace's "field & mask" holds when any bit is set: one predicate per bit. */
	char filter[1024];
	int at = snprintf(filter, sizeof(filter), "(");
	for (int op = 0; op < 64; op++)
		if (watch.opcodes & KATA_URING_OP(op))
			at += snprintf(filter + at, sizeof(filter) - (size_t)at, "%sopcode == %d", at > 1 ? " || " : "", op);
	at += snprintf(filter + at, sizeof(filter) - (size_t)at, ")");
	for (int bit = 0; bit < 8; bit++)
		if (watch.sqe_flags & (1u << bit))
			at += snprintf(filter + at, sizeof(filter) - (size_t)at, " && flags & %u", 1u << bit);
	if (ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) != 0 || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static long long value_of(int fd)
{
	long long v = -1;
	if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v) || v < 0)
		return -1;
	return v;
}

void uring_watch_close(void)
{
	if (watch.fd >= 0)
		close(watch.fd);
	if (watch.all_fd >= 0)
		close(watch.all_fd);
	watch.fd = watch.all_fd = -1;
	watch.of = 0;
}

int kata_watch_uring_ops(uint64_t opcodes, unsigned sqe_flags)
{
	uring_watch_close(); /* a counter open now has the old filter */
	watch.set = opcodes != 0;
	watch.opcodes = opcodes;
	watch.sqe_flags = sqe_flags;
	/* Whether it works here: a counter on the judge itself, opened and closed
	 * (~40 ms, the close's RCU wait), once per watch a run asks for. */
	static uint64_t tried_opcodes;
	static unsigned tried_flags;
	static int works = -1;
	if (works >= 0 && tried_opcodes == opcodes && tried_flags == sqe_flags)
		return works;
	int fd = open_watch(getpid(), 1);
	if (fd >= 0)
		close(fd);
	tried_opcodes = opcodes, tried_flags = sqe_flags, works = fd >= 0;
	return works;
}

void uring_watch_begin(pid_t agent)
{
	watch.seen = watch.all_seen = -1;
	if (!watch.set || agent <= 0) {
		uring_watch_close();
		return;
	}
	if (watch.of != agent) {
		uring_watch_close();
		watch.fd = open_watch(agent, 1);
		watch.all_fd = watch.fd < 0 ? -1 : open_watch(agent, 0);
		if (watch.all_fd < 0)
			uring_watch_close(); /* both or neither */
		else
			watch.of = agent;
	}
	watch.base = value_of(watch.fd);
	watch.all_base = value_of(watch.all_fd);
}

void uring_watch_end(void)
{
	if (watch.fd < 0 || watch.base < 0 || watch.all_base < 0)
		return;
	long long v = value_of(watch.fd), all = value_of(watch.all_fd);
	if (v < watch.base || all < watch.all_base)
		return; /* both or neither */
	watch.seen = (long)(v - watch.base);
	watch.all_seen = (long)(all - watch.all_base);
}

long kata_uring_ops_seen(void)
{
	return watch.seen;
}

long kata_uring_requests_seen(void)
{
	return watch.all_seen;
}

const char *kata_uring_ops_fewer(uint64_t wanted, const char *what)
{
	static char why[300];
	if (watch.seen < 0 || (uint64_t)watch.seen >= wanted)
		return NULL;
	snprintf(why, sizeof(why), "%llu %s were needed, and the kernel set up %ld (counted by the tracepoint "
		 "io_uring:io_uring_submit_req): the work was done some other way than through the ring",
		 (unsigned long long)wanted, what, watch.seen);
	return why;
}

const char *kata_uring_loop_fewer(int64_t done, uint64_t iters, unsigned per_item, const char *what)
{
	static char why[300];
	if (done < 0 || (uint64_t)done * 2 < iters) {
		snprintf(why, sizeof(why), "the loop's calls did %lld of %llu (%s): most of them must succeed", (long long)done,
			 (unsigned long long)iters, done < 0 ? "an error, as it returned it" : "the rest failed");
		return why;
	}
	return kata_uring_ops_fewer((uint64_t)done * per_item, what);
}
