// The kata set proves itself: every reference solution passes and every
// starting file fails, on every arch this machine can run (CI installs the
// cross compiler and qemu, so there that is all of them).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');

interface Verification {
  ok: boolean;
  setProblems: string[];
  katas: { id: string; ok: boolean; unavailable?: string; problems: string[] }[];
}

it('verify: every solution passes, every starting file fails', { timeout: 600_000 }, async () => {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-verify-'));
  let stdout: string;
  try {
    ({ stdout } = await run('node', [path.join(repo, 'runner', 'bin', 'syscall-katas.js'), 'verify', '--json'], {
      cwd: repo,
      env: { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace },
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (e) {
    stdout = (e as { stdout: string }).stdout;
  }
  const v = JSON.parse(stdout) as Verification;
  const problems = [...v.setProblems, ...v.katas.flatMap((k) => [...k.problems, ...(k.unavailable ? [`unavailable: ${k.unavailable}`] : [])].map((p) => `${k.id}: ${p}`))];
  expect(problems).toEqual([]);
  expect(v.ok).toBe(true);
});
