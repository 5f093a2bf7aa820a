// Turns a timing run into a verdict: the budget on this machine (scaled by a
// reference measured in the same run), the learner's figure net of loop
// overhead, and a noise band inside which the verdict is "inconclusive"
// rather than a coin flip.
import type { Budget, ScalingReference } from './manifest.js';
import type { Series } from './protocol.js';
import { median, spreadPct } from './stats.js';

/** Spread (median absolute % deviation) at or above which a run is unstable. */
export const UNSTABLE_SPREAD_PCT = 5;
/** The band never narrows below this: medians of two loops differ by ~1% run to run. */
const MIN_BAND_PCT = 1.5;

export const referenceLabels: Record<ScalingReference, string> = {
  'function-call': 'function call',
  'null-syscall': 'null syscall',
  'vdso-clock': 'vDSO clock_gettime',
};

export interface Figures {
  /** Median ns/call of each side, net of the empty loop's cost. */
  nsPerCall: number;
  referenceNsPerCall: number;
  spreadPct: number;
  referenceSpreadPct: number;
  /** Median wall/CPU time: above ~1.2 the thread waited for a core. */
  busyRatio: number;
  disturbedEpochs: number;
  epochs: number;
}

export function figuresOf(learner: Series, reference: Series, overheadNs: number): Figures {
  const net = (s: Series) => Math.max(median(s.wallNs) - overheadNs, 0);
  const busy = (s: Series) => median(s.wallNs) / Math.max(median(s.cpuNs), 1e-9);
  return {
    nsPerCall: net(learner),
    referenceNsPerCall: net(reference),
    spreadPct: spreadPct(learner.wallNs),
    referenceSpreadPct: spreadPct(reference.wallNs),
    busyRatio: Math.max(busy(learner), busy(reference)),
    disturbedEpochs: learner.disturbed + reference.disturbed,
    epochs: learner.wallNs.length,
  };
}

export interface BudgetHere {
  ns: number;
  /** How it was derived, for the learner: "1.15 × libc syscall() 165 ns". */
  derivation: string;
}

export function budgetHere(budget: Budget, kataReference: { label: string; ns: number }, references: Record<string, number>, scale = 1): BudgetHere | { error: string } {
  const scaled = scale === 1 ? '' : ` × --budget-scale ${scale}`;
  if ('ratio' in budget)
    return { ns: budget.ratio * kataReference.ns * scale, derivation: `${budget.ratio} × ${kataReference.label} ${kataReference.ns.toFixed(0)} ns${scaled}` };
  if (budget.scaleBy === 'none') return { ns: budget.ns * scale, derivation: `${budget.ns} ns, not scaled${scaled}` };
  const here = references[budget.scaleBy];
  if (!(here && here > 0)) return { error: `the run did not measure the ${budget.scaleBy} reference` };
  const label = referenceLabels[budget.scaleBy];
  return {
    ns: budget.ns * (here / budget.referenceNs) * scale,
    derivation: `${budget.ns} ns on the reference machine × ${label} here ${here.toFixed(0)} ns / there ${budget.referenceNs} ns${scaled}`,
  };
}

export type BudgetVerdict = 'pass' | 'fail' | 'borderline';

/** Within the band the two figures cannot be told apart at this noise. */
export function judgeBudget(f: Figures, budgetNs: number): BudgetVerdict {
  const bandPct = Math.max(f.spreadPct + f.referenceSpreadPct, MIN_BAND_PCT);
  const marginPct = (Math.abs(f.nsPerCall - budgetNs) / budgetNs) * 100;
  if (marginPct < bandPct) return 'borderline';
  return f.nsPerCall <= budgetNs ? 'pass' : 'fail';
}

export function isUnstable(f: Figures): boolean {
  return f.spreadPct >= UNSTABLE_SPREAD_PCT || f.referenceSpreadPct >= UNSTABLE_SPREAD_PCT || f.disturbedEpochs > f.epochs / 2;
}
