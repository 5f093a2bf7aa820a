/*
 * The agent runtime: main() of the learner's process. Linked with the kata's
 * agent.c and the learner's file (one unit, built by the runner), started by
 * the judge (native/judge/agent-process.c) already confined.
 *
 * Before any learner code runs it adds the last layer of the lock-down: from
 * here on no memory may become executable (PR_SET_MDWE always; in traced
 * runs, beside the judge's filter, a seccomp filter on mmap/mprotect/
 * pkey_mprotect with PROT_EXEC, execve and shmat), so the code the runner
 * checked is the only code that makes the syscalls the judge traces. Then it says it is
 * ready and serves the judge's requests, one at a time, until the judge
 * closes the channel.
 *
 * Every syscall here is made with the course's own raw syscalls, from this
 * file's code: the judge, which traces the agent, knows this code's
 * addresses and leaves its channel traffic out of what it counts.
 *
 * Nothing here is trusted, and nothing needs to be: what the agent says is
 * only what the learner's functions returned.
 */
#define _GNU_SOURCE
#include "kata-agent.h"
#include "raw-syscall.h"
#include "kata-vdso-agent.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#define LD_W(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define DENY RET(SECCOMP_RET_ERRNO | 1 /* EPERM */)
#define ALLOW RET(SECCOMP_RET_ALLOW)

/* mmap, mprotect, pkey_mprotect: PROT_EXEC in argument 3 is refused.
 * execve, execveat, shmat: refused. Everything else passes (stage 1, the
 * judge's filter, already decided it). Jump offsets are counted by hand:
 * each check is one load-and-test block. */
static const struct sock_filter no_new_code[] = {
	LD_W(offsetof(struct seccomp_data, arch)),
	JEQ(NATIVE_ARCH, 1, 0),
	ALLOW,
	LD_W(offsetof(struct seccomp_data, nr)),
	JEQ(SYS_mmap, 5, 0),
	JEQ(SYS_mprotect, 4, 0),
	JEQ(SYS_pkey_mprotect, 3, 0),
	JEQ(SYS_execve, 7, 0),
	JEQ(SYS_execveat, 6, 0),
	JEQ(SYS_shmat, 5, 4),
	LD_W(ARG_LO(2)),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 3, 0),
	ALLOW,
	ALLOW,
	ALLOW,
	DENY,
};

