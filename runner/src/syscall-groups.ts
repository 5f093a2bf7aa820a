// Syscall groups for the count budgets: a kata that budgets "@write-like"
// counts every way of writing, so a learner cannot dodge a write budget by
// switching to a sibling call (writev, pwrite64, sendmsg...). Names are the
// kernel's, as the judge reports them for the agent's arch.
const GROUPS: Record<string, string[]> = {
  'write-like': ['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'sendto', 'sendmsg', 'sendmmsg', 'sendfile', 'splice', 'vmsplice', 'copy_file_range', 'tee'],
  // splice and friends move data into the caller or another descriptor: reads too.
  'read-like': ['read', 'readv', 'pread64', 'preadv', 'preadv2', 'recvfrom', 'recvmsg', 'recvmmsg', 'splice', 'vmsplice', 'tee', 'sendfile', 'copy_file_range'],
  'memory': ['mmap', 'munmap', 'mremap', 'brk', 'mprotect', 'madvise'],
  'open-like': ['open', 'openat', 'openat2', 'creat'],
  'stat-like': ['stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'access', 'faccessat', 'faccessat2'],
};

/** "*": every syscall, whatever its name (a storm made cheaper by any means, io_uring included, is still counted). */
export const EVERY_SYSCALL = '*';

/** The names a count spec's entry stands for: itself, or a group's members ("@write-like"). */
export function expandSyscalls(names: string[]): string[] {
  return [...new Set(names.flatMap((n) => (n.startsWith('@') ? GROUPS[n.slice(1)] ?? [n] : [n])))];
}

export function isKnownGroup(name: string): boolean {
  return name === EVERY_SYSCALL || !name.startsWith('@') || name.slice(1) in GROUPS;
}

/** "write-like (write, writev, …)" for messages. */
export function describeSyscalls(names: string[]): string {
  return names.map((n) => (n === EVERY_SYSCALL ? 'all' : n.startsWith('@') ? `${n.slice(1)} (${(GROUPS[n.slice(1)] ?? []).slice(0, 4).join(', ')}, …)` : n)).join('/');
}
