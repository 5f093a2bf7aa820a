/*
 * Driver for a64-openat: raw_open() has to be built from openat(2), since
 * the asm-generic table has no open(2). The learner's functions run in the
 * agent; the judge puts its files in the agent's own directory (found with
 * /proc/<agent>/cwd) and hands the agent that directory as a descriptor:
 * the agent fchdir()s to it before the call, so a relative name resolves
 * there for open(2), i.e. for AT_FDCWD.
 * Oracles: the files' known random contents, the judge's own stat of what
 * the agent created, and /proc/<agent>/fd, where the kernel says what each
 * descriptor of the agent is.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[PATH_MAX];
static int dirfd_ = -1;

/*
 * The case's directory: the agent's own (its current directory, which the
 * kernel shows in /proc/<agent>/cwd), the one place besides the system's
 * files its lock-down (Landlock) lets it open and create files. A directory
 * of the judge's would do for descriptors passed in, but not for paths: an
 * openat there is refused with EACCES whatever the dirfd.
 */
static void make_dir(void)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/cwd", kata_agent_pid());
	ssize_t n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		kata_setup_failed("readlink() of the agent's directory");
	dir[n] = 0;
	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0)
		kata_setup_failed("open() of the agent's directory");
}

static void remove_dir(const char *name)
{
	if (name)
		unlinkat(dirfd_, name, 0);
	close(dirfd_);
	dirfd_ = -1;
}

/* Creates `name` in the directory with `len` random bytes (kept in `data`). */
static void make_file(const char *name, unsigned char *data, size_t len)
{
	kata_rand_bytes(data, len);
	int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		kata_setup_failed("creating the test file");
	close(fd);
}

struct opened {
	long fd;
	long read_ret;
	const unsigned char *out;
	size_t out_len;
};

static struct opened call_open(const char *path, int flags, int mode, size_t read_back, int umask_to)
{
	struct kata_args a = { .arg = { flags, mode, (int64_t)read_back, umask_to, 0, kata_magic() },
			       .in = path, .in_len = strlen(path) + 1, .out_cap = read_back,
			       .fd = { dirfd_ }, .nfd = 1 };
	const struct kata_reply *r = kata_call("raw_open", &a);
	struct opened o = { r->ret[0], r->ret[1], r->out, r->out_len };
	return o;
}

static int expect_descriptor(long fd)
{
	char detail[300];
	const char *err = fd < 0 && fd >= -4095 ? strerrorname_np((int)-fd) : NULL;
	snprintf(detail, sizeof(detail), "raw_open returned %ld%s%s%s%s", fd, err ? " (" : "", err ? err : "", err ? ")" : "",
		 fd == -ENOTDIR ? ": a relative path is looked up from the dirfd in x0, and that descriptor is not a "
				  "directory. AT_FDCWD (-100) means the current directory"
				: "");
	kata_expect_true("raw_open returned a file descriptor", fd >= 0, fd >= 0 ? NULL : detail);
	return fd >= 0;
}

