/*
 * Driver for a64-openat: raw_open() has to be built from openat(2), since
 * the asm-generic table has no open(2). The runner starts the program in a
 * fresh temporary directory; the driver creates its files there (relative
 * names) and removes them again. Oracles: libc (read, fstat, fcntl, umask)
 * and the files' known random contents.
 */
#define _GNU_SOURCE
#include "kata.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

long raw_open(const char *path, int flags, int mode);
long raw_close(int fd);

/* Creates `path` with `len` random bytes (kept in `data`), through libc. */
static int make_file(const char *path, unsigned char *data, size_t len)
{
	kata_rand_bytes(data, len);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Reads what the fd gives (libc) and closes it with raw_close. */
static void read_back_and_close(long fd, const unsigned char *data, size_t len)
{
	static unsigned char got[8192];
	if (fd < 0)
		return kata_expect_bytes("bytes read from the returned fd", data, len, "", 0);
	ssize_t n = read((int)fd, got, sizeof(got));
	kata_expect_bytes("bytes read from the returned fd", data, len, got, n < 0 ? 0 : (size_t)n);
	kata_expect_i64("raw_close(fd): return value", 0, raw_close((int)fd));
	/* closed for real? fcntl(F_GETFD) on a closed fd fails with EBADF */
	errno = 0;
	int r = fcntl((int)fd, F_GETFD);
	kata_expect_i64("fcntl(fd, F_GETFD) after raw_close (-errno)", -EBADF, r < 0 ? -errno : r);
}

static void absolute(void)
{
	static unsigned char data[8192];
	char dir[PATH_MAX - 64], path[PATH_MAX];
	size_t len = kata_rand_range(1, sizeof(data));
	if (!getcwd(dir, sizeof(dir)))
		return kata_expect_true("getcwd() for the test", 0, "the harness could not get its directory");
	snprintf(path, sizeof(path), "%s/abs-%08llx.dat", dir,
		 (unsigned long long)(kata_rand() & 0xffffffff));
	if (make_file(path, data, len) != 0)
		return kata_expect_true("creating the test file", 0, path);
	kata_note("raw_open(\"%s\" (%zu random bytes), O_RDONLY, 0)", path, len);
	long fd = raw_open(path, O_RDONLY, 0);
	kata_expect_true("raw_open returned a file descriptor", fd >= 0, NULL);
	read_back_and_close(fd, data, len);
	unlink(path);
}

static void relative(void)
{
	static unsigned char data[8192];
	char path[64];
	size_t len = kata_rand_range(1, sizeof(data));
	snprintf(path, sizeof(path), "rel-%08llx.dat", (unsigned long long)(kata_rand() & 0xffffffff));
	if (make_file(path, data, len) != 0)
		return kata_expect_true("creating the test file", 0, path);
	kata_note("raw_open(\"%s\" (relative: in the current directory, %zu random bytes), "
		  "O_RDONLY, 0)", path, len);
	long fd = raw_open(path, O_RDONLY, 0);
	kata_expect_true("raw_open returned a file descriptor", fd >= 0, NULL);
	read_back_and_close(fd, data, len);
	unlink(path);
}

static void missing(void)
{
	char path[64];
	snprintf(path, sizeof(path), "missing-%016llx/file", (unsigned long long)kata_rand());
	kata_note("raw_open(\"%s\", O_RDONLY, 0): no such file", path);
	kata_expect_i64("return value", -ENOENT, raw_open(path, O_RDONLY, 0));
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
	char path[64];
	/* owner can always read and write; the rest of the bits are random */
	int mode = 0600 | (int)kata_rand_range(0, 0177);
	mode_t old = umask(0); /* so the mode asked for is the mode we get */
	snprintf(path, sizeof(path), "new-%08llx.dat", (unsigned long long)(kata_rand() & 0xffffffff));
	kata_note("raw_open(\"%s\", O_WRONLY|O_CREAT|O_EXCL, 0%o) with umask 0", path, (unsigned)mode);
	long fd = raw_open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	umask(old);
	kata_expect_true("raw_open returned a file descriptor", fd >= 0, NULL);
	if (fd < 0) {
		unlink(path);
		return;
	}
	struct stat st;
	if (fstat((int)fd, &st) != 0)
		return kata_expect_true("fstat(fd)", 0, "fstat failed on the returned fd");
	kata_expect_i64("fstat: is a regular file", 1, S_ISREG(st.st_mode) ? 1 : 0);
	kata_expect_i64("fstat: permission bits (st_mode & 07777, in octal)", octal(mode),
			octal((long long)(st.st_mode & 07777)));
	kata_expect_i64("fstat: size", 0, (long long)st.st_size);
	/* opened for writing, not reading: read(2) says EBADF */
	char c;
	errno = 0;
	ssize_t r = read((int)fd, &c, 1);
	kata_expect_i64("read(fd) on a write-only fd (-errno)", -EBADF, r < 0 ? -errno : r);
	kata_expect_i64("raw_close(fd): return value", 0, raw_close((int)fd));
	unlink(path);
}

static void close_bad_fd(void)
{
	int fd = (int)kata_rand_range(900, 1000);
	kata_note("raw_close(%d (not open))", fd);
	kata_expect_i64("return value", -EBADF, raw_close(fd));
}

const struct kata_case kata_cases[] = {
	{ "absolute", absolute },
	{ "relative", relative },
	{ "missing", missing },
	{ "create-mode", create_mode },
	{ "close-bad-fd", close_bad_fd },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
