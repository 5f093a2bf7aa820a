// Plausible wrong solutions: for every kata, at least one learner file with
// a mistake a real learner makes (not a cheat), each of which must fail, on
// the check and with the words a learner would see.
// Layout: fixtures/wrong/<kata-id>/<mistake>/{exercise.c,expected.json}.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKata } from '../src/judge.js';
import { findKata } from '../src/katas.js';
import { hostArch } from '../src/targets.js';

const root = path.join(import.meta.dirname, 'fixtures', 'wrong');

interface Expected {
  status: string;
  check: string | string[];
  /** When set, the architecture the first failing check ran for. */
  arch?: string;
  message: string[];
  timeoutMs?: number;
  /** CPUs the mistake needs to show (a CPU number kept across a move): skipped on fewer. */
  minCpus?: number;
}

describe.runIf(hostArch === 'x86_64')('what a learner sees for a plausible wrong solution', () => {
  for (const kata of readdirSync(root).sort()) {
    describe(kata, () => {
      for (const name of readdirSync(path.join(root, kata)).sort()) {
        const dir = path.join(root, kata, name);
        const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
        it.skipIf((expected.minCpus ?? 1) > os.availableParallelism())(name, async () => {
          const result = await checkKata(findKata(kata), path.join(dir, 'exercise.c'), { timeoutMs: expected.timeoutMs });
          expect(result.status).toBe(expected.status);
          const failing = result.checks.find((c) => c.status === 'fail');
          // Where the first failing check may vary with the run's seed, the fixture lists each it may be.
          if (Array.isArray(expected.check)) expect(expected.check).toContain(failing?.name);
          else expect(failing?.name).toBe(expected.check);
          if (expected.arch) expect(failing?.arch).toBe(expected.arch);
          for (const part of expected.message) expect(failing?.message).toContain(part);
        });
      }
    });
  }
});

// Every kata of the course has at least one wrong solution here.
describe('the wrong-solution fixtures', () => {
  it('cover every kata in exercises/course.json', () => {
    const course = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'exercises', 'course.json'), 'utf8')) as { order: string[] };
    const covered = readdirSync(root).filter((kata) => readdirSync(path.join(root, kata)).length > 0);
    expect(course.order.filter((kata) => !covered.includes(kata))).toEqual([]);
  });
});
