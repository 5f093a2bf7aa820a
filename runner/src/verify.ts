// The maintainers' check of the kata set itself (after rustlings' `dev check`):
// every reference solution passes, every starting file fails as shipped, and
// every kata folder has exactly the expected shape.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf } from './availability.js';
import { checkKata, type CheckOptions } from './judge.js';
import type { Kata } from './manifest.js';
import { exerciseFile, exercisesDir, solutionFile, solutionsDir } from './paths.js';
import type { KataResult } from './result.js';

export const EXERCISE_FILES = ['README.md', 'agent.c', 'check.c', 'exercise.c', 'kata.json'];
export const SOLUTION_FILES = ['exercise.c'];

export interface KataVerification {
  id: string;
  ok: boolean;
  unavailable?: string;
  problems: string[];
  solution?: KataResult;
  starting?: KataResult;
}

/** Shape problems that need no compiler. */
export function shapeProblems(kata: Kata): string[] {
  const problems: string[] = [];
  const compare = (dir: string, expected: string[]) => {
    if (!existsSync(dir)) return problems.push(`${path.relative(process.cwd(), dir)} is missing`);
    const found = readdirSync(dir).sort();
    for (const f of expected) if (!found.includes(f)) problems.push(`${path.relative(process.cwd(), path.join(dir, f))} is missing`);
    for (const f of found) if (!expected.includes(f)) problems.push(`${path.relative(process.cwd(), path.join(dir, f))} is a stray file (every kata folder has the same shape)`);
  };
  compare(path.join(exercisesDir, kata.id), EXERCISE_FILES);
  compare(path.join(solutionsDir, kata.id), SOLUTION_FILES);
  if (existsSync(exerciseFile(kata.id)) && !/\bTODO\b/.test(readFileSync(exerciseFile(kata.id), 'utf8')))
    problems.push(`exercises/${kata.id}/exercise.c carries no TODO for the learner`);
  return problems;
}

export function orphanSolutions(katas: Kata[]): string[] {
  const ids = new Set(katas.map((k) => k.id));
  return readdirSync(solutionsDir).filter((d) => !ids.has(d)).map((d) => `solutions/${d} has no kata in exercises/course.json`);
}

export async function verifyKata(kata: Kata, options: CheckOptions = {}): Promise<KataVerification> {
  const problems = shapeProblems(kata);
  const avail = await availabilityOf(kata);
  if (!avail.available) return { id: kata.id, ok: false, unavailable: avail.reason, problems };
  const solution = await checkKata(kata, solutionFile(kata.id), options);
  const starting = await checkKata(kata, exerciseFile(kata.id), options);
  if (solution.status !== 'pass') {
    const why = solution.checks.find((c) => c.status === 'fail' || c.status === 'error');
    problems.push(`the reference solution does not pass: ${why ? `${why.name}: ${why.message ?? why.status}` : solution.reason ?? solution.status}`);
  }
  if (starting.status !== 'fail') {
    problems.push(
      starting.status === 'pass'
        ? 'the starting file passes as shipped: a learner would have nothing to do'
        : `the starting file does not fail cleanly (${starting.status}: ${starting.reason ?? ''})`,
    );
  } else if (!starting.checks.some((c) => c.kind === 'compile' && c.name === 'compile' && c.status === 'pass')) {
    problems.push('the starting file does not compile: it must, so the learner starts from checks that speak');
  }
  return { id: kata.id, ok: problems.length === 0, problems, solution, starting };
}
