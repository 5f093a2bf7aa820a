// Hostile submissions: learner files written to cheat, to hang the job, to
// leave processes behind or to drown the runner, each with the verdict and the
// words the runner must give (runner/test/fixtures/hostile/<name>/), under both
// sandboxes; and after each, no process of it may be left. Then the pieces
// underneath: the results channel's authentication (the harness's HMAC-SHA256
// against Node's), the supervisor's seccomp guard, the rusage cross-check.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityOf } from '../src/availability.js';
import { harnessObjects } from '../src/build.js';
import { checkKata, figuresBeyondUsage } from '../src/judge.js';
import { findKata } from '../src/katas.js';
import { nativeDir, solutionFile, workspaceDir } from '../src/paths.js';
import { newRunKey, parseChannel, recordMac } from '../src/protocol.js';
import { runProgram } from '../src/sandbox.js';
import { hostArch, toolchainFor } from '../src/targets.js';

const root = path.join(import.meta.dirname, 'fixtures', 'hostile');
const support = path.join(root, '_support');

interface Expected {
  kata: string;
  status: string;
  check: string;
  message: string[];
  timeoutMs?: number;
  /** How many escapees the fixture starts (each prints "stray pid=N"; the supervisor names up to 32). */
  strays?: number;
  /** Lines the program's stderr must contain (what it learnt while attacking). */
  stderr?: string[];
}

const fixtures = readdirSync(root).filter((n) => existsSync(path.join(root, n, 'expected.json')));
const expectedOf = (name: string) => JSON.parse(readFileSync(path.join(root, name, 'expected.json'), 'utf8')) as Expected;

/** Gone, or a zombie for a moment (it runs nothing) until its reaper gets to it. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw e;
    }
    try {
      if (/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/**
 * Every live process running a program out of the test workspace (the kata
 * programs and supervisors under .cache/build): none may exist between checks.
 */
function workspacePrograms(): string[] {
  const cache = path.join(workspaceDir(), '.cache');
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = readlinkSync(`/proc/${entry}/exe`);
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (exe.startsWith(cache) && !/\) [ZX] /.test(stat)) found.push(`${entry} ${exe}`);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

const onX86 = hostArch === 'x86_64';

