/*
 * The agent side of batch-short-writes: the learner's write_all() on the
 * judge's pipe, with SIGUSR1 caught by a handler installed here without
 * SA_RESTART (so that a blocked write or poll comes back with -EINTR rather
 * than being restarted by the kernel), and SIGPIPE ignored (a closed reader
 * is -EPIPE, not death).
 *
 * The handler is installed with the raw rt_sigaction syscall: this unit is
 * the learner's too, and the kata forbids them libc's sigaction() and
 * signal() (signal() turns SA_RESTART on).
 *
 * The counting run has no judge's descriptors: it makes its own pipe and
 * forks its own slow reader, which also sends the signals.
 */
#define _GNU_SOURCE
#include "kata-agent.h"
#include "raw-syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long write_all(int fd, const void *buf, size_t len);

/* The kernel's struct sigaction (x86-64 and AArch64 alike). */
struct sw_ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};
#define SW_SA_RESTORER 0x04000000UL

/* What the handler returns to: rt_sigreturn (x86-64 needs one; AArch64
 * takes it instead of the vDSO's, which qemu does not have). */
void sw_restorer(void);
#if defined(__x86_64__)
__asm__(".text\n.p2align 4\n.type sw_restorer,@function\nsw_restorer:\n\tmov $15, %eax\n\tsyscall\n\thlt\n"
	".size sw_restorer, .-sw_restorer\n");
#elif defined(__aarch64__)
__asm__(".text\n.p2align 4\n.type sw_restorer,%function\nsw_restorer:\n\tmov x8, #139\n\tsvc #0\n\tbrk #0\n"
	".size sw_restorer, .-sw_restorer\n");
#endif

static volatile long sw_signals;

static void sw_on_signal(int sig)
{
	(void)sig;
	sw_signals++;
}

static long sw_set(int sig, void (*handler)(int))
{
	struct sw_ksigaction sa = { handler, SW_SA_RESTORER, sw_restorer, 0 };
	return kata_raw_syscall4(SYS_rt_sigaction, sig, (long)&sa, 0, sizeof(sa.mask));
}

static long sw_arm(void)
{
	long r = sw_set(SIGUSR1, sw_on_signal);
	if (r == 0)
		r = sw_set(SIGPIPE, SIG_IGN);
	unsigned long none = 0;
	if (r == 0) /* nothing blocked */
		r = kata_raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, sizeof(none));
	return r;
}

/* 1 if SIGUSR1 is still ours, without SA_RESTART. */
static long sw_intact(void)
{
	struct sw_ksigaction old = { 0 };
	if (kata_raw_syscall4(SYS_rt_sigaction, SIGUSR1, 0, (long)&old, sizeof(old.mask)) != 0)
		return 0;
	return old.handler == sw_on_signal && !(old.flags & SA_RESTART);
}

static void call_arm(struct kata_call *c)
{
	c->ret[0] = sw_arm();
}

/* fd[0] = the judge's pipe, in = the bytes. ret[0] = write_all's answer,
 * ret[1] = signals handled meanwhile, ret[2] = handler intact. */
static void call_write_all(struct kata_call *c)
{
	sw_signals = 0;
	c->ret[0] = write_all(c->fd[0], c->in, c->in_len);
	c->ret[1] = sw_signals;
	c->ret[2] = sw_intact();
}

/* The counting run: arg[0] bites of 512 bytes through a non-blocking pipe of
 * one page, to a child that takes one bite every ~150 us and sends SIGUSR1
 * every eighth. Correct code makes about 2 writes per page freed (one that
 * fills it, one that gets -EAGAIN), far fewer than one per bite. */
#define SW_BITE 512
static unsigned char sw_data[1500 * SW_BITE + SW_BITE];

static void call_count_loop(struct kata_call *c)
{
	long bites = c->arg[0];
	if (bites < 1 || bites > 1500) {
		c->ret[0] = -EINVAL;
		return;
	}
	size_t len = (size_t)bites * SW_BITE;
	for (size_t i = 0; i < len; i++)
		sw_data[i] = (unsigned char)(i * 131 + (i >> 9));
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		c->ret[0] = -errno;
		return;
	}
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	sw_arm();
	pid_t parent = getpid();
	pid_t child = fork();
	if (child == 0) {
		close(fds[1]);
		static unsigned char sink[SW_BITE];
		struct timespec ts = { 0, 150000 };
		for (long i = 0;; i++) {
			nanosleep(&ts, NULL);
			if (i % 8 == 7)
				kill(parent, SIGUSR1);
			ssize_t n = read(fds[0], sink, sizeof(sink));
			if (n == 0 || (n < 0 && errno != EINTR))
				break;
		}
		_exit(0);
	}
	close(fds[0]);
	c->ret[0] = child < 0 ? -errno : write_all(fds[1], sw_data, len);
	close(fds[1]);
	if (child > 0)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	c->ret[1] = sw_signals;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "arm", call_arm },
	{ "write_all", call_write_all },
	{ "count-loop", call_count_loop },
	{ 0 },
};
