// Exit statuses and signals in words, in one table (after zx's error.ts).
import os from 'node:os';

const signalWords: Record<string, string> = {
  SIGSEGV: 'segmentation fault: a bad memory access (a wrong pointer, or a register the compiler trusted was destroyed)',
  SIGILL: 'illegal instruction (execution ran past the end of something that must not return, or an instruction this CPU does not have)',
  SIGBUS: 'bus error: a misaligned or unbacked memory access',
  SIGFPE: 'arithmetic exception (division by zero)',
  SIGABRT: 'aborted (assert() or abort())',
  SIGTRAP: 'trace/breakpoint trap',
  SIGSYS: 'bad system call (a syscall number this kernel or seccomp rejects)',
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGPIPE: 'broken pipe: wrote to a pipe nobody reads',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
};

/** What a fatal signal usually means, in words. */
const signalNames = new Map<number, string>(Object.entries(os.constants.signals).map(([n, v]) => [v as number, n]));
/** 11 -> "SIGSEGV". */
export function signalName(n: number): NodeJS.Signals {
  return (signalNames.get(n) ?? `SIG${n}`) as NodeJS.Signals;
}

export function signalMeaning(signal: string): string {
  return signalWords[signal] ?? 'a fatal signal';
}

const errnoNames = new Map<number, string>(
  Object.entries(os.constants.errno).map(([name, n]) => [n as number, name]),
);

/**
 * "-9" -> "-9 (EBADF)"; other numbers unchanged. -1 is said for what it
 * usually is in these katas: libc's way of saying "failed" (the error then
 * in errno), not an errno of its own.
 */
export function withErrnoName(value: string): string {
  const n = Number(value);
  if (!Number.isInteger(n) || n >= 0 || n < -4095) return value;
  if (n === -1) return `-1 (libc's "failed, see errno", not an errno; from the kernel it would be -EPERM)`;
  const name = errnoNames.get(-n);
  return name ? `${value} (${name})` : value;
}
