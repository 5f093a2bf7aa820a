// The first hour: what `next` prints from a fresh workspace, at 80 columns,
// in plain text; and the bar a budget check draws.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderResult } from '../src/render.js';
import type { KataResult } from '../src/result.js';
import { hostArch, which } from '../src/targets.js';

const repo = path.resolve(import.meta.dirname, '..', '..');

function cli(ws: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, SYSCALL_KATAS_WORKSPACE: ws, COLUMNS: '80' };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  try {
    return execFileSync('node', [path.join(repo, 'runner', 'bin', 'syscall-katas.js'), ...args], {
      cwd: repo,
      encoding: 'utf8',
      env,
    });
  } catch (e) {
    return (e as { stdout: string }).stdout; // a failing verdict exits 1
  }
}

describe.runIf(hostArch === 'x86_64')('next from a fresh clone', () => {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-pacing-'));
  let first = '';
  it('fits in two screens at 80 columns: the instructions, then the verdict', () => {
    first = cli(ws, 'next');
    const lines = first.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(100);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    expect(first).toMatch(/^A batch timer the compiler cannot fool\nkata 1 of \d+ · track 1 of \d+ \(Measure the boundary\)/);
    expect(first).toContain('## Your task');
    expect(first).toContain('measure-batch is not there yet');
    // The ARM64 branch of a native-only kata: compiled, and said truthfully why it is not run.
    if (which('aarch64-linux-gnu-gcc')) expect(first).toMatch(/~ \[aarch64\] checks: compiled; not run: under emulation timings\s+mean nothing/);
    // Not a TTY: plain text, no colour codes.
    expect(first).not.toMatch(/\x1b\[/);
  }, 120_000);
  it('shows the verdict alone the second time, and `show` prints the instructions again', () => {
    const second = cli(ws, 'next');
    expect(second).not.toContain('## Your task');
    expect(second).toContain('Instructions: npx syscall-katas show measure-batch');
    expect(second).toContain('measure-batch is not there yet');
    const shown = cli(ws, 'show');
    expect(shown).toContain('## Your task');
    expect(shown).not.toContain('Checking your file');
  }, 120_000);
});

describe('a budget check draws yours, the budget and the reference on one scale', () => {
  const result = (ns: number, status: 'pass' | 'fail'): KataResult => ({
    version: 1,
    id: 'x86-cost',
    title: 'x',
    status,
    file: 'x86-cost.c',
    archs: ['x86_64'],
    durationMs: 1,
    checks: [
      {
        name: 'getppid ns/call',
        kind: 'ns-per-call',
        arch: 'x86_64',
        status,
        message: `${ns} ns/call`,
        budget: { nsPerCall: ns, referenceNsPerCall: 116, reference: 'libc syscall()', budgetNs: 135, derivation: '', spreadPct: 1, unstable: false, busyRatio: 1, epochs: 11, references: {} },
      },
    ],
  });
  const bars = (text: string) =>
    Object.fromEntries(
      text
        .split('\n')
        .map((l) => /^ {6}(yours|budget|libc syscall\(\))\s+(█*)\s+(\S+) ns$/.exec(l))
        .filter((m) => m !== null)
        .map((m) => [m[1], { cells: m[2]!.length, ns: Number(m[3]) }]),
    );
  it('the largest figure fills the bar, the others in proportion', () => {
    const b = bars(renderResult(result(270, 'fail')));
    expect(Object.keys(b)).toEqual(['yours', 'budget', 'libc syscall()']);
    expect(b.yours!.ns).toBe(270);
    expect(b.budget!.cells / b.yours!.cells).toBeCloseTo(135 / 270, 1);
    expect(b['libc syscall()']!.cells).toBeLessThan(b.budget!.cells);
    const passing = bars(renderResult(result(100, 'pass')));
    expect(passing.budget!.cells).toBeGreaterThan(passing.yours!.cells);
  });
});
