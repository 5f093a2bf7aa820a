// launch.node: what Node's child_process cannot do, for running a learner's
// program. One call, launch(request) -> Promise<outcome>, forks a child that
// gets its own process group, files (not pipes) on fds 1, 2 and optionally 3,
// /dev/null on fd 0, no other fds, resource limits, an optional CPU pin and
// optional hardware counters; the parent waits with a timeout, kills the whole
// group when the child ends (or the timeout fires), and reports wait4()'s
// rusage. Everything blocking happens in Napi::AsyncWorker::Execute() on the
// libuv thread pool, never on the event loop.
//
// Between fork() and exec the child runs in a copy of a multi-threaded process:
// it only makes async-signal-safe calls (no malloc, no locks, no C++). Every
// string and array it needs is built before fork().

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <napi.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

namespace {

// ---------------------------------------------------------------- words

const char* ErrnoName(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ESTALE: return "ESTALE";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return nullptr;
  }
}

std::string ErrnoCode(int e) {
  const char* name = ErrnoName(e);
  return name ? std::string(name) : "errno " + std::to_string(e);
}

// "ENOENT: no such file or directory", the way Node words fs errors.
std::string ErrnoText(int e) {
  std::string text = strerror(e);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' && !(text.size() > 1 && text[1] >= 'A' && text[1] <= 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return ErrnoCode(e) + ": " + text;
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    case SIGTRAP: return "SIGTRAP";
    case SIGPIPE: return "SIGPIPE";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGALRM: return "SIGALRM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "SIG" + std::to_string(sig);
  }
}

double MonotonicMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// ---------------------------------------------------------------- request

// RLIMIT_* are enum values in glibc's C++ headers, ints elsewhere.
using Resource = decltype(RLIMIT_CPU);

struct Limit {
  Resource resource;
  const char* name;
  bool set = false;
  rlim_t value = 0;
};

enum LimitIndex { kCpu, kAs, kNproc, kFsize, kNofile, kLimitCount };

struct Request {
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::string> env;  // "KEY=value"
  std::string pathVar;           // env's PATH, if any
  bool hasPath = false;
  std::string stdoutPath, stderrPath, resultsPath;
  bool hasResults = false;
  double timeoutMs = 0;
  Limit limits[kLimitCount] = {
      {RLIMIT_CPU, "RLIMIT_CPU"},     {RLIMIT_AS, "RLIMIT_AS"},     {RLIMIT_NPROC, "RLIMIT_NPROC"},
      {RLIMIT_FSIZE, "RLIMIT_FSIZE"}, {RLIMIT_NOFILE, "RLIMIT_NOFILE"},
  };
  int cpu = -1;
  bool perf = false;
};

// Where the child failed, sent to the parent over the error pipe.
enum Stage : int32_t {
  kStageExec = 1,
  kStageStdin,
  kStageStdout,
  kStageStderr,
  kStageResults,
  kStageDup,
  kStageChdir,
  kStageRlimit,  // + limit index
};

struct ChildError {
  int32_t stage;
  int32_t err;
};

struct Outcome {
  bool exited = false;
  int code = 0;
  int signal = 0;
  bool timedOut = false;
  double durationMs = 0;
  struct rusage ru {};
  bool perfOk = false;
  uint64_t instructions = 0, cycles = 0;
  std::string perfError;
  std::string spawnError;
};

// ---------------------------------------------------------------- child side

// Everything the child touches, prepared before fork().
struct ChildPlan {
  std::vector<char*> argv;       // null-terminated
  std::vector<char*> envp;       // null-terminated
  std::vector<std::string> candidates;  // paths to try execve() on, in order
  std::vector<char*> shArgv;     // "/bin/sh", <candidate>, argv[1..], null: for ENOEXEC
  const char* cwd;
  const char* out;
  const char* err;
  const char* results;           // or null
  Resource rlResource[kLimitCount];
  struct rlimit rl[kLimitCount];
  bool rlSet[kLimitCount];
  int cpu;
  int maxFd;                     // for the close() loop when close_range is missing
};

void WriteChildError(int fd, int32_t stage, int err) {
  ChildError ce{stage, static_cast<int32_t>(err)};
  ssize_t n;
  do n = write(fd, &ce, sizeof ce); while (n < 0 && errno == EINTR);
}

