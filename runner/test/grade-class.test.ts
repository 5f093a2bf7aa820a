// Grading as the templates and a class need it: the layouts `init` creates,
// loud failures for folders with nothing to grade, the Gradescope autograder
// run against a Gradescope-shaped /autograder tree, the Classroom workflow as
// written, JUnit times, the timing gate, and a 40-student class graded in
// parallel and in shards that gives one gradebook.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TimingGate } from '../src/grade/gate.js';
import type { GradeReport } from '../src/grade/model.js';
import { junitReporter } from '../src/grade/reporters/junit.js';
import { validate } from '../src/schema.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `syscall-katas-${p}-`));
// One build cache for the file: the class's students share most of their files.
const workspace = tmp('ws');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { cwd: repo, env: { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const solution = (id: string) => path.join(repo, 'solutions', id, 'exercise.c');
const stub = (id: string) => path.join(repo, 'exercises', id, 'exercise.c');

describe('the layouts the templates create', () => {
  it('grades a Classroom repository (katas/<id>.c), which used to score 0', async () => {
    const dir = tmp('classroom-repo');
    mkdirSync(path.join(dir, 'katas'));
    mkdirSync(path.join(dir, 'instructions'));
    copyFileSync(solution('x86-write'), path.join(dir, 'katas', 'x86-write.c'));
    const { code, stdout } = await cli(['grade', '--submission', dir, '--katas', 'x86-write', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ score: 10, maxScore: 10, katas: [{ id: 'x86-write', status: 'pass', file: path.join(dir, 'katas', 'x86-write.c') }] });
  });

  it('a submission with no kata file exits 2 naming the folder, never a 0', async () => {
    const dir = tmp('empty-submission');
    writeFileSync(path.join(dir, 'notes.txt'), 'nothing to grade\n');
    const { code, stdout, stderr } = await cli(['grade', '--submission', dir, '--katas', 'x86-write', '--format', 'json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${dir} holds no kata file`);
    expect(stderr).toContain('x86-write.c');
  });

  it('--submissions at one student\'s folder grades that student, where it wrote an empty gradebook', async () => {
    const dir = path.join(tmp('one'), 'alice');
    mkdirSync(path.join(dir, 'katas'), { recursive: true });
    copyFileSync(solution('x86-write'), path.join(dir, 'katas', 'x86-write.c'));
    const out = path.join(tmp('one-out'), 'grades');
    const { code, stderr } = await cli(['grade', '--submissions', dir, '--katas', 'x86-write', '--out', out]);
    expect(code).toBe(0);
    expect(stderr).toContain("one student's submission");
    expect(readFileSync(path.join(out, 'gradebook.csv'), 'utf8').trim().split('\n')).toEqual(['student,score,max_score,percent,x86-write,status', 'alice,10,10,100,10,graded']);
  });

  it('a class folder with no submission exits 2; a student without kata files is named, the others graded', async () => {
    const none = tmp('no-class');
    mkdirSync(path.join(none, 'alice'));
    writeFileSync(path.join(none, 'alice', 'README.md'), 'hi\n');
    const empty = await cli(['grade', '--submissions', none, '--katas', 'x86-write', '--out', path.join(none, '..', `${path.basename(none)}-out`)]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`${none} holds no submission: none of its 1 folder has a kata file`);

    const some = tmp('half-class');
    mkdirSync(path.join(some, 'bob'));
    copyFileSync(solution('x86-write'), path.join(some, 'bob', 'x86-write.c'));
    mkdirSync(path.join(some, 'carol'));
    const out = path.join(tmp('half-out'), 'grades');
    const r = await cli(['grade', '--submissions', some, '--katas', 'x86-write', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`could not grade carol: ${path.join(some, 'carol')} holds no kata file`);
    const rows = readFileSync(path.join(out, 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(rows[1]).toBe('bob,10,10,100,10,graded');
    expect(rows[2]).toMatch(/^carol,,,,,"?error: .*holds no kata file/);
  });
});

describe('Gradescope', () => {
  it('init --gradescope writes an autograder whose run_autograder grades a Gradescope-shaped /autograder tree', async () => {
    const made = path.join(tmp('gs'), 'autograder');
    const cfg = path.join(tmp('gs-cfg'), 'course.json');
    // Points that do not split evenly: 6.5 over the cases, 3.5 over three syscall counts.
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: [{ id: 'x86-write', points: 5 }, { id: 'x86-errno' }, { id: 'vdso-fallback', points: 10, performanceShare: 0.35 }] }));
    const init = await cli(['init', '--gradescope', made, '--config', cfg]);
    expect(init.code).toBe(0);
    // The zip holds the three files at its top, run_autograder executable.
    const zip = new AdmZip(path.join(made, 'autograder.zip'));
    expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['course.json', 'run_autograder', 'setup.sh']);
    expect((zip.getEntry('run_autograder')!.header.attr >>> 16) & 0o111).toBe(0o111);
    const setup = zip.readAsText('setup.sh');
    expect(setup).toContain(`npm install -g "syscall-katas@${JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version}"`);
    await run('bash', ['-n', path.join(made, 'setup.sh')]); // at least well-formed: setup.sh itself needs Gradescope's image (apt, root)

    const root = tmp('autograder-root');
    for (const d of ['source', 'submission/katas', 'results']) mkdirSync(path.join(root, d), { recursive: true });
    zip.extractAllTo(path.join(root, 'source'), true, true);
    copyFileSync(solution('x86-write'), path.join(root, 'submission', 'katas', 'x86-write.c'));
    copyFileSync(stub('x86-errno'), path.join(root, 'submission', 'katas', 'x86-errno.c'));
    copyFileSync(solution('vdso-fallback'), path.join(root, 'submission', 'katas', 'vdso-fallback.c'));
    const env = { ...process.env, AUTOGRADER_ROOT: root, SYSCALL_KATAS_GRADER: repo, SYSCALL_KATAS_WORKSPACE: workspace };
    await run(path.join(root, 'source', 'run_autograder'), [], { env });
    const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) as { score: number; max_score: number; tests: { name: string; score: number; max_score: number; status: string }[] };
    const v = validate('gradescope-results.schema.json', results);
    expect(v.ok ? '' : v.error).toBe('');
    expect(results.max_score).toBe(25);
    expect(results.score).toBe(15);
    const byName = Object.fromEntries(results.tests.map((t) => [t.name, t]));
    expect(byName['x86-write: correctness']).toMatchObject({ score: 5, max_score: 5, status: 'passed' });
    expect(byName['x86-errno: correctness']).toMatchObject({ score: 0, max_score: 10, status: 'failed' });
    expect(byName['vdso-fallback: correctness']).toMatchObject({ score: 6.5, status: 'passed' });
    const budgets = results.tests.filter((t) => t.name.startsWith('vdso-fallback: ') && t.name !== 'vdso-fallback: correctness');
    expect(budgets.length).toBeGreaterThanOrEqual(3);
    expect(budgets.every((t) => t.status === 'passed' && t.score === t.max_score)).toBe(true);
    // 350 cents over the budgets, as whole cents: the tests add up to the total exactly.
    expect(budgets.reduce((s, t) => s + Math.round(t.max_score * 100), 0)).toBe(350);
    expect(results.tests.reduce((s, t) => s + Math.round(t.max_score * 100), 0)).toBe(2500);

    // An upload with no kata file: results.json still says why.
    const bad = tmp('autograder-bad');
    for (const d of ['source', 'submission', 'results']) mkdirSync(path.join(bad, d), { recursive: true });
    zip.extractAllTo(path.join(bad, 'source'), true, true);
    writeFileSync(path.join(bad, 'submission', 'main.c'), 'int main(void) { return 0; }\n');
    await run(path.join(bad, 'source', 'run_autograder'), [], { env: { ...env, AUTOGRADER_ROOT: bad } });
    const failed = JSON.parse(readFileSync(path.join(bad, 'results', 'results.json'), 'utf8')) as { score: number; output: string };
    expect(validate('gradescope-results.schema.json', failed).ok).toBe(true);
    expect(failed.score).toBe(0);
    expect(failed.output).toContain('holds no kata file');
  }, 120_000);
});

describe('JUnit', () => {
  it('times each testcase by what was measured for it, with relative file paths', async () => {
    const dir = tmp('junit');
    copyFileSync(solution('x86-write'), path.join(dir, 'x86-write.c'));
    copyFileSync(stub('x86-errno'), path.join(dir, 'x86-errno.c'));
    const { stdout } = await cli(['grade', '--submission', dir, '--katas', 'x86-write,x86-errno', '--format', 'json']);
    const report = JSON.parse(stdout) as GradeReport;
    // The model carries each step's measured time: builds and judge runs.
    for (const k of report.katas) expect(k.checks.filter((c) => c.durationMs !== undefined).length, k.id).toBeGreaterThanOrEqual(2);
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(junitReporter.render(report), true);
    const cases = (xml.testsuites.testsuite as { testcase: { '@_name': string; '@_time': string; '@_file': string; failure?: unknown }[] }[]).flatMap((s) => s.testcase);
    expect(cases.map((c) => c['@_name'])).toEqual(['x86-write: build', 'x86-write: correctness', 'x86-errno: build', 'x86-errno: correctness']);
    for (const k of report.katas) {
      const build = k.checks.filter((c) => c.part === 'build').reduce((s, c) => s + (c.durationMs ?? 0), 0);
      const correct = k.checks.filter((c) => c.part === 'correctness').reduce((s, c) => s + (c.durationMs ?? 0), 0);
      expect(Number(cases.find((c) => c['@_name'] === `${k.id}: build`)!['@_time'])).toBeCloseTo(build / 1000, 6);
      expect(Number(cases.find((c) => c['@_name'] === `${k.id}: correctness`)!['@_time'])).toBeCloseTo(correct / 1000, 6);
      expect(correct).toBeGreaterThan(0);
    }
    expect(new Set(cases.map((c) => c['@_time'])).size).toBe(cases.length); // measured, not a kata's time split evenly
    for (const c of cases) expect(path.isAbsolute(c['@_file']), c['@_file']).toBe(false);
    expect(cases.find((c) => c['@_name'] === 'x86-errno: correctness')!.failure).toBeDefined();
  });
});

describe('the Classroom template', () => {
  it('installs the pinned grader from npm, keeps arm64 opt-in but graded for points, and always reports', async () => {
    const dir = path.join(tmp('tpl'), 'assignment');
    const { code } = await cli(['init', '--classroom', dir, '--course-repo', 'school/syscall-katas', '--katas', 'x86-write,a64-write,x86-errno']);
    expect(code).toBe(0);
    const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    const wf = parseYaml(readFileSync(path.join(dir, '.github', 'workflows', 'grade.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: Record<string, { if?: string; 'runs-on': string; needs?: string[]; outputs?: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }[] }>;
    };
    expect(wf.env.SYSCALL_KATAS_VERSION).toBe(version);
    expect(wf.env.ARM64_KATAS).toBe('a64-write');
    expect(wf.env.X86_KATAS).toBe('x86-write,x86-errno');
    const { x86_64: x86, arm64, report } = wf.jobs;
    for (const job of [x86!, arm64!]) {
      expect(job.steps.some((s) => s.uses === 'actions/checkout@v4' && s.with?.repository)).toBe(false); // no course checkout (it carries the solutions)
      expect(job.steps.find((s) => s.uses === 'actions/setup-node@v4')!.with!['node-version']).toBe(22);
      expect(job.steps.some((s) => s.run?.includes('npm install -g "syscall-katas@${SYSCALL_KATAS_VERSION}"'))).toBe(true);
      expect(job.steps.find((s) => s.run?.startsWith('syscall-katas grade'))!.run).toContain('--submission .');
      expect(job.outputs!.result).toBe('${{ steps.grade.outputs.result }}');
    }
    expect(arm64!['runs-on']).toBe('ubuntu-24.04-arm');
    expect(arm64!.if).toContain("vars.SYSCALL_KATAS_ARM64 == 'true'");
    expect(x86!.steps.find((s) => s.run?.startsWith('syscall-katas grade'))!.env!.KATAS).toBe("${{ (vars.SYSCALL_KATAS_ARM64 == 'true') && env.X86_KATAS || env.ALL_KATAS }}");
    expect(report!.needs).toEqual(['x86_64', 'arm64']);
    expect(report!.if).toMatch(/^always\(\)/);
    const reporter = report!.steps.find((s) => s.uses === 'classroom-resources/autograding-grading-reporter@v1')!;
    expect(reporter.env).toEqual({ X86_64_RESULTS: '${{ needs.x86_64.outputs.result }}', ARM64_RESULTS: '${{ needs.arm64.outputs.result }}' });
    expect(reporter.with!.runners).toBe("${{ (vars.SYSCALL_KATAS_ARM64 == 'true') && 'x86_64,arm64' || 'x86_64' }}");

    const ignore = readFileSync(path.join(dir, '.gitignore'), 'utf8');
    for (const p of ['**/.cache/', '**/.state.json', '**/.backup/']) expect(ignore).toContain(p);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('https://github.com/school/syscall-katas');
    expect(readme).toContain(`npm install -g syscall-katas@${version}`);
    expect(readme).toContain('syscall-katas check x86-write');
    expect(existsSync(path.join(dir, 'katas', '.syscall-katas.json'))).toBe(true);

    const cls = parseYaml(readFileSync(path.join(`${dir}-instructor`, '.github', 'workflows', 'grade-class.yml'), 'utf8')) as { jobs: { grade: { strategy: { matrix: { shard: number[] } }; steps: { run?: string }[] }; merge: { needs: string; steps: { run?: string }[] } } };
    expect(cls.jobs.grade.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(cls.jobs.grade.steps.some((s) => s.run?.includes('--shard ${{ matrix.shard }}/4'))).toBe(true);
    expect(cls.jobs.merge.steps.some((s) => s.run?.startsWith('syscall-katas grade merge shard-*'))).toBe(true);

    // With --arm64 the job is on in the template itself.
    const on = path.join(tmp('tpl-arm'), 'assignment');
    await cli(['init', '--classroom', on, '--katas', 'x86-write,a64-write', '--arm64']);
    const wfOn = parseYaml(readFileSync(path.join(on, '.github', 'workflows', 'grade.yml'), 'utf8')) as { jobs: Record<string, { if?: string }> };
    expect(wfOn.jobs.arm64!.if).toBe("github.actor != 'github-classroom[bot]' && (true)");
  });
});

describe('the timing gate', () => {
  it('runs shared steps side by side and an exclusive one alone, in the order asked', async () => {
    const gate = new TimingGate();
    const log: string[] = [];
    let running = 0;
    let exclusiveAlone = true;
    let maxShared = 0;
    const step = (name: string, exclusive: boolean, ms: number) =>
      gate[exclusive ? 'exclusive' : 'shared'](async () => {
        running++;
        if (exclusive && running > 1) exclusiveAlone = false;
        if (!exclusive) maxShared = Math.max(maxShared, running);
        log.push(`+${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`-${name}`);
        running--;
      });
    await Promise.all([step('a', false, 30), step('b', false, 30), step('T', true, 10), step('c', false, 5)]);
    expect(exclusiveAlone).toBe(true);
    expect(maxShared).toBe(2);
    // T waits for a and b; c, asked after T, waits for T.
    expect(log.indexOf('+T')).toBeGreaterThan(Math.max(log.indexOf('-a'), log.indexOf('-b')));
    expect(log.indexOf('+c')).toBeGreaterThan(log.indexOf('-T'));
  });
});

/**
 * A synthetic class: each student's files drawn from solutions, starting
 * files (stubs), files that do not compile, and missing files, in a mix
 * fixed by the student's number; some in the Classroom layout; one with no
 * kata file at all.
 */
function syntheticClass(n: number, katas: string[]): string {
  const root = tmp('class40');
  for (let i = 0; i < n; i++) {
    const name = `student-${String(i).padStart(2, '0')}`;
    const folder = i % 3 === 0 ? path.join(root, name, 'katas') : path.join(root, name);
    mkdirSync(folder, { recursive: true });
    if (i === 7) continue; // nothing to grade: an error for this student alone
    for (const [j, id] of katas.entries()) {
      const kind = (i + j * 2) % 5;
      const file = path.join(folder, `${id}.c`);
      if (kind === 0 || kind === 3) copyFileSync(solution(id), file);
      else if (kind === 1) copyFileSync(stub(id), file);
      else if (kind === 2) writeFileSync(file, `${readFileSync(solution(id), 'utf8')}\nthis does not compile\n`);
      // kind 4: no file for this kata
    }
  }
  return root;
}

describe('a class larger than one machine', () => {
  it('40 students: --jobs 2 unsharded and 4 shards at --jobs 1, merged, give the same gradebook and verdicts', async () => {
    const katas = ['x86-write', 'x86-errno'];
    const root = syntheticClass(40, katas);
    const outs = tmp('class40-out');
    const started = performance.now();
    const whole = await cli(['grade', '--submissions', root, '--katas', katas.join(','), '--format', 'json', '--jobs', '2', '--out', path.join(outs, 'whole')]);
    const wholeMs = performance.now() - started;
    expect(whole.code).toBe(2); // student-07 has no kata file
    expect(whole.stderr).toContain('39 of 40 graded, 1 error');
    expect(whole.stderr).toMatch(/\[40\/40\]/); // the progress, line by line off a terminal
    const shardsStarted = performance.now();
    const shard = (i: number) => cli(['grade', '--submissions', root, '--katas', katas.join(','), '--format', 'json', '--jobs', '1', '--shard', `${i}/4`, '--out', path.join(outs, `shard-${i}`)]);
    // Two runners at a time, as two CI jobs would be on this two-core machine.
    const shards = [...(await Promise.all([shard(1), shard(2)])), ...(await Promise.all([shard(3), shard(4)]))];
    const shardsMs = performance.now() - shardsStarted;
    console.log(`40 students × ${katas.length} katas: --jobs 2 unsharded ${(wholeMs / 1000).toFixed(1)} s; 4 shards at --jobs 1, two at a time on this machine, ${(shardsMs / 1000).toFixed(1)} s`);
    const sizes = shards.map((s) => Number(/\((shard \d\/4): (\d+) of 40 students\)/.exec(s.stderr)?.[2]));
    expect(sizes).toEqual([10, 10, 10, 10]);
    const merged = await cli(['grade', 'merge', ...[1, 2, 3, 4].map((i) => path.join(outs, `shard-${i}`)), '--out', path.join(outs, 'merged')]);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain('39 of 40 graded, 1 error');
    const gradebook = readFileSync(path.join(outs, 'whole', 'gradebook.csv'), 'utf8');
    expect(readFileSync(path.join(outs, 'merged', 'gradebook.csv'), 'utf8')).toBe(gradebook);
    const rows = gradebook.trim().split('\n');
    expect(rows).toHaveLength(41);
    // The mix is real: full marks, zeros and everything between.
    const scores = new Set(rows.slice(1).map((r) => r.split(',')[1]));
    for (const s of ['20', '10', '0']) expect(scores).toContain(s);
    // Verdicts, check by check, the same at --jobs 2 and at --jobs 1.
    const verdicts = (dir: string) =>
      Object.fromEntries(
        readdirSync(dir).map((f) => {
          const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as GradeReport;
          return [f, r.katas.map((k) => [k.id, k.status, k.score, k.checks.map((c) => `${c.name}:${c.status}:${c.score}`)])];
        }),
      );
    const shardReports = Object.assign({}, ...[1, 2, 3, 4].map((i) => verdicts(path.join(outs, `shard-${i}`, 'students'))));
    expect(shardReports).toEqual(verdicts(path.join(outs, 'whole', 'students')));
    expect(statSync(path.join(outs, 'merged', 'class.xml')).size).toBeGreaterThan(0);
    expect(readFileSync(path.join(outs, 'merged', 'class.md'), 'utf8')).toContain('| student-07 |');
  }, 240_000);

  it('merge refuses a missing, repeated or tampered shard, naming it', async () => {
    const root = syntheticClass(4, ['x86-write']);
    const outs = tmp('merge-out');
    for (const i of [1, 2]) await cli(['grade', '--submissions', root, '--katas', 'x86-write', '--shard', `${i}/2`, '--out', path.join(outs, `s${i}`)]);
    const one = await cli(['grade', 'merge', path.join(outs, 's1'), '--out', path.join(outs, 'm')]);
    expect([one.code, one.stderr.trim()]).toEqual([2, 'syscall-katas: shard 2/2 missing: the gradebook would leave students out']);
    const twice = await cli(['grade', 'merge', path.join(outs, 's1'), path.join(outs, 's1'), '--out', path.join(outs, 'm')]);
    expect(twice.stderr).toContain(`shard 1/2 is also in ${path.join(outs, 's1')}`);
    const file = path.join(outs, 's2', 'results.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { students: { report?: { score: unknown } }[] };
    data.students.find((s) => s.report)!.report!.score = 'full marks';
    writeFileSync(file, JSON.stringify(data));
    const tampered = await cli(['grade', 'merge', path.join(outs, 's1'), path.join(outs, 's2'), '--out', path.join(outs, 'm')]);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/results\.json: students\[\d\]\.report: score: must be number/);
    expect(existsSync(path.join(outs, 'm'))).toBe(false);
  }, 120_000);
});

describe('a submission that brings a workspace of its own', () => {
  it('is graded with the grader\'s cache, never the .cache it carries', async () => {
    // A student commits a marker and a cache: a build there would be trusted as the grader's own.
    const sub = tmp('brings-cache');
    writeFileSync(path.join(sub, '.syscall-katas.json'), JSON.stringify({ course: 'syscall-katas', formatVersion: 1 }));
    mkdirSync(path.join(sub, '.cache', 'build'), { recursive: true });
    copyFileSync(path.join(repo, 'solutions', 'x86-exit', 'exercise.c'), path.join(sub, 'x86-exit.c'));
    const home = tmp('grader-cache');
    const env = { ...process.env, SYSCALL_KATAS_WORKSPACE: '', XDG_CACHE_HOME: home, NO_COLOR: '1', GITHUB_ACTIONS: '' };
    delete (env as Record<string, string | undefined>).SYSCALL_KATAS_WORKSPACE;
    await run('node', [bin, 'grade', '--submission', '.', '--katas', 'x86-exit', '--format', 'json', '--out', path.join(home, 'r.json')], { cwd: sub, env, maxBuffer: 1 << 26 });
    expect(readdirSync(path.join(sub, '.cache', 'build'))).toEqual([]);
    expect(readdirSync(path.join(home, 'syscall-katas', 'build')).length).toBeGreaterThan(0);
    expect((JSON.parse(readFileSync(path.join(home, 'r.json'), 'utf8')) as GradeReport).katas[0]?.status).toBe('pass');
  });
});

