// The kata manifest's shape, as TypeScript sees it. schemas/kata.schema.json is
// the source of truth; these types mirror it for the compiler's benefit.
export type Arch = 'x86_64' | 'aarch64';
export type TargetArch = Arch | 'any';
export type Requirement = 'liburing' | 'io_uring' | 'vdso' | 'user-clock' | 'native-arch';
export type BuildMode = 'link' | 'nostdlib';

export interface CasesCheck {
  kind: 'cases';
  cases: string[];
}
/** How many ns/call a learner's code may take here; see schemas/kata.schema.json. */
export type Budget =
  | { ratio: number }
  | { ns: number; scaleBy: ScalingReference; referenceNs: number }
  | { ns: number; scaleBy: 'none' };

/** Reference operations the harness measures in every timing run. */
export type ScalingReference = 'function-call' | 'null-syscall' | 'vdso-clock';

export interface NsPerCallCheck {
  kind: 'ns-per-call';
  bench: string;
  label: string;
  reference: string;
  budget: Budget;
  epochs?: number;
}
/** Exactly perCall per call, at most maxPerCall per call, or at most maxPerRun in all. */
export interface SyscallCountCheck {
  kind: 'syscall-count';
  run: string;
  syscalls: string[];
  perCall?: number;
  maxPerCall?: number;
  maxPerRun?: number;
  /** Syscalls from outside the learner's code count as theirs (the vDSO's own fallback). */
  anyOrigin?: boolean;
  /** "correctness": the count is what the kata teaches (a working naive loop is the starting point), graded with the cases. */
  gradedAs?: 'correctness' | 'performance';
}
export type CheckSpec = CasesCheck | NsPerCallCheck | SyscallCountCheck;

export interface KataManifest {
  formatVersion: 1;
  id: string;
  title: string;
  track: string;
  arch: TargetArch;
  requires?: Requirement[];
  /** The liburing functions and macros the task needs: checked against the installed liburing. */
  liburingCalls?: string[];
  build?: { mode?: BuildMode; cflags?: string[]; libs?: string[] };
  symbols: { define: string[]; forbid?: string[]; allow?: string[]; noLibc?: boolean; forbidReason?: string };
  forbiddenInstructions?: { pattern: string; why: string }[];
  hints: string[];
  timeoutMs?: number;
  /** Cases whose notes are shown even when they pass. */
  showNotes?: string[];
  checks: CheckSpec[];
}

export interface Track {
  id: string;
  title: string;
}

export interface CourseFile {
  formatVersion: 1;
  tracks: Track[];
  order: string[];
}

/** A kata as the rest of the runner sees it: manifest plus where its files are. */
export interface Kata extends KataManifest {
  trackTitle: string;
  dir: string;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