[[noreturn]] void ChildFail(int fd, int32_t stage, int err) {
  WriteChildError(fd, stage, err);
  _exit(127);
}

// An fd at or above 10 (so that it never collides with 0..3), close-on-exec.
int MoveHigh(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (high < 0) return -1;
  close(fd);
  return high;
}

void CloseRange(unsigned first, unsigned last, int maxFd) {
  if (first > last) return;
  if (syscall(SYS_close_range, first, last, 0) == 0) return;
  // No close_range (kernel < 5.9): one close() per possible fd.
  unsigned end = last < static_cast<unsigned>(maxFd) ? last : static_cast<unsigned>(maxFd - 1);
  for (unsigned fd = first; fd <= end && fd < static_cast<unsigned>(maxFd); fd++) close(static_cast<int>(fd));
}

[[noreturn]] void RunChild(ChildPlan& p, int goRead, int errWrite) {
  // Node's handlers (libuv's SIGCHLD, V8's SIGSEGV trap handler...) must not run
  // in this copy of the process, and an ignored SIGPIPE must not leak into the
  // program: every disposition back to default, then nothing blocked.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &dfl, nullptr);  // fails harmlessly for glibc-reserved signals
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  setpgid(0, 0);

  // Our two pipe ends out of the way of 0..3 (MoveHigh keeps the old fd on failure).
  int high = MoveHigh(errWrite);
  if (high < 0) ChildFail(errWrite, kStageDup, errno);
  errWrite = high;
  high = MoveHigh(goRead);
  if (high < 0) ChildFail(errWrite, kStageDup, errno);
  goRead = high;

  int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in < 0 || (in = MoveHigh(in)) < 0) ChildFail(errWrite, kStageStdin, errno);
  int out = open(p.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || (out = MoveHigh(out)) < 0) ChildFail(errWrite, kStageStdout, errno);
  int err = open(p.err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (err < 0 || (err = MoveHigh(err)) < 0) ChildFail(errWrite, kStageStderr, errno);
  int res = -1;
  if (p.results) {
    res = open(p.results, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (res < 0 || (res = MoveHigh(res)) < 0) ChildFail(errWrite, kStageResults, errno);
  }
  // dup2 clears close-on-exec on the target.
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || (res >= 0 && dup2(res, 3) < 0)) {
    ChildFail(errWrite, kStageDup, errno);
  }

  // Close every other fd except the two pipe ends (close-on-exec: exec closes them).
  unsigned first = res >= 0 ? 4 : 3;
  unsigned a = static_cast<unsigned>(goRead < errWrite ? goRead : errWrite);
  unsigned b = static_cast<unsigned>(goRead < errWrite ? errWrite : goRead);
  if (a > first) CloseRange(first, a - 1, p.maxFd);
  if (b > a + 1) CloseRange(a + 1, b - 1, p.maxFd);
  CloseRange(b + 1, ~0U, p.maxFd);

  if (chdir(p.cwd) < 0) ChildFail(errWrite, kStageChdir, errno);

  for (int i = 0; i < kLimitCount; i++) {
    if (p.rlSet[i] && setrlimit(p.rlResource[i], &p.rl[i]) < 0) {
      ChildFail(errWrite, kStageRlimit + i, errno);
    }
  }

  if (p.cpu >= 0 && p.cpu < CPU_SETSIZE) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(p.cpu, &set);
    sched_setaffinity(0, sizeof set, &set);  // best effort
  }

  // Wait for the parent: its setpgid and perf counters are in place after this.
  char go;
  ssize_t n;
  do n = read(goRead, &go, 1); while (n < 0 && errno == EINTR);
  if (n != 1) _exit(127);  // the parent gave up on us

  // execvpe semantics, with the PATH of the given env.
  int lastErr = ENOENT;
  bool sawEacces = false;
  for (const std::string& c : p.candidates) {
    const char* file = c.c_str();
    execve(file, p.argv.data(), p.envp.data());
    int e = errno;
    if (e == ENOEXEC) {
      p.shArgv[1] = const_cast<char*>(file);
      execve("/bin/sh", p.shArgv.data(), p.envp.data());
      e = errno;
      ChildFail(errWrite, kStageExec, e);
    }
    if (e == EACCES) {
      sawEacces = true;
    } else if (e != ENOENT && e != ENOTDIR && e != ESTALE && e != ENODEV && e != ETIMEDOUT) {
      ChildFail(errWrite, kStageExec, e);
    }
    lastErr = e;
  }
  ChildFail(errWrite, kStageExec, sawEacces ? EACCES : lastErr);
}