/* What the kernel says the agent's descriptor `fd` is (/proc/<pid>/fd). */
static void expect_fd_is(long fd, const char *want)
{
	char link[64], got[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", kata_agent_pid(), fd);
	ssize_t n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = 0;
	kata_expect_bytes("the file the returned fd refers to (the kernel's /proc/<agent>/fd)", want,
			  strlen(want), got, strlen(got));
}

/* raw_close(fd) in the agent; the fd must be gone for the kernel too. */
static void expect_close(long fd)
{
	struct kata_args a = { .arg = { fd, 0, 0, 0, 0, kata_magic() } };
	const struct kata_reply *r = kata_call("raw_close", &a);
	kata_expect_i64("raw_close(fd): return value", 0, r->ret[0]);
	kata_expect_i64("fcntl(fd, F_GETFD) after raw_close (-errno)", -EBADF, r->ret[1]);
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", kata_agent_pid(), fd);
	kata_expect_i64("fd still open after raw_close (the kernel's /proc/<agent>/fd: 1 yes, 0 no)", 0,
			access(link, F_OK) == 0);
}

static void open_and_read(const char *path, const char *name, const char *how)
{
	static unsigned char data[8192];
	char full[PATH_MAX + 64];
	size_t len = kata_rand_range(1, sizeof(data));
	make_file(name, data, len);
	snprintf(full, sizeof(full), "%s/%s", dir, name);
	kata_note("raw_open(\"%s\" (%s, %zu random bytes), O_RDONLY, 0)", path, how, len);
	struct opened o = call_open(path, O_RDONLY, 0, sizeof(data), -1);
	if (!expect_descriptor(o.fd)) {
		remove_dir(name);
		return;
	}
	expect_fd_is(o.fd, full);
	kata_expect_bytes("bytes read from the returned fd", data, len, o.out, o.read_ret > 0 ? o.out_len : 0);
	expect_close(o.fd);
	remove_dir(name);
}

static void absolute(void)
{
	char name[64], path[PATH_MAX + 64];
	make_dir();
	snprintf(name, sizeof(name), "abs-%08llx.dat", (unsigned long long)(kata_rand() & 0xffffffff));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	open_and_read(path, name, "absolute");
}

static void relative(void)
{
	char name[64];
	make_dir();
	snprintf(name, sizeof(name), "rel-%08llx.dat", (unsigned long long)(kata_rand() & 0xffffffff));
	open_and_read(name, name, "relative: in the current directory");
}

static void missing(void)
{
	char path[64];
	make_dir();
	snprintf(path, sizeof(path), "missing-%016llx/file", (unsigned long long)kata_rand());
	kata_note("raw_open(\"%s\", O_RDONLY, 0): no such file", path);
	kata_expect_i64("return value", -ENOENT, call_open(path, O_RDONLY, 0, 0, -1).fd);
	remove_dir(NULL);
}

/* 0644 -> 644: a number whose decimal digits are the octal ones, so the
 * runner's report reads like the mode it is. */
static long long octal(long long v)
{
	long long out = 0, scale = 1;
	for (; v > 0; v /= 8, scale *= 10)
		out += (v % 8) * scale;
	return out;
}

static void create_mode(void)
{
	char name[64], full[PATH_MAX + 64];
	make_dir();
	/* owner can always read and write; the rest of the bits are random */
	int mode = 0600 | (int)kata_rand_range(0, 0177);
	snprintf(name, sizeof(name), "new-%08llx.dat", (unsigned long long)(kata_rand() & 0xffffffff));
	snprintf(full, sizeof(full), "%s/%s", dir, name);
	kata_note("raw_open(\"%s\", O_WRONLY|O_CREAT|O_EXCL, 0%o) with umask 0", name, (unsigned)mode);
	/* umask 0 in the agent first, so the mode asked for is the mode we get;
	 * reading the new fd must fail: it is write-only */
	struct opened o = call_open(name, O_WRONLY | O_CREAT | O_EXCL, mode, 1, 0);
	if (!expect_descriptor(o.fd)) {
		remove_dir(name);
		return;
	}
	struct stat st;
	if (fstatat(dirfd_, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		kata_expect_true("the file exists in the directory", 0, full);
		remove_dir(name);
		return;
	}
	expect_fd_is(o.fd, full);
	kata_expect_i64("stat: is a regular file", 1, S_ISREG(st.st_mode) ? 1 : 0);
	kata_expect_i64("stat: permission bits (st_mode & 07777, in octal)", octal(mode),
			octal((long long)(st.st_mode & 07777)));
	kata_expect_i64("stat: size", 0, (long long)st.st_size);
	kata_expect_i64("read(fd) on a write-only fd (-errno)", -EBADF, o.read_ret);
	expect_close(o.fd);
	remove_dir(name);
}

static void close_bad_fd(void)
{
	/* 800..899: never open in the agent (passed descriptors start at 900) */
	int fd = (int)kata_rand_range(800, 899);
	kata_note("raw_close(%d (not open))", fd);
	struct kata_args a = { .arg = { fd, 0, 0, 0, 0, kata_magic() } };
	kata_expect_i64("return value", -EBADF, kata_call("raw_close", &a)->ret[0]);
}

const struct kata_case kata_cases[] = {
	{ "absolute", absolute, 0 },
	{ "relative", relative, 0 },
	{ "missing", missing, 0 },
	{ "create-mode", create_mode, 0 },
	{ "close-bad-fd", close_bad_fd, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
