/*
 * The agent side of a64-openat (see check.c): the learner's raw_open() and
 * raw_close() inlined into probes that poison x0-x5 and x8 first. What the
 * returned descriptor gives is read with the agent's own raw syscalls.
 */
#include "kata-agent.h"
#include "raw-syscall.h"

#include <sys/syscall.h>

long raw_open(const char *path, int flags, int mode);
long raw_close(int fd);

/*
 * in = a NUL-terminated path. arg[0] = flags, arg[1] = mode, arg[2] = how
 * many bytes to read back from the new descriptor (into out, at most
 * out_cap), arg[3] = a umask to set first, or -1; with a descriptor passed,
 * the agent fchdir()s to it first (so relative paths resolve there).
 * ret[0] = raw_open's answer, ret[1] = the read's answer (or 0).
 */
KATA_PROBE probe_open(struct kata_call *c)
{
	static char path[4096];
	size_t n = c->in_len < sizeof(path) - 1 ? c->in_len : sizeof(path) - 1;
	for (size_t i = 0; i < n; i++)
		path[i] = (char)c->in[i];
	path[n] = 0;
	if (c->nfd)
		kata_raw_syscall1(SYS_fchdir, c->fd[0]);
	if (c->arg[3] >= 0)
		kata_raw_syscall1(SYS_umask, c->arg[3]);
	long fd, rcx, r11;
	KATA_CLOBBER_PROBE(fd, &rcx, &r11, c->arg[5], raw_open(path, (int)c->arg[0], (int)c->arg[1]));
	c->ret[0] = fd;
	c->ret[1] = 0;
	if (fd >= 0 && c->arg[2] > 0) {
		size_t want = (size_t)c->arg[2] < c->out_cap ? (size_t)c->arg[2] : c->out_cap;
		long r = kata_raw_syscall3(SYS_read, fd, (long)c->out, (long)want);
		c->ret[1] = r;
		c->out_len = r > 0 ? (size_t)r : 0;
	}
}

/* arg[0] = fd. ret[0] = raw_close's answer, ret[1] = fcntl(fd, F_GETFD)
 * after it (-EBADF once the descriptor is gone). */
KATA_PROBE probe_close(struct kata_call *c)
{
	long r, rcx, r11;
	KATA_CLOBBER_PROBE(r, &rcx, &r11, c->arg[5], raw_close((int)c->arg[0]));
	c->ret[0] = r;
	c->ret[1] = kata_raw_syscall3(SYS_fcntl, c->arg[0], 1 /* F_GETFD */, 0);
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "raw_open", probe_open },
	{ "raw_close", probe_close },
	{ 0 },
};
