// The package as a learner or an instructor gets it from the registry: `npm
// pack`, then the tarball installed into an empty folder and globally into a
// prefix. Each trap of issue 12's "The package" is a check here: the addon
// loads with no build step (prebuilt) and doctor says so; a missing addon makes
// doctor exit 1 with advice that works in an install; a failed build says why;
// the workspace is found from any subfolder of an `init`ed one, and without
// one the commands say to run init; the tarball ships the compiled runner, a
// LICENSE and the benchmark scripts, and no source maps or solutions;
// `npm pack --json` prints only JSON. Slow (packs, installs twice, compiles):
// about a minute here.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-package-'));
const QUICK = 'x86-exit'; // correctness only, no timing: a verdict load cannot move

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command as a user types it: no SYSCALL_KATAS_WORKSPACE, no colour. */
async function sh(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Ran> {
  const clean = { ...process.env, NO_COLOR: '1', ...env };
  delete clean.SYSCALL_KATAS_WORKSPACE;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete clean[k];
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: clean, maxBuffer: 64 * 1024 * 1024, timeout: 170_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

interface DoctorJson {
  findings: { name: string; ok: boolean; detail: string; defence?: boolean }[];
  lost: string[];
}

let tarball: string;
let packed: { files: { path: string }[] }[];
let packStdout: string;
const local = path.join(tmp, 'local');
const prefix = path.join(tmp, 'global');
let localBin: string;
let globalBin: string;

beforeAll(async () => {
  const out = path.join(tmp, 'tarball');
  mkdirSync(out);
  const pack = await sh('npm', ['pack', '--json', '--pack-destination', out], repo);
  expect(pack.code, pack.stderr).toBe(0);
  packStdout = pack.stdout;
  packed = JSON.parse(pack.stdout) as typeof packed;
  tarball = path.join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
  // --prefer-offline: the lock's dependencies are in npm's cache; the registry only for a miss.
  const npmArgs = ['--prefer-offline', '--no-audit', '--no-fund'];
  mkdirSync(local);
  const a = await sh('npm', ['install', ...npmArgs, tarball], local);
  expect(a.code, a.stderr).toBe(0);
  const b = await sh('npm', ['install', '-g', '--prefix', prefix, ...npmArgs, tarball], tmp);
  expect(b.code, b.stderr).toBe(0);
  localBin = path.join(local, 'node_modules', '.bin', 'syscall-katas');
  globalBin = path.join(prefix, 'bin', 'syscall-katas');
}, 170_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('prints only JSON on stdout, which jq parses too', () => {
    expect(() => JSON.parse(packStdout)).not.toThrow();
    const jq = spawnSync('jq', ['-e', '.[0].files | length'], { input: packStdout, encoding: 'utf8' });
    if (jq.error) return; // no jq here: JSON.parse above is the same test
    expect(jq.status, jq.stderr).toBe(0);
    expect(Number(jq.stdout)).toBeGreaterThan(100);
  });

  it('ships the compiled runner, LICENSE, the benchmarks and both prebuilt addons; no source maps, no solutions', () => {
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(readFileSync(path.join(repo, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(files).toContain('runner/dist/cli.js');
    expect(files).toContain('native/addon/prebuilds/linux-x64/launch.napi.glibc.node');
    expect(files).toContain('native/addon/prebuilds/linux-arm64/launch.napi.glibc.node');
    for (const bench of readdirSync(path.join(repo, 'runner', 'bench')).filter((f) => f.endsWith('.mjs'))) expect(files).toContain(`runner/bench/${bench}`);
    expect(files.filter((f) => f.endsWith('.js.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('solutions/'))).toEqual([]);
    const dist = path.join(local, 'node_modules', 'syscall-katas', 'runner', 'dist');
    const mapped = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js') && readFileSync(path.join(dist, f), 'utf8').includes('sourceMappingURL'));
    expect(mapped).toEqual([]);
  });

  it('every course file a kata text names by path is in the package', () => {
    const files = new Set(packed[0]!.files.map((f) => f.path));
    for (const id of readdirSync(path.join(repo, 'exercises')).filter((d) => existsSync(path.join(repo, 'exercises', d, 'README.md')))) {
      const text = readFileSync(path.join(repo, 'exercises', id, 'README.md'), 'utf8');
      for (const m of text.matchAll(/`((?:native|runner|exercises|schemas|docs)\/[\w./-]+)`/g)) expect(files.has(m[1]!), `${id}/README.md names ${m[1]}`).toBe(true);
      expect(text, `${id}/README.md: the learner edits ${id}.c in the workspace, not exercise.c`).not.toMatch(/`exercise\.c`/);
    }
  });
});

describe.each([
  ['installed into an empty folder', () => localBin],
  ['installed globally into a prefix', () => globalBin],
])('the package %s', (_name, bin) => {
  it('loads the prebuilt addon with no build step, and doctor says so', async () => {
    const r = await sh(bin(), ['doctor', '--json'], tmp);
    const d = JSON.parse(r.stdout) as DoctorJson;
    const addon = d.findings.find((f) => f.name === 'native addon')!;
    expect(addon.ok, addon.detail).toBe(true);
    expect(addon.detail).toMatch(/^prebuilt \(native\/addon\/prebuilds\/linux-(x64|arm64)\//);
    expect(d.lost).not.toContain('native addon');
    expect(r.code).toBe(d.lost.length ? 1 : 0);
    expect(d.findings.find((f) => f.name === 'course')!.detail).toContain('installed package');
  });

  it('without a workspace, says to run init; with one, next, check and grade work from a subfolder', async () => {
    const outside = mkdtempSync(path.join(tmp, 'nowhere-'));
    const lost = await sh(bin(), ['next', '--brief'], outside);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/no syscall-katas workspace in .* or any folder above it\. Create one with `npx syscall-katas init`/);
    expect(readdirSync(outside)).toEqual([]); // and no stray workspace was started there

    const init = await sh(bin(), ['init', 'course'], outside);
    expect(init.code, init.stderr).toBe(0);
    const ws = path.join(outside, 'course');
    const sub = path.join(ws, 'notes', 'day1');
    mkdirSync(sub, { recursive: true });

    const next = await sh(bin(), ['next', '--brief'], sub);
    expect(next.code).toBe(1); // the first kata's starting file fails
    expect(next.stdout).toContain(`Workspace: ${ws} (marked by .syscall-katas.json)`);
    const first = /^Edit: (.+\.c)$/m.exec(next.stdout)![1]!;
    expect(path.dirname(first)).toBe(ws);

    writeFileSync(path.join(ws, `${QUICK}.c`), readFileSync(path.join(repo, 'solutions', QUICK, 'exercise.c')));
    const check = await sh(bin(), ['check', QUICK], sub);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain(`${QUICK} passes`);
    const list = JSON.parse((await sh(bin(), ['list', '--json'], path.join(ws, 'notes'))).stdout) as { id: string; status: string }[];
    expect(list.find((k) => k.id === QUICK)!.status).toBe('done');

    // grade: the workspace by default, from the subfolder.
    const mine = await sh(bin(), ['grade', '--katas', QUICK, '--format', 'json'], sub);
    expect(mine.code, mine.stderr).toBe(0);
    const report = JSON.parse(mine.stdout) as { score: number; maxScore: number };
    expect(report.score).toBe(report.maxScore);
  }, 120_000);

  it('grades a tiny submission folder with no workspace anywhere (an instructor)', async () => {
    const sub = mkdtempSync(path.join(tmp, 'submission-'));
    cpSync(path.join(repo, 'solutions', QUICK, 'exercise.c'), path.join(sub, `${QUICK}.c`));
    const r = await sh(bin(), ['grade', '--submission', sub, '--katas', QUICK, '--format', 'json'], tmp, { XDG_CACHE_HOME: path.join(tmp, 'cache') });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { score: number; maxScore: number };
    expect(report.maxScore).toBeGreaterThan(0);
    expect(report.score).toBe(report.maxScore);
    expect(existsSync(path.join(tmp, 'cache', 'syscall-katas', 'build'))).toBe(true); // the cache went to the user's, not the submission
  }, 60_000);
});

describe('the commands that use the solutions, in an install without them', () => {
  it('trace counts yours with no reference column, and verify says it needs a clone', async () => {
    const ws = mkdtempSync(path.join(tmp, 'trace-'));
    const t = await sh(localBin, ['trace', QUICK, '--file', path.join(repo, 'solutions', QUICK, 'exercise.c')], ws, { XDG_CACHE_HOME: path.join(tmp, 'cache') });
    expect(t.code, t.stdout + t.stderr).toBe(0);
    expect(t.stdout).toContain('exit_group');
    expect(t.stdout).toContain('no reference column: the npm package ships no solutions');
    expect(t.stdout).not.toContain('reference │');
    const v = await sh(localBin, ['verify', QUICK], ws);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/the npm package does not ship them\. Run it in a clone/);
  }, 60_000);
});

describe('the addon in an installed package, when no prebuilt one fits', () => {
  const pkg = () => path.join(local, 'node_modules', 'syscall-katas');
  const doctor = async () => {
    const r = await sh(localBin, ['doctor', '--json'], tmp);
    return { code: r.code, d: JSON.parse(r.stdout) as DoctorJson };
  };

  it('a failed build says why; doctor exits 1 and names a command that exists there; the install script then builds it', async () => {
    const prebuilds = path.join(pkg(), 'native', 'addon', 'prebuilds');
    rmSync(prebuilds, { recursive: true, force: true });
    // No Python on PATH: node-gyp cannot configure. The cause must reach the user.
    const bare = mkdtempSync(path.join(tmp, 'bin-'));
    const failed = await sh(process.execPath, [path.join(pkg(), 'runner', 'scripts', 'build-addon.mjs'), '--install'], pkg(), { PATH: bare });
    expect(failed.code).toBe(0); // the runner still works without it
    expect(failed.stderr).toContain('native addon NOT built');
    expect(failed.stderr).toContain('Could not find any Python installation to use');

    const { code, d } = await doctor();
    expect(code).toBe(1);
    expect(d.lost).toContain('native addon');
    const addon = d.findings.find((f) => f.name === 'native addon')!;
    expect(addon.detail).toContain('Could not find any Python installation to use');
    const advice = /then `node (\S+build-addon\.mjs)`/.exec(addon.detail)?.[1];
    expect(advice && existsSync(advice), addon.detail).toBe(true);

    // With the tools there, the same script builds it from the package's sources.
    const built = await sh(process.execPath, [advice!, '--install'], pkg());
    expect(built.stderr, built.stderr).toContain('native addon built');
    const after = await doctor();
    const ok = after.d.findings.find((f) => f.name === 'native addon')!;
    expect(ok.ok, ok.detail).toBe(true);
    expect(ok.detail).toMatch(/^built \(native\/addon\/build\/Release\/launch\.node\)/);
  }, 120_000);
});

// The build's own messages, for the failures that cannot be staged on every machine.
describe('what a failed addon build prints', () => {
  it('the compiler error, not node-gyp boilerplate', async () => {
    const { nodeGypRebuild } = (await import(path.join(repo, 'runner', 'scripts', 'node-gyp.mjs'))) as { nodeGypRebuild: (o: object) => { ok: boolean; cause: string[]; log?: string } };
    const dir = mkdtempSync(path.join(tmp, 'broken-addon-'));
    cpSync(path.join(repo, 'native', 'addon'), dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) && !f.includes('prebuilds') });
    writeFileSync(path.join(dir, 'src', 'launch.cc'), `${readFileSync(path.join(dir, 'src', 'launch.cc'), 'utf8')}\n#error "the real cause"\n`);
    const r = nodeGypRebuild({ dir, logFile: path.join(dir, 'log') });
    expect(r.ok).toBe(false);
    expect(r.cause[0]).toMatch(/launch\.cc:\d+:\d+: error: #error "the real cause"/);
    expect(readFileSync(r.log!, 'utf8')).toContain('gyp info');
  }, 60_000);

  it('a failed download of the Node headers says so, and how to do without it', async () => {
    const { causeOf } = (await import(path.join(repo, 'runner', 'scripts', 'node-gyp.mjs'))) as { causeOf: (s: string) => string[] };
    // node-gyp 12's output offline (captured here with no route to nodejs.org).
    const offline = [
      'gyp info spawn args [ ... ]',
      'gyp http GET https://nodejs.org/download/release/v20.20.2/node-v20.20.2-headers.tar.gz',
      'gyp WARN install got an error, rolling back install',
      'gyp ERR! configure error ',
      'gyp ERR! stack FetchError: request to https://nodejs.org/download/release/v20.20.2/node-v20.20.2-headers.tar.gz failed, reason: getaddrinfo EAI_AGAIN nodejs.org',
      'gyp ERR! stack     at ClientRequest.<anonymous> (/x/node_modules/minipass-fetch/lib/index.js:130:14)',
      'gyp ERR! System Linux 6.1.0',
      'gyp ERR! not ok ',
    ].join('\n');
    const cause = causeOf(offline);
    expect(cause[0]).toContain('getaddrinfo EAI_AGAIN nodejs.org');
    expect(cause.join('\n')).toMatch(/while downloading the Node headers .* npm_config_nodedir/);
  });
});
