// The one result model. `check --json`, the terminal view, `verify` and (later)
// every grading format are views of these types. Results start from "error:
// nothing ran" so that a silent crash can never read as a pass.
import type { Arch } from './manifest.js';

export const RESULT_VERSION = 1;

/** inconclusive: a timing too close to its budget to call at this noise. */
export type CheckStatus = 'pass' | 'fail' | 'error' | 'inconclusive' | 'skipped' | 'not-enforced' | 'unavailable';
export type KataStatus = 'pass' | 'fail' | 'error' | 'inconclusive' | 'unavailable';

export interface BudgetFigures {
  /** Median ns/call of the learner's code, net of the loop's own cost. */
  nsPerCall: number;
  /** Median ns/call of the kata's reference, measured in the same run. */
  referenceNsPerCall: number;
  reference: string;
  /** The budget on this machine, in ns/call, and how it was derived. */
  budgetNs: number;
  derivation: string;
  /** Median absolute percentage deviation of the learner's epochs. */
  spreadPct: number;
  /** Spread >= 5%, or most epochs disturbed: the figure is not to be trusted. */
  unstable: boolean;
  /** Median wall/CPU time ratio; well above 1 means the machine was busy. */
  busyRatio: number;
  epochs: number;
  /** Reference operations measured in the same run, ns/call by name. */
  references: Record<string, number>;
  /** User-space instructions per call (learner, reference), where perf counters are allowed. */
  instructionsPerCall?: number;
  referenceInstructionsPerCall?: number;
}

export interface SyscallFigures {
  counted: number;
  /** The bound: exactly this many (rule 'exactly') or at most this many. */
  limit: number;
  rule: 'exactly' | 'at most';
  calls: number;
  syscalls: string[];
}

export interface CheckResult {
  /** e.g. "compile", "symbols", "case pipe", "exit status", "getppid ns/call" */
  name: string;
  kind: 'compile' | 'symbols' | 'instructions' | 'case' | 'ns-per-call' | 'syscall-count';
  arch: Arch;
  status: CheckStatus;
  /** One line a learner can act on. */
  message?: string;
  /** Further lines: compiler output, expected vs got, the inputs used. */
  details?: string[];
  budget?: BudgetFigures;
  syscalls?: SyscallFigures;
  /** A count that is the kata's lesson (gradedAs "correctness"): grading counts it with the cases. */
  lesson?: boolean;
  /** How long the step that produced it took (the build, one judge run): on a step's first result only. */
  durationMs?: number;
}

export interface KataResult {
  version: typeof RESULT_VERSION;
  id: string;
  title: string;
  status: KataStatus;
  /** Why it is unavailable or could not be graded. */
  reason?: string;
  file: string;
  archs: Arch[];
  checks: CheckResult[];
  durationMs: number;
}

export function overallStatus(checks: CheckResult[]): KataStatus {
  if (checks.length === 0) return 'error';
  if (checks.some((c) => c.status === 'error')) return 'error';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'inconclusive')) return 'inconclusive';
  // A case the running kernel could not support (kata_unsupported): the kata is unavailable here.
  if (checks.some((c) => c.status === 'unavailable' && c.kind === 'case')) return 'unavailable';
  if (checks.every((c) => c.status === 'unavailable')) return 'unavailable';
  return 'pass';
}
