// A kata's graded parts, as the test-per-item formats (JUnit, Gradescope)
// show them: the build, correctness (all or nothing: the cases and the counts
// that are the kata's lesson), and each budget on its own. Points are handled
// in whole cents, so that the parts of a kata add up to its points exactly.
import path from 'node:path';
import type { Arch } from '../manifest.js';
import type { GradeReport, ScoredCheck, ScoredKata } from './model.js';

export interface GradedPart {
  kata: ScoredKata;
  part: ScoredCheck['part'];
  /** "correctness", "build", or the budget's name. */
  name: string;
  /** Set when the part belongs to one arch of a kata checked on several. */
  arch?: Arch;
  checks: ScoredCheck[];
  scoreCents: number;
  maxCents: number;
  passed: boolean;
  /** Measured: the sum of the steps (build, judge runs) behind its checks. */
  durationMs: number;
}

export const cents = (points: number) => Math.round(points * 100);

const earns = (c: ScoredCheck) => c.status === 'pass' || c.status === 'not-enforced';

function part(kata: ScoredKata, p: ScoredCheck['part'], name: string, checks: ScoredCheck[], passed: boolean, arch?: Arch): GradedPart {
  return {
    kata,
    part: p,
    name,
    arch,
    checks,
    scoreCents: checks.reduce((s, c) => s + cents(c.score), 0),
    maxCents: checks.reduce((s, c) => s + cents(c.maxScore), 0),
    passed,
    durationMs: checks.reduce((s, c) => s + (c.durationMs ?? 0), 0),
  };
}

/** Whether the kata's code is correct: it built, and every correctness check passed (on every arch). */
export function kataCorrect(kata: ScoredKata): boolean {
  const built = kata.checks.filter((c) => c.part === 'build').every((c) => earns(c) || c.status === 'unavailable');
  const correctness = kata.checks.filter((c) => c.part === 'correctness');
  return built && correctness.length > 0 && correctness.every(earns);
}

/**
 * The parts of a kata. perArch: build and correctness once per arch (JUnit);
 * otherwise correctness once for the kata, the build folded into it
 * (Gradescope). A kata that never ran (missing file, unavailable, timed out)
 * is one part worth all its points. The parts' cents add up to the kata's.
 */
export function partsOf(kata: ScoredKata, perArch: boolean): GradedPart[] {
  if (kata.checks.length === 0) return [{ kata, part: 'correctness', name: 'correctness', checks: [], scoreCents: cents(kata.score), maxCents: cents(kata.maxScore), passed: false, durationMs: kata.durationMs }];
  const archs = [...new Set(kata.checks.map((c) => c.arch))];
  const multiArch = archs.length > 1;
  const correct = kataCorrect(kata);
  const parts: GradedPart[] = [];
  for (const arch of perArch ? archs : [undefined]) {
    const mine = kata.checks.filter((c) => arch === undefined || c.arch === arch);
    const tag = perArch && multiArch ? arch : undefined;
    if (perArch && mine.every((c) => c.status === 'unavailable')) {
      parts.push(part(kata, 'build', 'toolchain', mine, false, tag));
      continue;
    }
    const build = mine.filter((c) => c.part === 'build');
    const correctness = mine.filter((c) => c.part === 'correctness');
    if (perArch) parts.push(part(kata, 'build', 'build', build, build.every(earns), tag));
    const archCorrect = build.every(earns) && correctness.length > 0 && correctness.every(earns);
    parts.push(part(kata, 'correctness', 'correctness', perArch ? correctness : [...build, ...correctness], perArch ? archCorrect : correct, tag));
  }
  for (const c of kata.checks.filter((x) => x.part === 'budget')) {
    parts.push(part(kata, 'budget', c.name, [c], correct && earns(c), multiArch ? c.arch : undefined));
  }
  // Whatever the checks' cents leave of the kata's points (none, unless its config points are not whole cents) goes to correctness.
  const rest = cents(kata.maxScore) - parts.reduce((s, p) => s + p.maxCents, 0);
  const first = parts.find((p) => p.part === 'correctness');
  if (rest !== 0 && first) first.maxCents += rest;
  return parts;
}

export function partTitle(p: GradedPart): string {
  return `${p.kata.id}: ${p.name}${p.arch ? ` [${p.arch}]` : ''}`;
}

/** What went wrong in a part, one line per failing check (or the kata's reason when nothing ran). */
export function partProblems(p: GradedPart): string[] {
  if (p.checks.length === 0) return [p.kata.reason ?? p.kata.status];
  return p.checks.filter((c) => !earns(c)).map((c) => `${c.name}${p.arch || new Set(p.kata.checks.map((x) => x.arch)).size < 2 ? '' : ` [${c.arch}]`}: ${c.message ?? c.status}`);
}

/**
 * A kata's file as a relative path: relative to where grading ran when it is
 * below it (a CI checkout), else to the folder above the submission
 * ("alice/katas/x86-write.c").
 */
export function relativeFile(report: GradeReport, kata: ScoredKata): string {
  if (!path.isAbsolute(kata.file)) return kata.file;
  const base = path.dirname(path.resolve(report.submission));
  return path.relative(base, kata.file);
}