// ---------------------------------------------------------------- perf

long PerfEventOpen(struct perf_event_attr* attr, pid_t pid) {
  return syscall(SYS_perf_event_open, attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

std::string Paranoid() {
  FILE* f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
  if (!f) return "?";
  char buf[32] = {0};
  if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
  fclose(f);
  std::string s(buf);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "?" : s;
}

std::string PerfErrorText(int e) {
  if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
    return "not supported on this machine (" + ErrnoCode(e) + ")";
  }
  if (e == EACCES || e == EPERM) {
    return "not permitted (perf_event_paranoid=" + Paranoid() + ", " + ErrnoCode(e) + ")";
  }
  if (e == ESRCH) return "the program ended before its counters could be attached (ESRCH)";
  return "perf_event_open failed (" + ErrnoText(e) + ")";
}

// One hardware counter on the child (and what it forks), counting from exec.
// Returns the fd, or -1 with errno set.
int OpenCounter(uint64_t config, pid_t child) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_HARDWARE;
  attr.config = config;
  attr.disabled = 1;
  attr.enable_on_exec = 1;
  attr.inherit = 1;
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  long fd = PerfEventOpen(&attr, child);
  if (fd < 0 && (errno == EACCES || errno == EPERM)) {
    attr.exclude_kernel = 1;  // perf_event_paranoid >= 2 still allows user-space counts
    fd = PerfEventOpen(&attr, child);
  }
  return static_cast<int>(fd);
}

// value scaled for multiplexing; false if the counter never ran.
bool ReadCounter(int fd, uint64_t* value) {
  uint64_t buf[3] = {0, 0, 0};  // value, time_enabled, time_running
  ssize_t n;
  do n = read(fd, buf, sizeof buf); while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof buf)) return false;
  if (buf[2] == 0) {
    *value = 0;
    return buf[1] == 0;  // never enabled (nothing ran) is a true zero
  }
  if (buf[2] < buf[1]) {
    *value = static_cast<uint64_t>(static_cast<long double>(buf[0]) * buf[1] / buf[2]);
  } else {
    *value = buf[0];
  }
  return true;
}

// ---------------------------------------------------------------- parent side

