// Golden fixtures: learner files that go wrong in each way a learner's can,
// checked against x86-write, each with the message a learner would see.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKata } from '../src/judge.js';
import { findKata } from '../src/katas.js';
import { hostArch } from '../src/targets.js';

const root = path.join(import.meta.dirname, 'fixtures', 'x86-write');

interface Expected {
  status: string;
  check: string;
  message: string[];
  timeoutMs?: number;
}

// Both sandboxes (the native addon and Node's spawn) must give the same words.
describe.runIf(hostArch === 'x86_64').each(['addon', 'node'])('what a learner sees when x86-write goes wrong (%s sandbox)', (sandbox) => {
  beforeAll(() => {
    process.env.SYSCALL_KATAS_SANDBOX = sandbox;
  });
  afterAll(() => {
    delete process.env.SYSCALL_KATAS_SANDBOX;
  });
  for (const name of readdirSync(root)) {
    const expected = JSON.parse(readFileSync(path.join(root, name, 'expected.json'), 'utf8')) as Expected;
    it(name, async () => {
      const result = await checkKata(findKata('x86-write'), path.join(root, name, 'exercise.c'), { timeoutMs: expected.timeoutMs });
      expect(result.status).toBe(expected.status);
      const failing = result.checks.find((c) => c.status === 'fail');
      expect(failing?.name).toBe(expected.check);
      for (const part of expected.message) expect(failing?.message).toContain(part);
    });
  }
});

// The driver contract: the judge lists its tables, and a kata.json that
// disagrees with them is a course error, never a case silently dropped.
describe.runIf(hostArch === 'x86_64')('a manifest and a driver that disagree', () => {
  const solution = path.join(import.meta.dirname, '..', '..', 'solutions', 'x86-write', 'exercise.c');
  it('a case check.c has and kata.json does not list is an error, not a pass', async () => {
    const kata = { ...findKata('x86-write'), checks: [{ kind: 'cases' as const, cases: ['pipe', 'file', 'zero-length'] }] };
    const result = await checkKata(kata, solution);
    expect(result.status).toBe('error');
    expect(result.reason).toContain("check.c has case bad-fd that kata.json does not list");
  });
  it('a case kata.json lists and check.c does not have is an error', async () => {
    const kata = { ...findKata('x86-write'), checks: [{ kind: 'cases' as const, cases: ['pipe', 'file', 'zero-length', 'bad-fd', 'huge'] }] };
    const result = await checkKata(kata, solution);
    expect(result.status).toBe('error');
    expect(result.reason).toContain('kata.json lists case huge that check.c does not have');
  });
});