describe.runIf(onX86).each(['addon', 'node'])('hostile submissions (%s sandbox)', (sandbox) => {
  beforeAll(() => {
    process.env.SYSCALL_KATAS_SANDBOX = sandbox;
  });
  afterAll(() => {
    delete process.env.SYSCALL_KATAS_SANDBOX;
  });

  for (const name of fixtures) {
    const expected = expectedOf(name);
    it(name, async (ctx) => {
      const kata = findKata(expected.kata);
      if (!(await availabilityOf(kata)).available) return ctx.skip();
      const result = await checkKata(kata, path.join(root, name, 'exercise.c'), { timeoutMs: expected.timeoutMs, guard: true });
      expect(result.status).toBe(expected.status);
      const failing = result.checks.find((c) => c.status === 'fail');
      expect(failing?.name).toBe(expected.check);
      for (const part of expected.message) expect(failing?.message).toContain(part);

      // What the fixture told us on stderr (the details carry it), and its escapees: all gone.
      const text = JSON.stringify(result);
      for (const line of expected.stderr ?? []) expect(text).toContain(line);
      // Each escapee says its pid on stderr; the supervisor names those it killed. Both count.
      const strays = [...new Set([...text.matchAll(/stray pid=(\d+)|pid (\d+) \(/g)].map((m) => Number(m[1] ?? m[2])))];
      // (A big tree shows only some of its pids: the message carries the count, and the scan
      // of /proc below finds any survivor, named or not.)
      if (expected.strays) expect(strays.length).toBeGreaterThanOrEqual(Math.min(expected.strays, 32));
      else expect(strays).toEqual([]);
      for (const pid of strays) expect(await gone(pid), `pid ${pid} outlived the check`).toBe(true);
      expect(workspacePrograms()).toEqual([]);
    });
  }

  it('a 100 MB flood on stdout: the runner stays flat and the check ends in time', async () => {
    const expected = expectedOf('output-flood');
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const result = await checkKata(findKata(expected.kata), path.join(root, 'output-flood', 'exercise.c'), { guard: true });
    const elapsed = performance.now() - started;
    const growth = process.memoryUsage().rss - before;
    expect(result.status).toBe('fail');
    expect(elapsed).toBeLessThan(5000);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    // What was kept of it is the cap, not the flood.
    const kept = result.checks.find((c) => c.name === 'output')?.details?.join('\n') ?? '';
    expect(kept.length).toBeLessThan(4 * 1024);
  });

  it('a crash, a clobbered stack or an exit mid-check is a zero for that kata, and grading goes on', async () => {
    for (const name of ['stack-pointer-clobber', 'return-address-overwrite', 'exit-mid-case']) {
      const bad = await checkKata(findKata('x86-write'), path.join(root, name, 'exercise.c'), { guard: true });
      expect(bad.status).toBe('fail');
      const good = await checkKata(findKata('x86-write'), solutionFile('x86-write'), { guard: true });
      expect(good.status).toBe('pass');
    }
  });
});

describe.runIf(onX86)('the results channel: the harness signs, the runner checks', () => {
  let dir: string;
  let exe: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-channel-'));
    const tc = toolchainFor('x86_64');
    const harness = await harnessObjects(tc, path.join(workspaceDir(), '.cache', 'build'));
    expect(harness.error).toBeUndefined();
    exe = path.join(dir, 'driver');
    execFileSync(tc.cc, ['-O2', '-std=gnu11', '-I', path.join(nativeDir, 'include'), path.join(support, 'channel-driver.c'), ...harness.objs!, '-o', exe]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the driver by hand (no fd 3: the records come on stdout) with a fresh key. */
  const run = () => {
    const key = newRunKey();
    const keyFile = path.join(dir, `key-${Math.random().toString(36).slice(2)}`);
    writeFileSync(keyFile, key, { mode: 0o600 });
    const r = spawnSync(exe, [`--key=${keyFile}`, 'cases', '42'], { encoding: 'utf8' });
    return { key, keyFile, text: r.stdout, status: r.status };
  };

  it("every record's MAC is Node's HMAC-SHA256 of the line, across every padding boundary", () => {
    const { key, keyFile, text, status } = run();
    expect(status).toBe(0);
    expect(existsSync(keyFile)).toBe(false); // read, then unlinked, before any learner code
    const channel = parseChannel(text, key);
    expect(channel.corrupt).toBeUndefined();
    const lines = text.trimEnd().split('\n');
    expect(channel.records).toHaveLength(lines.length);
    expect(lines.length).toBeGreaterThan(300);
    expect(new Set(lines.map((l) => l.length)).size).toBeGreaterThan(150); // many lengths: every block boundary
    // Independently of parseChannel: the MAC is the HMAC of the text before ,"mac":
    for (const line of lines) {
      const at = line.lastIndexOf(',"mac":"');
      expect(line.slice(at + 8, at + 40)).toBe(recordMac(key, line.slice(0, at)));
    }
    const wrong = channel.records.filter((r) => r.t === 'expect' && r.expected !== r.got);
    expect(wrong).toEqual([]); // the cmdline case: the key's path is gone from /proc/self/cmdline
    expect(channel.records.at(-1)?.t).toBe('done');
  });

  it('believes nothing forged, replayed, reordered or dropped', () => {
    const { key, text } = run();
    const lines = text.trimEnd().split('\n');
    const join = (ls: string[]) => `${ls.join('\n')}\n`;
    const edited = (i: number, f: (l: string) => string) => join(lines.map((l, j) => (j === i ? f(l) : l)));

    expect(parseChannel(edited(3, (l) => l.replace('"note"', '"nOte"')), key).corrupt).toMatch(/line 4: .*schema|line 4: its MAC does not match/);
    expect(parseChannel(edited(5, (l) => l.replace(/"text":"(.)/, '"text":"Z')), key).corrupt).toMatch(/line 6: its MAC does not match/);
    expect(parseChannel(join([...lines.slice(0, 4), lines[2]!, ...lines.slice(4)]), key).corrupt).toMatch(/line 5 is out of sequence/);
    expect(parseChannel(join([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]), key).corrupt).toMatch(/line 2 is out of sequence/);
    expect(parseChannel(join([...lines.slice(0, 6), ...lines.slice(7)]), key).corrupt).toMatch(/line 7 is out of sequence/);
    expect(parseChannel(text, newRunKey()).corrupt).toMatch(/line 1: its MAC does not match/);
    expect(parseChannel(`${text}{"t":"done"}\n`, key).corrupt).toMatch(/carries no MAC/);
    expect(parseChannel(`${text}\n`, key).corrupt).toMatch(/is empty/);
    // A record of another run, MAC and all, is a stranger here.
    const other = run();
    expect(parseChannel(join([...lines.slice(0, 3), other.text.split('\n')[3]!]), key).corrupt).toMatch(/line 4: its MAC does not match/);
  });
});

describe.runIf(onX86).each(['addon', 'node'])('the supervisor (%s sandbox)', (sandbox) => {
  let dir: string;
  let probe: string;
  beforeAll(() => {
    process.env.SYSCALL_KATAS_SANDBOX = sandbox;
    dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-guard-'));
    probe = path.join(dir, 'guard-probe');
    execFileSync(toolchainFor('x86_64').cc, ['-O2', path.join(support, 'guard-probe.c'), '-o', probe]);
  });
  afterAll(() => {
    delete process.env.SYSCALL_KATAS_SANDBOX;
    rmSync(dir, { recursive: true, force: true });
  });

  const results = (stdout: string) => Object.fromEntries(stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));

  it('refuses every signal aimed at itself, at the runner or at everyone, and joining their groups (EPERM), on both syscall ABIs', async () => {
    const out = await runProgram({ argv: [probe, String(process.pid)], timeoutMs: 5000 });
    expect(out.containment).toBe('supervisor');
    expect(out.guardProblem).toBeUndefined();
    const r = results(out.stdout);
    for (const name of ['kill(-1)', 'kill(-1 low half)', 'kill(supervisor)', 'kill(-supervisor)', 'kill(runner)', 'tgkill(supervisor)', 'pidfd_open(supervisor)', 'int80 kill(-1)', 'int80 kill(supervisor)', "setpgid(supervisor's group)", "setpgid(runner's group)"])
      expect(r[name], name).toBe('-1');
    expect(r['kill(self)']).toBe('0'); // its own processes are its own business
    expect(r['setpgid(own group)']).toBe('0');
  });

  it("installs no guard for the runner's own programs (trusted)", async () => {
    const out = await runProgram({ argv: [probe, String(process.pid)], timeoutMs: 5000, trusted: true });
    expect(results(out.stdout)['kill(supervisor)']).toBe('0');
  });

  it('reports exit codes, signals, timeouts and programs that cannot start as the program, not itself', async () => {
    expect(await runProgram({ argv: ['/bin/sh', '-c', 'exit 7'], timeoutMs: 5000 })).toMatchObject({ code: 7, signal: null, timedOut: false });
    expect(await runProgram({ argv: ['/bin/sh', '-c', 'kill -SEGV $$'], timeoutMs: 5000 })).toMatchObject({ code: null, signal: 'SIGSEGV' });
    const slow = await runProgram({ argv: ['sleep', '30'], timeoutMs: 300 });
    expect(slow).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(slow.durationMs).toBeLessThan(2000);
    expect((await runProgram({ argv: ['/nonexistent/prog'], timeoutMs: 5000 })).spawnError).toMatch(/^ENOENT: no such file or directory, exec '\/nonexistent\/prog'/);
  });
});

describe('a timing run whose figures do not fit the time it took', () => {
  const series = (perCallNs: number, iters: number, epochs = 11) => ({ iters, rerun: 0, disturbed: 0, wallNs: Array(epochs).fill(perCallNs), cpuNs: Array(epochs).fill(perCallNs) });
  const bench = { learner: series(200, 5000), reference: series(200, 5000) }; // 2 × 11 × 1 ms = 22 ms
  it('fits when the process used at least that much CPU and lasted that long', () => {
    expect(figuresBeyondUsage(bench, { durationMs: 80, usage: { userUs: 20_000, systemUs: 40_000, maxRssKb: 0, voluntarySwitches: 0, involuntarySwitches: 0 } })).toBeUndefined();
  });
  it('is tampering when the claim is beyond what rusage or the clock saw', () => {
    const big = { learner: series(200, 500_000), reference: series(200, 500_000) }; // 2.2 s claimed
    expect(figuresBeyondUsage(big, { durationMs: 3000, usage: { userUs: 100_000, systemUs: 100_000, maxRssKb: 0, voluntarySwitches: 0, involuntarySwitches: 0 } })).toMatch(/claim 2\.200 s of CPU time, but the process used 0\.200 s/);
    expect(figuresBeyondUsage(big, { durationMs: 300 })).toMatch(/claim 2\.200 s of wall time, but the run lasted 0\.300 s/);
  });
});