std::vector<std::string> PathCandidates(const Request& r) {
  std::vector<std::string> out;
  const std::string& name = r.argv[0];
  if (name.empty()) return out;
  if (name.find('/') != std::string::npos) {
    out.push_back(name);
    return out;
  }
  // glibc's execvpe: PATH unset means confstr(_CS_PATH) = "/bin:/usr/bin".
  std::string path = r.hasPath ? r.pathVar : "/bin:/usr/bin";
  size_t start = 0;
  while (true) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";  // an empty element is the working directory
    out.push_back(dir + "/" + name);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

std::string StageText(const Request& r, int32_t stage) {
  if (stage >= kStageRlimit && stage < kStageRlimit + kLimitCount) {
    return std::string("setrlimit ") + r.limits[stage - kStageRlimit].name;
  }
  switch (stage) {
    case kStageExec: return "exec '" + r.argv[0] + "'";
    case kStageStdin: return "open '/dev/null'";
    case kStageStdout: return "open '" + r.stdoutPath + "'";
    case kStageStderr: return "open '" + r.stderrPath + "'";
    case kStageResults: return "open '" + r.resultsPath + "'";
    case kStageDup: return "dup2";
    case kStageChdir: return "chdir '" + r.cwd + "'";
    default: return "setup";
  }
}

void Run(const Request& r, Outcome& o) {
  ChildPlan plan;
  for (const std::string& a : r.argv) plan.argv.push_back(const_cast<char*>(a.c_str()));
  plan.argv.push_back(nullptr);
  for (const std::string& e : r.env) plan.envp.push_back(const_cast<char*>(e.c_str()));
  plan.envp.push_back(nullptr);
  plan.candidates = PathCandidates(r);
  plan.shArgv.push_back(const_cast<char*>("/bin/sh"));
  plan.shArgv.push_back(nullptr);  // the candidate, filled in by the child
  for (size_t i = 1; i < r.argv.size(); i++) plan.shArgv.push_back(const_cast<char*>(r.argv[i].c_str()));
  plan.shArgv.push_back(nullptr);
  plan.cwd = r.cwd.c_str();
  plan.out = r.stdoutPath.c_str();
  plan.err = r.stderrPath.c_str();
  plan.results = r.hasResults ? r.resultsPath.c_str() : nullptr;
  plan.cpu = r.cpu;
  struct rlimit nofile;
  plan.maxFd = (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < INT_MAX)
                   ? static_cast<int>(nofile.rlim_cur)
                   : 65536;
  // Limits never raise a hard limit we do not have (so they work unprivileged);
  // RLIMIT_CPU's hard limit one second past the soft one turns the SIGXCPU the
  // program may catch into a SIGKILL it cannot.
  for (int i = 0; i < kLimitCount; i++) {
    plan.rlResource[i] = r.limits[i].resource;
    plan.rlSet[i] = r.limits[i].set;
    if (!plan.rlSet[i]) continue;
    struct rlimit cur;
    if (getrlimit(r.limits[i].resource, &cur) != 0) cur.rlim_max = RLIM_INFINITY;
    rlim_t soft = r.limits[i].value;
    rlim_t hard = i == kCpu ? soft + 1 : soft;
    if (cur.rlim_max != RLIM_INFINITY && hard > cur.rlim_max) hard = cur.rlim_max;
    if (soft > hard) soft = hard;
    plan.rl[i].rlim_cur = soft;
    plan.rl[i].rlim_max = hard;
  }

  int go[2], errp[2];
  if (pipe2(go, O_CLOEXEC) < 0) {
    o.spawnError = ErrnoText(errno) + ", pipe";
    return;
  }
  if (pipe2(errp, O_CLOEXEC) < 0) {
    o.spawnError = ErrnoText(errno) + ", pipe";
    close(go[0]);
    close(go[1]);
    return;
  }

  // No signal handler of Node's may run in the child before it resets them.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t child = fork();
  if (child == 0) RunChild(plan, go[0], errp[1]);
  int forkErr = errno;
  close(go[0]);
  close(errp[1]);
  if (child < 0) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    o.spawnError = ErrnoText(forkErr) + ", fork";
    close(go[1]);
    close(errp[0]);
    return;
  }
  setpgid(child, child);  // also done by the child: whichever runs first wins, same result

  int counters[2] = {-1, -1};
  if (r.perf) {
    counters[0] = OpenCounter(PERF_COUNT_HW_INSTRUCTIONS, child);
    if (counters[0] < 0) {
      o.perfError = PerfErrorText(errno);
    } else {
      counters[1] = OpenCounter(PERF_COUNT_HW_CPU_CYCLES, child);
      if (counters[1] < 0) {
        o.perfError = PerfErrorText(errno);
        close(counters[0]);
        counters[0] = -1;
      }
    }
  }

  double started = MonotonicMs();
  {
    // Signals are still blocked in this thread: if the child already failed,
    // the write's EPIPE comes with a SIGPIPE for this thread, consumed here
    // whatever SIGPIPE's disposition is.
    char byte = 'g';
    ssize_t n;
    do n = write(go[1], &byte, 1); while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EPIPE) {
      sigset_t pipeSet;
      sigemptyset(&pipeSet);
      sigaddset(&pipeSet, SIGPIPE);
      struct timespec zero = {0, 0};
      while (sigtimedwait(&pipeSet, nullptr, &zero) == SIGPIPE) {
      }
    }
    close(go[1]);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  {
    ChildError ce{0, 0};
    size_t got = 0;
    while (got < sizeof ce) {
      ssize_t n = read(errp[0], reinterpret_cast<char*>(&ce) + got, sizeof ce - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    close(errp[0]);
    if (got == sizeof ce) o.spawnError = ErrnoText(ce.err) + ", " + StageText(r, ce.stage);
  }

  // Wait for the child, at most timeoutMs after it was let go.
  double deadline = started + r.timeoutMs;
  int status = 0;
  bool reaped = false;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  bool waited = false;
  if (pidfd >= 0) {
    while (true) {
      double left = deadline - MonotonicMs();
      if (left <= 0) {
        o.timedOut = true;
        waited = true;
        break;
      }
      double wait = left > 1e9 ? 1e9 : left;
      struct pollfd pfd = {pidfd, POLLIN, 0};
      int rc = poll(&pfd, 1, static_cast<int>(wait) + 1);
      if (rc > 0) {
        waited = true;
        break;
      }
      if (rc < 0 && errno != EINTR) break;  // cannot wait this way: the loop below
    }
    close(pidfd);
  }
  if (!waited) {
    // No pidfd_open (kernel < 5.3): poll with WNOHANG every millisecond.
    while (true) {
      pid_t w = wait4(child, &status, WNOHANG, &o.ru);
      if (w == child) {
        reaped = true;
        break;
      }
      if (w < 0 && errno != EINTR) break;
      if (MonotonicMs() >= deadline) {
        o.timedOut = true;
        break;
      }
      struct timespec ms = {0, 1000000};
      nanosleep(&ms, nullptr);
    }
  }
  // While the child is unreaped (running or a zombie) its pid, and so the group
  // id, cannot be reused: this kill reaches only what it started.
  if (!reaped) kill(-child, SIGKILL);
  if (!reaped) {
    pid_t w;
    do w = wait4(child, &status, 0, &o.ru); while (w < 0 && errno == EINTR);
  }
  o.durationMs = MonotonicMs() - started;
  kill(-child, SIGKILL);  // and again once reaped: nothing it forked outlives it (ESRCH is fine)

  if (WIFEXITED(status)) {
    o.exited = true;
    o.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    o.signal = WTERMSIG(status);
  }

  if (counters[0] >= 0 && counters[1] >= 0) {
    if (o.spawnError.empty()) {
      if (ReadCounter(counters[0], &o.instructions) && ReadCounter(counters[1], &o.cycles)) {
        o.perfOk = true;
      } else {
        o.perfError = "counters were never scheduled (the PMU was busy)";
      }
    }
  }
  for (int fd : counters) {
    if (fd >= 0) close(fd);
  }
}

// ---------------------------------------------------------------- N-API

std::string RequireString(const Napi::Env& env, const Napi::Value& v, const char* what) {
  if (!v.IsString()) throw Napi::TypeError::New(env, std::string("launch: ") + what + " must be a string");
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(env, std::string("launch: ") + what + " must not contain a NUL byte");
  }
  return s;
}

bool OptionalNumber(const Napi::Env& env, const Napi::Object& o, const char* key, const char* what, double* out) {
  if (!o.Has(key)) return false;
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return false;
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("launch: ") + what + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9.2e18) {
    throw Napi::RangeError::New(env, std::string("launch: ") + what + " must be a non-negative finite number");
  }
  *out = d;
  return true;
}

