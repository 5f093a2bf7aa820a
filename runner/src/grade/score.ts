// Points for one kata's result. Correctness is all or nothing: the kata's
// correctness points are earned only when every case passes (a stub that
// happens to pass a trivial case earns nothing). Performance points are split
// among its budgets (ns/call, syscall counts), each earned on its own, so
// correct-but-slow code gets partial credit. A build that fails earns nothing.
import type { CheckResult, KataResult } from '../result.js';
import type { GradedKataSpec } from './config.js';
import type { ScoredCheck, ScoredKata } from './model.js';

// A count that is the kata's lesson (gradedAs "correctness") is graded with the cases: a working
// naive loop, the starting file of such a kata, must not earn the correctness points.
const isCorrectness = (c: CheckResult) => c.kind === 'case' || (c.kind === 'syscall-count' && !!c.lesson);
const isPerformance = (c: CheckResult) => c.kind === 'ns-per-call' || (c.kind === 'syscall-count' && !c.lesson);

const round = (x: number) => Math.round(x * 100) / 100;

/** `cents` split into `n` whole-cent shares that add up exactly (the first ones take the remainder). */
function apportion(cents: number, n: number): number[] {
  if (n === 0) return [];
  const base = Math.floor(cents / n);
  return Array.from({ length: n }, (_, i) => (base + (i < cents - base * n ? 1 : 0)) / 100);
}

/** Not enforced under emulation is not the student's doing: the points are theirs. */
function earns(c: CheckResult): boolean {
  return c.status === 'pass' || c.status === 'not-enforced';
}

export function scoreKata(spec: GradedKataSpec, result: KataResult, showMessages: boolean): ScoredKata {
  const correctness = result.checks.filter(isCorrectness);
  const performance = result.checks.filter(isPerformance);
  // A kata whose performance checks never ran (build failed) still owes them.
  const perfShare = performance.length ? spec.performanceShare : 0;
  // In whole cents, so that the shown per-check points add up to the kata's exactly.
  const totalCents = Math.round(spec.points * 100);
  const correctCents = Math.round(spec.points * (1 - perfShare) * 100);
  const correctShares = apportion(correctCents, correctness.length);
  const perfShares = apportion(totalCents - correctCents, performance.length);
  const buildOk = !result.checks.some((c) => (c.kind === 'compile' || c.kind === 'symbols' || c.kind === 'instructions') && c.status === 'fail');
  const allCorrect = buildOk && correctness.length > 0 && correctness.every(earns);
  let earned = 0;
  let nthCorrect = 0;
  let nthPerf = 0;
  const checks: ScoredCheck[] = result.checks.map((c) => {
    const max = isCorrectness(c) ? correctShares[nthCorrect++]! : isPerformance(c) ? perfShares[nthPerf++]! : 0;
    const score = isCorrectness(c) ? (allCorrect ? max : 0) : allCorrect && earns(c) ? max : 0;
    earned += score;
    return {
      name: c.name,
      kind: c.kind,
      arch: c.arch,
      status: c.status,
      part: isCorrectness(c) ? 'correctness' : isPerformance(c) ? 'budget' : 'build',
      score: round(score),
      maxScore: round(max),
      ...(c.durationMs !== undefined ? { durationMs: c.durationMs } : {}),
      ...(showMessages ? { message: c.message, details: c.details } : {}),
    };
  });
  const maxScore = spec.points;
  // Summed before rounding, so three thirds make a whole.
  const score = result.status === 'unavailable' ? 0 : round(Math.min(earned, maxScore));
  return {
    id: result.id,
    title: result.title,
    track: spec.kata.track,
    trackTitle: spec.kata.trackTitle,
    status: result.status,
    score,
    maxScore,
    file: result.file,
    reason: result.reason,
    durationMs: result.durationMs,
    checks,
  };
}
