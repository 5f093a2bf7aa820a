// The course's seed ("System Calls and the Kernel Boundary") states a handful
// of costs. The book sets each claim beside what `syscall-katas bench`
// measured on the machine that built it, and says whether the claim held.
import type { BenchReport } from '../bench.js';

export interface SeedClaim {
  what: string;
  /** The seed's words. */
  claim: string;
  /** The range the claim allows, in the unit of `measured`. */
  low?: number;
  high?: number;
  unit: string;
  measured: (r: BenchReport) => number | undefined;
}

const ns = (name: string) => (r: BenchReport) => r.benchmarks.find((b) => b.name === name)?.real_time;

export const seedClaims: SeedClaim[] = [
  { what: 'a function call', claim: '~1–2 ns', low: 1, high: 2, unit: 'ns', measured: ns('function-call') },
  { what: 'a raw syscall (inline asm)', claim: 'roughly 50–100 ns of overhead', low: 50, high: 100, unit: 'ns', measured: ns('raw-syscall') },
  { what: 'a syscall against a function call', claim: '50–100× slower', low: 50, high: 100, unit: '×', measured: (r) => r.derived.syscall_over_call },
  { what: '10,000 syscalls per second', claim: 'about 0.1% of a core (at 100 ns each)', low: 0.1, high: 0.1, unit: '% of a core', measured: (r) => r.derived.core_share_10k_per_s_pct },
  { what: '1,000,000 syscalls per second', claim: '10% of a core lost to mode switching', low: 10, high: 10, unit: '% of a core', measured: (r) => r.derived.core_share_1m_per_s_pct },
  {
    what: 'clock_gettime through the vDSO',
    claim: 'entirely in user space, no mode switch',
    unit: 'ns',
    measured: ns('vdso-clock'),
  },
  { what: 'clock_gettime through the syscall instruction', claim: '(not stated)', unit: 'ns', measured: ns('raw-clock') },
  { what: 'libc syscall(SYS_getppid)', claim: '(not stated)', unit: 'ns', measured: ns('null-syscall') },
  { what: 'a cycle counter read (rdtsc / cntvct_el0)', claim: '(not stated)', unit: 'ns', measured: ns('counter-read') },
];

/** A point claim ("10%") holds within a fifth either way; a range holds inside it. */
export function verdictOf(c: SeedClaim, value: number | undefined): 'holds' | 'above' | 'below' | '' {
  if (value === undefined || c.low === undefined || c.high === undefined) return '';
  const slack = c.low === c.high ? 0.2 * c.low : 0;
  if (value < c.low - slack) return 'below';
  if (value > c.high + slack) return 'above';
  return 'holds';
}

export function formatFigure(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === '×' ? '×' : ` ${unit}`}`;
}
