// Grades a submission (a folder holding <kata-id>.c files, the workspace
// layout) against the pristine katas, one kata after another: timings want a
// quiet machine. The runner computes every point; nothing the learner's
// program says is taken on trust (see judge.ts).
import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf } from '../availability.js';
import { checkKata } from '../judge.js';
import { displayPath } from '../paths.js';
import type { GradeConfig, GradedKataSpec } from './config.js';
import { GRADE_REPORT_VERSION, type GradeReport, type ScoredKata } from './model.js';
import { scoreKata } from './score.js';
import { readLearnerSource } from '../source.js';

function unscored(spec: GradedKataSpec, file: string, status: ScoredKata['status'], reason: string, durationMs = 0): ScoredKata {
  return {
    id: spec.kata.id,
    title: spec.kata.title,
    track: spec.kata.track,
    trackTitle: spec.kata.trackTitle,
    status,
    score: 0,
    maxScore: spec.points,
    file: displayPath(file),
    reason,
    durationMs,
    checks: [],
  };
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

async function gradeKata(spec: GradedKataSpec, dir: string, config: GradeConfig): Promise<ScoredKata> {
  const file = path.join(dir, `${spec.kata.id}.c`);
  if (!existsSync(file) && !isLink(file)) return unscored(spec, file, 'missing', `no ${spec.kata.id}.c in the submission`);
  const own = readLearnerSource(file, dir);
  if ('problem' in own) return unscored(spec, file, 'fail', own.problem);
  const avail = await availabilityOf(spec.kata);
  if (!avail.available) return unscored(spec, file, 'unavailable', `not graded on this machine: ${avail.reason}`);
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.kataTimeoutMs);
  });
  const checking = checkKata(spec.kata, file, { budgetScale: config.budgetScale, timeoutMs: config.timeoutMs, guard: true, signal: abort.signal });
  try {
    const result = await Promise.race([checking, deadline]);
    if (result !== 'timeout') return scoreKata(spec, result, config.showMessages);
    // Stop its remaining runs, and let the one under way end (its own timeout
    // bounds it) before the next kata is timed on a quiet machine.
    abort.abort();
    await checking.catch(() => undefined);
    return unscored(spec, file, 'timeout', `grading this kata took longer than ${(config.kataTimeoutMs / 1000).toFixed(0)} s`, performance.now() - started);
  } catch (e) {
    // Whatever went wrong grading this kata (a bug, a file that is not text, an
    // outcome nobody foresaw) is this kata's error: the next kata is graded.
    return unscored(spec, file, 'error', `this kata could not be graded: ${(e as Error).message}`, performance.now() - started);
  } finally {
    clearTimeout(timer);
  }
}

export interface GradeProgress {
  (done: number, total: number, kataId: string): void;
}

export async function gradeSubmission(dir: string, config: GradeConfig, progress?: GradeProgress): Promise<GradeReport> {
  const started = performance.now();
  const katas: ScoredKata[] = [];
  for (const [i, spec] of config.katas.entries()) {
    progress?.(i, config.katas.length, spec.kata.id);
    katas.push(await gradeKata(spec, dir, config));
  }
  progress?.(config.katas.length, config.katas.length, '');
  const score = Math.round(katas.reduce((s, k) => s + k.score, 0) * 100) / 100;
  const maxScore = katas.reduce((s, k) => s + k.maxScore, 0);
  return {
    version: GRADE_REPORT_VERSION,
    submission: displayPath(dir),
    generatedAt: new Date().toISOString(),
    score,
    maxScore,
    percentage: maxScore ? Math.round((score / maxScore) * 10000) / 100 : 0,
    ungraded: katas.filter((k) => k.status === 'unavailable').map((k) => k.id),
    messagesShown: config.showMessages,
    durationMs: performance.now() - started,
    katas,
  };
}