Request ParseRequest(const Napi::Env& env, const Napi::Value& arg) {
  if (!arg.IsObject()) throw Napi::TypeError::New(env, "launch: the request must be an object");
  Napi::Object o = arg.As<Napi::Object>();
  Request r;

  Napi::Value argv = o.Get("argv");
  if (!argv.IsArray()) throw Napi::TypeError::New(env, "launch: argv must be an array of strings");
  Napi::Array arr = argv.As<Napi::Array>();
  if (arr.Length() == 0) throw Napi::TypeError::New(env, "launch: argv must not be empty");
  for (uint32_t i = 0; i < arr.Length(); i++) r.argv.push_back(RequireString(env, arr.Get(i), "argv[i]"));

  r.cwd = RequireString(env, o.Get("cwd"), "cwd");

  Napi::Value envv = o.Get("env");
  if (!envv.IsObject()) throw Napi::TypeError::New(env, "launch: env must be an object of strings");
  Napi::Object eo = envv.As<Napi::Object>();
  Napi::Array keys = eo.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string k = RequireString(env, keys.Get(i), "env key");
    if (k.empty() || k.find('=') != std::string::npos) {
      throw Napi::TypeError::New(env, "launch: env key '" + k + "' is empty or contains '='");
    }
    std::string v = RequireString(env, eo.Get(k), "env value");
    if (k == "PATH") {
      r.hasPath = true;
      r.pathVar = v;
    }
    r.env.push_back(k + "=" + v);
  }

  r.stdoutPath = RequireString(env, o.Get("stdoutPath"), "stdoutPath");
  r.stderrPath = RequireString(env, o.Get("stderrPath"), "stderrPath");
  if (o.Has("resultsPath") && !o.Get("resultsPath").IsUndefined()) {
    r.resultsPath = RequireString(env, o.Get("resultsPath"), "resultsPath");
    r.hasResults = true;
  }

  if (!OptionalNumber(env, o, "timeoutMs", "timeoutMs", &r.timeoutMs)) {
    throw Napi::TypeError::New(env, "launch: timeoutMs is required");
  }

  if (o.Has("rlimits") && !o.Get("rlimits").IsUndefined()) {
    Napi::Value lv = o.Get("rlimits");
    if (!lv.IsObject()) throw Napi::TypeError::New(env, "launch: rlimits must be an object");
    Napi::Object lo = lv.As<Napi::Object>();
    const char* keys[kLimitCount] = {"cpuSeconds", "addressSpaceBytes", "processes", "fileSizeBytes", "openFiles"};
    for (int i = 0; i < kLimitCount; i++) {
      double d;
      std::string what = std::string("rlimits.") + keys[i];
      if (OptionalNumber(env, lo, keys[i], what.c_str(), &d)) {
        r.limits[i].set = true;
        // RLIMIT_CPU counts whole seconds: round up, at least 1 (the kernel's own reading of 0).
        r.limits[i].value = static_cast<rlim_t>(i == kCpu ? (d < 1 ? 1 : std::ceil(d)) : d);
      }
    }
  }

  double cpu;
  if (OptionalNumber(env, o, "cpu", "cpu", &cpu)) r.cpu = cpu < CPU_SETSIZE ? static_cast<int>(cpu) : -1;
  if (o.Has("perf")) r.perf = o.Get("perf").ToBoolean().Value();
  return r;
}

