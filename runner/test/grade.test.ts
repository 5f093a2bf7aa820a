// Instructor grading: scores on the pristine files and on the reference
// solutions, every output format checked with a real parser or its schema,
// exit codes, a folder of submissions, the classroom template, and student
// text that tries to become a GitHub workflow command.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GradeReport } from '../src/grade/model.js';
import { gradescopeReporter } from '../src/grade/reporters/gradescope.js';
import { loadKatas } from '../src/katas.js';
import { validate } from '../src/schema.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `syscall-katas-${p}-`));

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { cwd: repo, env: { ...process.env, SYSCALL_KATAS_WORKSPACE: tmp('ws'), NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A submission folder holding every kata's file from `from` (exercises or solutions). */
function submission(from: 'exercises' | 'solutions'): string {
  const dir = tmp(from);
  for (const k of loadKatas().katas) copyFileSync(path.join(repo, from, k.id, 'exercise.c'), path.join(dir, `${k.id}.c`));
  return dir;
}

interface Report {
  score: number;
  maxScore: number;
  katas: { id: string; status: string; score: number; checks: { status: string; part: string; message?: string }[] }[];
}

let pristine: string;
let solved: string;
let pristineReport: Report;
let solvedReport: Report;

beforeAll(async () => {
  pristine = submission('exercises');
  solved = submission('solutions');
  pristineReport = JSON.parse((await cli(['grade', '--submission', pristine, '--format', 'json'])).stdout) as Report;
  solvedReport = JSON.parse((await cli(['grade', '--submission', solved, '--format', 'json'])).stdout) as Report;
}, 300_000);

describe('grade', () => {
  it('scores the pristine starting files 0, every kata failing for a stated reason', () => {
    expect(pristineReport.score).toBe(0);
    for (const k of pristineReport.katas) {
      expect(k.status, k.id).toBe('fail');
      expect(k.checks.some((c) => c.status === 'fail' && c.message), k.id).toBe(true);
    }
  });

  it('gives the reference solutions full marks', () => {
    expect(solvedReport.score).toBe(solvedReport.maxScore);
    expect(solvedReport.katas.every((k) => k.status === 'pass')).toBe(true);
  });

  it('json matches its published schema', () => {
    const v = validate('grade-report.schema.json', pristineReport);
    expect(v.ok ? '' : v.error).toBe('');
  });

  it('junit is valid XML: a testsuite per track, a testcase per graded part, failure for wrong code', async () => {
    const { code, stdout } = await cli(['grade', '--submission', pristine, '--format', 'junit', '--katas', 'x86-write,a64-write']);
    expect(code).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(stdout, true);
    const suites = xml.testsuites.testsuite as { '@_name': string; '@_tests': string; '@_failures': string; testcase: { '@_name': string; failure?: unknown; error?: unknown }[] }[];
    expect(suites.map((s) => s['@_name'])).toEqual(['x86-64 raw syscalls', 'ARM64 raw syscalls']);
    for (const s of suites) {
      expect(Number(s['@_tests'])).toBe(s.testcase.length);
      expect(Number(s['@_failures'])).toBeGreaterThan(0);
      expect(s.testcase.some((t) => t.failure !== undefined)).toBe(true);
      expect(s.testcase.every((t) => t.error === undefined)).toBe(true);
    }
  });

  it('junit reports a kata this machine cannot run as an error, not a failure', async () => {
    const bin = tmp('path');
    const { symlinkSync } = await import('node:fs');
    for (const tool of ['node', 'cc', 'nm', 'objdump', 'strace', 'as', 'ld']) {
      const found = (await run('sh', ['-c', `command -v ${tool} || true`])).stdout.trim();
      if (found) symlinkSync(found, path.join(bin, tool));
    }
    const foreign = process.arch === 'x64' ? 'a64-write' : 'x86-write';
    const { code, stdout } = await cli(['grade', '--submission', solved, '--format', 'junit', '--katas', foreign], { PATH: bin });
    expect(code).toBe(2); // grading could not run in full here
    expect(stdout).toContain('<error');
    expect(stdout).toContain('qemu');
  });

  it('gradescope: a test per kata correctness and per budget, passing ones passed, points adding up in whole cents', () => {
    // The reporter is a pure view of the model: the whole course's reports, rendered here.
    for (const [report, full] of [[solvedReport, true], [pristineReport, false]] as const) {
      const results = JSON.parse(gradescopeReporter.render(report as unknown as GradeReport)) as { score: number; max_score: number; tests: { name: string; score: number; max_score: number; status: string }[] };
      const v = validate('gradescope-results.schema.json', results);
      expect(v.ok ? '' : v.error).toBe('');
      const cents = (x: number) => {
        expect(Math.abs(x * 100 - Math.round(x * 100))).toBeLessThan(1e-9); // whole cents, no 0.333…
        return Math.round(x * 100);
      };
      expect(results.tests.reduce((s, t) => s + cents(t.max_score), 0)).toBe(cents(results.max_score));
      expect(results.tests.reduce((s, t) => s + cents(t.score), 0)).toBe(cents(results.score));
      expect(cents(results.max_score)).toBe(cents(report.maxScore));
      for (const k of report.katas) expect(results.tests.filter((t) => t.name === `${k.id}: correctness`), k.id).toHaveLength(1);
      // Each test is all or nothing: full points and passed, or none and failed.
      for (const t of results.tests) expect([t.status, t.score], t.name).toEqual(t.status === 'passed' ? ['passed', t.max_score] : ['failed', 0]);
      if (full) expect(results.tests.every((t) => t.status === 'passed')).toBe(true);
      else expect(results.score).toBe(0);
    }
    // The budgets are tests of their own.
    const budgets = solvedReport.katas.flatMap((k) => k.checks.filter((c) => c.part === 'budget').map(() => k.id));
    expect(budgets.length).toBeGreaterThan(0);
  });

  it('classroom output is what the autograding reporter decodes', async () => {
    const dir = tmp('gh');
    const output = path.join(dir, 'output');
    writeFileSync(output, '');
    const { stdout } = await cli(['grade', '--submission', solved, '--format', 'classroom', '--katas', 'x86-write'], { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: path.join(dir, 'summary') });
    // In an Actions log the report comes quarantined: between ::stop-commands::<token> and ::<token>::.
    const body = stdout.slice(stdout.indexOf('\n') + 1);
    const direct = JSON.parse(body.slice(0, body.indexOf('\n}\n') + 2)) as { version: number; status: string; max_score: number; tests: { status: string; score: number }[] };
    expect(direct).toMatchObject({ version: 1, status: 'pass', max_score: 10 });
    const line = readFileSync(output, 'utf8').trim();
    expect(line.startsWith('result=')).toBe(true);
    expect(JSON.parse(Buffer.from(line.slice(7), 'base64').toString('utf8'))).toEqual(direct);
    expect(readFileSync(path.join(dir, 'summary'), 'utf8')).toContain('| x86-write | ✅ pass | 10 / 10 |');
  });

  it('student text cannot inject workflow commands', async () => {
    const dir = tmp('inject');
    copyFileSync(path.join(import.meta.dirname, 'fixtures', 'grade', 'injection', 'x86-write.c'), path.join(dir, 'x86-write.c'));
    const { code, stdout } = await cli(['grade', '--submission', dir, '--format', 'json', '--out', path.join(dir, 'r.json'), '--katas', 'x86-write'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    });
    expect(code).toBe(0);
    // Outside a ::stop-commands:: block, the only commands are our annotations.
    let stopped: string | undefined;
    for (const line of stdout.split('\n')) {
      if (stopped) {
        if (line === `::${stopped}::`) stopped = undefined;
        continue;
      }
      const stop = /^::stop-commands::([0-9a-f]{32})$/.exec(line);
      if (stop) {
        stopped = stop[1];
        continue;
      }
      if (line.startsWith('::')) expect(line).toMatch(/^::(error|warning) file=[^,:]+\.c(,line=\d+)?,title=[^:]*::[^\n]*$/);
    }
    expect(stdout).toContain('INJECTED'); // shown, but escaped or quarantined
    expect(stdout).not.toMatch(/^::error::INJECTED/m);
    expect(stdout).not.toMatch(/^::add-mask::/m);
  });

  it('a report written to stdout in a GitHub Actions log is quarantined too', async () => {
    const dir = tmp('inject-stdout');
    copyFileSync(path.join(import.meta.dirname, 'fixtures', 'grade', 'injection', 'x86-write.c'), path.join(dir, 'x86-write.c'));
    const { stdout } = await cli(['grade', '--submission', dir, '--format', 'json', '--katas', 'x86-write'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary') });
    const lines = stdout.split('\n');
    const start = lines.findIndex((l) => /^::stop-commands::[0-9a-f]{32}$/.test(l));
    expect(start).toBe(0); // nothing of the report before the quarantine opens
    const token = lines[0]!.split('::')[2];
    const end = lines.indexOf(`::${token}::`);
    expect(end).toBeGreaterThan(start);
    expect(lines.slice(start + 1, end).join('\n')).toContain('INJECTED');
  });

  it('a submission file that is a link (to the solution, another student, /dev/zero) scores 0 and is never read', async () => {
    const dir = tmp('links');
    symlinkSync(path.join(repo, 'solutions', 'x86-write', 'exercise.c'), path.join(dir, 'x86-write.c'));
    symlinkSync('/dev/zero', path.join(dir, 'x86-errno.c'));
    const cfg = path.join(dir, 'course.json');
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-write' }, { id: 'x86-errno' }] }));
    const { stdout } = await cli(['grade', '--submission', dir, '--config', cfg, '--format', 'json']);
    const r = JSON.parse(stdout) as Report & { katas: { id: string; status: string; reason?: string; score: number }[] };
    expect(r.score).toBe(0);
    for (const k of r.katas) expect(k).toMatchObject({ status: 'fail', score: 0, reason: expect.stringContaining('is a symbolic link') });
  });

  it('a kata that cannot be graded at all is an error for that kata, and grading goes on', async () => {
    const dir = tmp('unreadable');
    mkdirSync(path.join(dir, 'x86-write.c')); // a directory where the file should be
    copyFileSync(path.join(repo, 'solutions', 'x86-errno', 'exercise.c'), path.join(dir, 'x86-errno.c'));
    const cfg = path.join(dir, 'course.json');
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-write' }, { id: 'x86-errno' }] }));
    const { stdout } = await cli(['grade', '--submission', dir, '--config', cfg, '--format', 'json']);
    const r = JSON.parse(stdout) as Report & { katas: { id: string; status: string; reason?: string; score: number }[] };
    expect(r.katas[0]).toMatchObject({ id: 'x86-write', score: 0 });
    expect(['error', 'missing', 'fail']).toContain(r.katas[0]!.status); // a directory where the file should be: not a regular file
    expect(r.katas[1]).toMatchObject({ id: 'x86-errno', status: 'pass', score: 10 });
  });

  it('exits 0 whatever the score, 1 under --fail-under, 2 when grading cannot run', async () => {
    expect((await cli(['grade', '--submission', pristine, '--katas', 'x86-write'])).code).toBe(0);
    expect((await cli(['grade', '--submission', pristine, '--katas', 'x86-write', '--fail-under', '50'])).code).toBe(1);
    expect((await cli(['grade', '--submission', solved, '--katas', 'x86-write', '--fail-under', '50'])).code).toBe(0);
    const bad = path.join(tmp('cfg'), 'course.json');
    writeFileSync(bad, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-write', points: -1 }] }));
    const broken = await cli(['grade', '--submission', solved, '--config', bad]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('course.json: katas[0].points: must be >= 0');
  });

  it('a course config sets points and the performance share (correct but slow earns part)', async () => {
    const dir = tmp('slow');
    copyFileSync(path.join(repo, 'runner', 'bench', 'naive', 'x86-cost-busy.c'), path.join(dir, 'x86-cost.c'));
    const cfg = path.join(dir, 'course.json');
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-cost', points: 20, performanceShare: 0.5 }] }));
    const r = JSON.parse((await cli(['grade', '--submission', dir, '--config', cfg, '--format', 'json'])).stdout) as Report;
    expect(r.maxScore).toBe(20);
    expect(r.score).toBe(15); // correctness 10 + syscall count 5; the time budget's 5 lost (it does 100 ns of busy work per call)
  });

  it('a kata that outlives its time limit scores 0 as timed out, and grading goes on', async () => {
    const dir = tmp('slowkata');
    copyFileSync(path.join(import.meta.dirname, 'fixtures', 'x86-write', 'timeout', 'exercise.c'), path.join(dir, 'x86-write.c'));
    copyFileSync(path.join(repo, 'solutions', 'x86-errno', 'exercise.c'), path.join(dir, 'x86-errno.c'));
    const cfg = path.join(dir, 'course.json');
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-write' }, { id: 'x86-errno' }], timeoutMs: 2000, kataTimeoutMs: 1000 }));
    const started = Date.now();
    const { code, stdout } = await cli(['grade', '--submission', dir, '--config', cfg, '--format', 'json']);
    const r = JSON.parse(stdout) as Report & { katas: { reason?: string }[] };
    expect(code).toBe(0);
    expect(r.katas[0]).toMatchObject({ id: 'x86-write', status: 'timeout', score: 0 });
    expect(r.katas[0]!.reason).toContain('longer than 1 s');
    expect(r.katas[1]).toMatchObject({ id: 'x86-errno', status: 'pass', score: 10 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('grades a folder of submissions into a CSV gradebook, a report per student', async () => {
    const root = tmp('class');
    for (const [name, from] of [['alice', 'solutions'], ['bob', 'exercises']] as const) {
      mkdirSync(path.join(root, name));
      copyFileSync(path.join(repo, from, 'x86-write', 'exercise.c'), path.join(root, name, 'x86-write.c'));
    }
    const out = path.join(tmp('grades'), 'out');
    const { code } = await cli(['grade', '--submissions', root, '--katas', 'x86-write', '--format', 'junit', '--out', out]);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['class.md', 'class.xml', 'gradebook.csv', 'results.json', 'students']);
    expect(readdirSync(path.join(out, 'students')).sort()).toEqual(['alice.xml', 'bob.xml']);
    expect(readFileSync(path.join(out, 'gradebook.csv'), 'utf8').trim().split('\n')).toEqual(['student,score,max_score,percent,x86-write,status', 'alice,10,10,100,10,graded', 'bob,0,10,0,0,graded']);
  });

  it('init --classroom writes starting files, never solutions, a workflow, and refuses to overwrite', async () => {
    const dir = path.join(tmp('init'), 'assignment');
    const { code } = await cli(['init', '--classroom', dir, '--course-repo', 'school/syscall-katas']);
    expect(code).toBe(0);
    for (const k of loadKatas().katas) {
      const file = readFileSync(path.join(dir, 'katas', `${k.id}.c`), 'utf8');
      expect(file).toBe(readFileSync(path.join(repo, 'exercises', k.id, 'exercise.c'), 'utf8'));
      expect(file).not.toBe(readFileSync(path.join(repo, 'solutions', k.id, 'exercise.c'), 'utf8'));
    }
    expect(existsSync(path.join(dir, '.github', 'workflows', 'grade.yml'))).toBe(true);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('https://github.com/school/syscall-katas');
    expect((await cli(['init', '--classroom', dir])).code).toBe(2); // refuses to overwrite
  });
});
