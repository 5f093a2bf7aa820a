// Grades a submission (a folder holding <kata-id>.c files, at its top or in
// katas/: layout.ts) against the pristine katas, one kata after another:
// timings want a quiet machine (with --jobs, the gate keeps it quiet for them). The runner computes every point; nothing the learner's
// program says is taken on trust (see judge.ts).
import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf } from '../availability.js';
import { checkKata } from '../judge.js';
import { displayPath } from '../paths.js';
import type { RunGate } from '../checks/run.js';
import type { GradeConfig, GradedKataSpec } from './config.js';
import { waitCounting } from './gate.js';
import { submissionFolder } from './layout.js';
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

async function gradeKata(spec: GradedKataSpec, dir: string, config: GradeConfig, sharedGate?: RunGate): Promise<ScoredKata> {
  const file = path.join(dir, `${spec.kata.id}.c`);
  if (!existsSync(file) && !isLink(file)) return unscored(spec, file, 'missing', `no ${spec.kata.id}.c in the submission`);
  const own = readLearnerSource(file, dir);
  if ('problem' in own) return unscored(spec, file, 'fail', own.problem);
  const avail = await availabilityOf(spec.kata);
  if (!avail.available) return unscored(spec, file, 'unavailable', `not graded on this machine: ${avail.reason}`);
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Time spent waiting for the gate (another student's timing run) is not this kata's.
  let waited = 0;
  const gate = sharedGate && waitCounting(sharedGate, (ms) => (waited += ms));
  const deadline = new Promise<'timeout'>((resolve) => {
    const arm = () => {
      const left = config.kataTimeoutMs + waited - (performance.now() - started);
      if (left <= 0) resolve('timeout');
      else timer = setTimeout(arm, left);
    };
    arm();
  });
  const checking = checkKata(spec.kata, file, { budgetScale: config.budgetScale, timeoutMs: config.timeoutMs, guard: true, signal: abort.signal, gate });
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

/** Grades the submission in `dir` (or its katas/ folder); throws SubmissionLayoutError when it holds no kata file. */
export async function gradeSubmission(dir: string, config: GradeConfig, progress?: GradeProgress, gate?: RunGate): Promise<GradeReport> {
  const started = performance.now();
  const folder = submissionFolder(dir, config.katas.map((k) => k.kata.id));
  const katas: ScoredKata[] = [];
  for (const [i, spec] of config.katas.entries()) {
    progress?.(i, config.katas.length, spec.kata.id);
    katas.push(await gradeKata(spec, folder, config, gate));
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