static void lock_down(void)
{
#if defined(__aarch64__)
	/* qemu-user gives its guests no vDSO: there the "process" is qemu's
	 * translated code, which must keep making code. The judge's filter on
	 * qemu itself still holds (docs/architecture.md). */
	if (getauxval(AT_SYSINFO_EHDR) == 0)
		return;
#endif
	kata_raw_syscall5(SYS_prctl, PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0);
	/* The filter goes with the judge's (traced runs); a timed run has neither. */
	if (kata_raw_syscall5(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		return;
	struct sock_fprog prog = { .len = sizeof(no_new_code) / sizeof(*no_new_code),
				   .filter = (struct sock_filter *)no_new_code };
	kata_raw_syscall5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	kata_raw_syscall3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, (long)&prog);
}

static unsigned long parse_hex(const char **p)
{
	unsigned long v = 0;
	for (;; (*p)++) {
		char ch = **p;
		if (ch >= '0' && ch <= '9')
			v = v * 16 + (unsigned long)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (unsigned long)(ch - 'a' + 10);
		else
			return v;
	}
}

static void die(const char *msg)
{
	kata_raw_syscall3(SYS_write, 2, (long)msg, (long)strlen(msg));
	kata_raw_syscall1(SYS_exit_group, 125);
}

/*
 * The vDSO the judge chose for this agent (KATA_VDSO in the environment,
 * native/judge/agent-process.c), set up before any learner code runs and
 * before the lock-down (the image is code): "none" hides the kernel's;
 * "image@<addr>,<len>" maps the file the judge left in our directory at
 * <addr>, executable, deletes the file, and puts <addr> in AT_SYSINFO_EHDR.
 */
static void set_up_vdso(char **envp, unsigned long *auxv)
{
	const char *how = NULL;
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "KATA_VDSO=", 10) == 0)
			how = *e + 10;
	if (!how || strcmp(how, "kernel") == 0)
		return;
	if (strcmp(how, "none") == 0) {
		kata_vdso_hide_in(auxv);
		return;
	}
	if (strncmp(how, "image@", 6) != 0)
		die("agent: KATA_VDSO is not one the runtime knows\n");
	const char *p = how + 6;
	unsigned long addr = parse_hex(&p);
	if (*p++ != ',')
		die("agent: KATA_VDSO has no length\n");
	unsigned long len = parse_hex(&p);
	long fd = kata_raw_syscall4(SYS_openat, AT_FDCWD, (long)"vdso-image", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		die("agent: the judge's test vDSO is not in the agent's directory\n");
	long got = kata_raw_syscall6(SYS_mmap, (long)addr, (long)len, PROT_READ | PROT_EXEC,
				     MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	kata_raw_syscall1(SYS_close, fd);
	kata_raw_syscall3(SYS_unlinkat, AT_FDCWD, (long)"vdso-image", 0);
	if ((unsigned long)got != addr)
		die("agent: the test vDSO could not be mapped where the judge asked\n");
	unsigned long *e = kata_vdso_ehdr_entry_in(auxv);
	if (!e)
		die("agent: the auxiliary vector has no room for AT_SYSINFO_EHDR\n");
	e[1] = addr;
}

static unsigned char request_buf[sizeof(struct kata_wire_request) + KATA_WIRE_MAX_BYTES];
static unsigned char reply_buf[sizeof(struct kata_wire_reply) + KATA_WIRE_MAX_BYTES];

static long send_bytes(const void *p, size_t n)
{
	struct iovec iov = { (void *)p, n };
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return kata_raw_syscall3(SYS_sendmsg, KATA_AGENT_CHANNEL_FD, (long)&m, MSG_NOSIGNAL);
}

static void send_ready(void)
{
	struct kata_wire_ready *r = (void *)reply_buf;
	r->magic = KATA_WIRE_MAGIC;
	r->ncalls = 0;
	size_t len = sizeof(*r);
	for (const struct kata_agent_call *c = kata_agent_calls; c->name; c++) {
		size_t n = strlen(c->name) + 1;
		if (len + n > sizeof(reply_buf))
			break;
		memcpy(reply_buf + len, c->name, n);
		len += n;
		r->ncalls++;
	}
	send_bytes(reply_buf, len);
}

/* The process's start-up stack, as main() receives it (kata_call.argc, argv, auxv). */
static long start_argc;
static char **start_argv;
static unsigned long *start_auxv;

static void serve_one(long n, int *fds, int nfd)
{
	const struct kata_wire_request *q = (const void *)request_buf;
	struct kata_wire_reply *r = (void *)reply_buf;
	memset(r, 0, sizeof(*r));
	r->magic = KATA_WIRE_MAGIC;
	if ((size_t)n < sizeof(*q) || q->magic != KATA_WIRE_MAGIC || q->in_len > (size_t)n - sizeof(*q)) {
		r->status = KATA_WIRE_BAD_REQUEST;
		send_bytes(r, sizeof(*r));
		return;
	}
	const struct kata_agent_call *c = kata_agent_calls;
	while (c->name && strncmp(c->name, q->name, KATA_WIRE_NAME) != 0)
		c++;
	if (!c->name) {
		r->status = KATA_WIRE_NO_SUCH_CALL;
		send_bytes(r, sizeof(*r));
		return;
	}
	struct kata_call call;
	memset(&call, 0, sizeof(call));
	call.arg = q->arg;
	call.in = q->in;
	call.in_len = q->in_len;
	/* The judge's descriptors, where it expects them. */
	for (int i = 0; i < nfd && i < KATA_WIRE_MAX_FDS; i++) {
		int want = KATA_AGENT_FD_BASE + i;
		if (fds[i] != want) {
			kata_raw_syscall3(SYS_dup3, fds[i], want, 0);
			kata_raw_syscall1(SYS_close, fds[i]);
		}
		call.fd[i] = want;
	}
	call.nfd = nfd;
	call.argc = start_argc;
	call.argv = start_argv;
	call.auxv = start_auxv;
	call.out = r->out;
	call.out_cap = q->out_cap > KATA_WIRE_MAX_BYTES ? KATA_WIRE_MAX_BYTES : q->out_cap;
	c->fn(&call);
	memcpy(r->ret, call.ret, sizeof(r->ret));
	r->out_len = (uint32_t)(call.out_len > call.out_cap ? call.out_cap : call.out_len);
	for (int i = 0; i < nfd; i++)
		kata_raw_syscall1(SYS_close, call.fd[i]);
	send_bytes(r, sizeof(*r) + r->out_len);
}

int main(int argc, char **argv, char **envp)
{
	start_argc = argc;
	start_argv = argv;
	while (*envp)
		envp++;
	start_auxv = (unsigned long *)(envp + 1);
	set_up_vdso(argv + argc + 1, start_auxv);
	lock_down();
	send_ready();
	for (;;) {
		struct iovec iov = { request_buf, sizeof(request_buf) };
		union {
			char buf[CMSG_SPACE(sizeof(int) * KATA_WIRE_MAX_FDS)];
			struct cmsghdr align;
		} u;
		struct msghdr m;
		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		long n = kata_raw_syscall3(SYS_recvmsg, KATA_AGENT_CHANNEL_FD, (long)&m, MSG_CMSG_CLOEXEC);
		if (n == -4 /* EINTR */)
			continue;
		if (n <= 0)
			break; /* the judge is done with us */
		int fds[KATA_WIRE_MAX_FDS], nfd = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t i = 0; i < k && nfd < KATA_WIRE_MAX_FDS; i++)
					memcpy(&fds[nfd++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			}
		serve_one(n, fds, nfd);
	}
	kata_raw_syscall1(SYS_exit_group, 0);
	return 0;
}