class LaunchWorker : public Napi::AsyncWorker {
 public:
  LaunchWorker(Napi::Env env, Request req)
      : Napi::AsyncWorker(env, "syscall-katas:launch"), deferred_(Napi::Promise::Deferred::New(env)), req_(std::move(req)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { Run(req_, out_); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Napi::Object r = Napi::Object::New(env);
    r.Set("code", out_.exited && out_.spawnError.empty() ? Napi::Number::New(env, out_.code) : env.Null());
    r.Set("signal", out_.signal != 0 ? Napi::String::New(env, SignalName(out_.signal)) : env.Null());
    r.Set("timedOut", Napi::Boolean::New(env, out_.timedOut));
    r.Set("durationMs", Napi::Number::New(env, out_.durationMs));
    Napi::Object ru = Napi::Object::New(env);
    auto us = [](const struct timeval& tv) {
      return static_cast<double>(tv.tv_sec) * 1e6 + static_cast<double>(tv.tv_usec);
    };
    ru.Set("userUs", Napi::Number::New(env, us(out_.ru.ru_utime)));
    ru.Set("systemUs", Napi::Number::New(env, us(out_.ru.ru_stime)));
    ru.Set("maxRssKb", Napi::Number::New(env, static_cast<double>(out_.ru.ru_maxrss)));
    ru.Set("voluntarySwitches", Napi::Number::New(env, static_cast<double>(out_.ru.ru_nvcsw)));
    ru.Set("involuntarySwitches", Napi::Number::New(env, static_cast<double>(out_.ru.ru_nivcsw)));
    r.Set("rusage", ru);
    if (out_.perfOk) {
      Napi::Object p = Napi::Object::New(env);
      p.Set("instructions", Napi::Number::New(env, static_cast<double>(out_.instructions)));
      p.Set("cycles", Napi::Number::New(env, static_cast<double>(out_.cycles)));
      r.Set("perf", p);
    }
    if (!out_.perfError.empty()) r.Set("perfError", Napi::String::New(env, out_.perfError));
    if (!out_.spawnError.empty()) r.Set("spawnError", Napi::String::New(env, out_.spawnError));
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Request req_;
  Outcome out_;
};

Napi::Value Launch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Request req = ParseRequest(env, info.Length() > 0 ? info[0] : env.Undefined());
  auto* worker = new LaunchWorker(env, std::move(req));
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself after OnOK/OnError
  return promise;
}

// prctl(PR_SET_DUMPABLE, 0) on the runner itself: no process of the same uid
// may ptrace it or read its /proc/<pid>/{mem,environ,fd}. Returns whether it held.
Napi::Value NonDumpable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("launch", Napi::Function::New(env, Launch, "launch"));
  exports.Set("nonDumpable", Napi::Function::New(env, NonDumpable, "nonDumpable"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(launch, Init)
