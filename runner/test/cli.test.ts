// The command-line contract that CI scripts and instructors rely on, run
// against the built CLI in a child process, as a learner would run it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');

async function cli(args: string[], workspace: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { cwd: repo, env: { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const fresh = () => mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-cli-'));

describe('syscall-katas CLI', () => {
  it('list --json prints {id, title, track, arch, status} for every kata', async () => {
    const { code, stdout } = await cli(['list', '--json'], fresh());
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'title', 'track', 'arch', 'status']));
      expect(['done', 'failing', 'not-started', 'unavailable']).toContain(r.status);
    }
    expect(rows[0]!.status).toBe('not-started');
  });

  it('next shows the first kata failing, then moves on once it passes', async () => {
    const ws = fresh();
    const first = await cli(['next'], ws);
    expect(first.code).toBe(1);
    const firstId = (JSON.parse((await cli(['list', '--json'], ws)).stdout) as { id: string }[])[0]!.id;
    expect(first.stdout).toContain(`${firstId}.c`);
    expect(first.stdout).toContain('is not there yet');

    writeFileSync(path.join(ws, `${firstId}.c`), readFileSync(path.join(repo, 'solutions', firstId, 'exercise.c')));
    const passing = await cli(['next', '--brief'], ws);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain(`${firstId} passes`);

    const moved = await cli(['next', '--brief'], ws);
    expect(moved.stdout).not.toContain(`(${firstId} ·`);
    const rows = JSON.parse((await cli(['list', '--json'], ws)).stdout) as { id: string; status: string }[];
    expect(rows.find((r) => r.id === firstId)!.status).toBe('done');
  });

  it('check exits 1 on the starting file and 0 on the reference solution, with --json results', async () => {
    const ws = fresh();
    const stub = await cli(['check', 'x86-write', '--json'], ws);
    expect(stub.code).toBe(1);
    expect(JSON.parse(stub.stdout)).toMatchObject({ id: 'x86-write', status: 'fail' });
    const solved = await cli(['check', 'x86-write', '--json', '--file', path.join(repo, 'solutions', 'x86-write', 'exercise.c')], ws);
    expect(solved.code).toBe(0);
    const result = JSON.parse(solved.stdout) as { status: string; checks: { status: string }[] };
    expect(result.status).toBe('pass');
    expect(result.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('trace counts the learner\'s syscalls beside the reference solution\'s', async () => {
    const ws = fresh();
    const naive = path.join(repo, 'runner', 'test', 'fixtures', 'wrong', 'vdso-fallback', 'always-syscall', 'exercise.c');
    const r = await cli(['trace', 'vdso-fallback', '--json', '--file', naive], ws);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { learner: { what: string; calls: number; rows: { name: string; n: number }[] }[]; reference: { rows: { name: string; n: number }[] }[] };
    const served = report.learner.findIndex((run) => run.what.includes("'served'"));
    expect(served).toBeGreaterThanOrEqual(0);
    const mine = report.learner[served]!.rows.find((row) => row.name === 'clock_gettime')?.n ?? 0;
    const theirs = report.reference[served]!.rows.find((row) => row.name === 'clock_gettime')?.n ?? 0;
    expect(mine).toBe(report.learner[served]!.calls); // one syscall per call where the vDSO would answer
    expect(theirs).toBe(0);
    const table = await cli(['trace', 'x86-write', '--case', 'pipe', '--file', path.join(repo, 'solutions', 'x86-write', 'exercise.c')], ws);
    expect(table.stdout).toMatch(/write\s.*1\s.*1/);
  });

  it('reset restores the starting file and keeps a backup of the learner\'s', async () => {
    const ws = fresh();
    await cli(['check', 'x86-write'], ws);
    const mine = path.join(ws, 'x86-write.c');
    writeFileSync(mine, '/* my work */\n');
    const { code, stdout } = await cli(['reset', 'x86-write'], ws);
    expect(code).toBe(0);
    expect(readFileSync(mine, 'utf8')).toBe(readFileSync(path.join(repo, 'exercises', 'x86-write', 'exercise.c'), 'utf8'));
    const backups = readdirSync(path.join(ws, '.backup'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(ws, '.backup', backups[0]!), 'utf8')).toBe('/* my work */\n');
    expect(stdout).toContain('.backup');
  });

  it('hint shows the hints one at a time', async () => {
    const ws = fresh();
    const a = await cli(['hint', 'x86-write'], ws);
    const b = await cli(['hint', 'x86-write'], ws);
    expect(a.stdout).toContain('Hint 1 of');
    expect(b.stdout).toContain('Hint 2 of');
  });

  it('doctor reports the toolchain and kernel features', async () => {
    const { code, stdout } = await cli(['doctor', '--json'], fresh());
    const d = JSON.parse(stdout) as { findings: { name: string; ok: boolean; defence?: boolean }[]; lost: string[] };
    // Exit 1 exactly when a defence is lost (the package test stages a missing addon).
    expect(d.lost).toEqual(d.findings.filter((f) => f.defence && !f.ok).map((f) => f.name));
    expect(code).toBe(d.lost.length ? 1 : 0);
    const names = d.findings.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['libseccomp', 'liburing', 'Landlock', 'agent uid', 'timed syscalls']));
    expect(names.some((n) => n.startsWith('io_uring'))).toBe(true);
    expect(names.some((n) => n.startsWith('vDSO'))).toBe(true);
  });

  it('every command has --help', async () => {
    for (const cmd of ['next', 'show', 'list', 'check', 'hint', 'reset', 'doctor', 'verify', 'watch', 'trace', 'book', 'report']) {
      const { code, stdout } = await cli([cmd, '--help'], fresh());
      expect(code, cmd).toBe(0);
      expect(stdout, cmd).toContain('Usage: syscall-katas');
    }
  });

  it('an unknown kata id gets a clear error', async () => {
    const { code, stderr } = await cli(['check', 'x86-wrte'], fresh());
    expect(code).toBe(2);
    expect(stderr).toContain('No kata "x86-wrte"');
  });

  it('shows katas whose tools are missing as unavailable, with the install command', async () => {
    // A PATH with node and the native toolchain only: no cross compiler, no qemu.
    const bin = fresh();
    for (const tool of ['node', 'cc', 'nm', 'objdump', 'strace']) {
      const found = (await run('sh', ['-c', `command -v ${tool}`])).stdout.trim();
      if (found) symlinkSync(found, path.join(bin, tool));
    }
    const { stdout } = await run(process.execPath, [path.join(repo, 'runner', 'bin', 'syscall-katas.js'), 'list', '--json'], {
      cwd: repo,
      env: { SYSCALL_KATAS_WORKSPACE: fresh(), PATH: bin },
    });
    const rows = JSON.parse(stdout) as { id: string; arch: string; status: string; reason?: string }[];
    const foreign = process.arch === 'x64' ? 'aarch64' : 'x86_64';
    const emulated = rows.filter((r) => r.arch === foreign);
    expect(emulated.length).toBeGreaterThan(0);
    for (const r of emulated) {
      expect(r.status).toBe('unavailable');
      expect(r.reason).toMatch(/needs .*qemu-.*: sudo apt-get install -y .*qemu-user/);
    }
    expect(rows.find((r) => r.id === 'portable-write')!.status).not.toBe('unavailable');
  });

  it('next on a machine without a compiler says so, with the install command, instead of "all done"', async () => {
    const bin = fresh();
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const { stdout } = await run(process.execPath, [path.join(repo, 'runner', 'bin', 'syscall-katas.js'), 'next'], {
      cwd: repo,
      env: { SYSCALL_KATAS_WORKSPACE: fresh(), PATH: bin, NO_COLOR: '1' },
    });
    expect(stdout).toContain('No kata can run on this machine yet.');
    expect(stdout).toContain('sudo apt-get install -y gcc');
  });

  it('never writes into exercises/', async () => {
    const before = readdirSync(path.join(repo, 'exercises', 'x86-write'));
    await cli(['reset', 'x86-write'], fresh());
    expect(readdirSync(path.join(repo, 'exercises', 'x86-write'))).toEqual(before);
    expect(existsSync(path.join(repo, 'exercises', 'x86-write', 'x86-write.c'))).toBe(false);
  });
});
