// Hostile submissions: learner files written to cheat, to hang the job, to
// leave processes behind, to reach outside their directory or to drown the
// runner, each with the verdict and the words the runner must give
// (runner/test/fixtures/hostile/<name>/), under both sandboxes; and after
// each, no process of it may be left and nothing it tried to write may
// exist. Then the pieces underneath: the supervisor's report, the records'
// schema, the rusage cross-check.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityOf } from '../src/availability.js';
import { checkKata, figuresBeyondUsage } from '../src/judge.js';
import { findKata } from '../src/katas.js';
import { solutionFile, workspaceDir } from '../src/paths.js';
import { parseChannel } from '../src/protocol.js';
import { runProgram } from '../src/sandbox.js';
import { hostArch } from '../src/targets.js';

const root = path.join(import.meta.dirname, 'fixtures', 'hostile');
const support = path.join(root, '_support');

interface Expected {
  kata: string;
  status: string;
  check: string | string[];
  message: string[];
  timeoutMs?: number;
  /** How many escapees the fixture starts (each prints "stray pid=N"; the supervisor names up to 32). */
  strays?: number;
  /** Lines the program's stderr must contain (what it learnt while attacking). */
  stderr?: string[];
  /** Files the fixture tried to create outside its directory: none may exist afterwards. */
  absent?: string[];
  /** What the machine must allow for the fixture to be caught (else the test is skipped). */
  requires?: 'timed-syscall-count' | 'uring-tracepoint';
  /** No SysV IPC object of an agent's uid may be left afterwards (as root, agents have uids >= 200000). */
  noIpcLeft?: boolean;
}

/** SysV IPC objects owned by an agent's uid (the judge, as root, gives agents uids from 200000). */
function agentIpcObjects(): string[] {
  const left: string[] = [];
  for (const kind of ['shm', 'msg', 'sem']) {
    let text = '';
    try {
      text = readFileSync(`/proc/sysvipc/${kind}`, 'utf8');
    } catch {
      continue;
    }
    const [header, ...rows] = text.trim().split('\n');
    const uidAt = header!.trim().split(/\s+/).indexOf('uid');
    for (const row of rows) if (Number(row.trim().split(/\s+/)[uidAt]) >= 200000) left.push(`${kind}: ${row.trim()}`);
  }
  return left;
}

/** Whether the judge can count the io_uring requests the kernel sets up for the agent (io_uring:io_uring_submit_req, as root). */
function uringTracepoint(): boolean {
  return process.getuid?.() === 0 && existsSync('/sys/kernel/tracing/events/io_uring/io_uring_submit_req/id');
}

/** Whether the judge can count the agent's syscalls while it is timed (a perf tracepoint, as root). */
function timedSyscallCount(): boolean {
  return process.getuid?.() === 0 && existsSync('/sys/kernel/tracing/events/raw_syscalls/sys_enter/id');
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
    // The fixtures' shared helpers, as a system header (a learner's file may include no other kind).
    process.env.CPATH = support;
  });
  afterAll(() => {
    delete process.env.SYSCALL_KATAS_SANDBOX;
    delete process.env.CPATH;
  });

  for (const name of fixtures) {
    const expected = expectedOf(name);
    it(name, async (ctx) => {
      const kata = findKata(expected.kata);
      if (!(await availabilityOf(kata)).available) return ctx.skip();
      if (expected.requires === 'timed-syscall-count' && !timedSyscallCount()) return ctx.skip();
      if (expected.requires === 'uring-tracepoint' && !uringTracepoint()) return ctx.skip();
      const result = await checkKata(kata, path.join(root, name, 'exercise.c'), { timeoutMs: expected.timeoutMs, guard: true });
      const failing = result.checks.find((c) => c.status === 'fail');
      expect(result.status, JSON.stringify(failing ?? result.checks.find((c) => c.status !== 'pass'))).toBe(expected.status);
      // Where the first failing check may vary with the run's seed, the fixture lists each it may be.
      if (Array.isArray(expected.check)) expect(expected.check).toContain(failing?.name ?? null);
      else expect(failing?.name ?? null).toBe(expected.check);
      for (const part of expected.message) expect(failing?.message).toContain(part);
      for (const file of expected.absent ?? []) expect(existsSync(file), `${file} was written`).toBe(false);
      if (expected.noIpcLeft && process.getuid?.() === 0) expect(agentIpcObjects()).toEqual([]);

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

describe('the judge\'s records', () => {
  it('are believed only when each line is a record of the schema: nothing after the first that is not', () => {
    const good = '{"t":"hello","v":2,"mode":"cases","arch":"x86_64"}\n{"t":"begin","case":"pipe"}\n';
    expect(parseChannel(good).corrupt).toBeUndefined();
    expect(parseChannel(`${good}{"t":"begin","case":1}\n{"t":"done"}\n`)).toMatchObject({ records: [{}, {}], corrupt: expect.stringMatching(/line 3/) });
    expect(parseChannel(`${good}not json\n`).corrupt).toMatch(/line 3 is not JSON/);
    expect(parseChannel(`${good}{"t":"crash","case":"x","signal":11,"addr":"0x0","pc":"0x1","sp":"0x2","mainThread":"yes"}\n`).corrupt).toMatch(/line 3/);
  });
});

describe.runIf(onX86).each(['addon', 'node'])('the supervisor (%s sandbox)', (sandbox) => {
  let dir: string;
  beforeAll(() => {
    process.env.SYSCALL_KATAS_SANDBOX = sandbox;
    dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-supervisor-'));
  });
  afterAll(() => {
    delete process.env.SYSCALL_KATAS_SANDBOX;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports exit codes, signals, timeouts and programs that cannot start as the program, not itself', async () => {
    expect(await runProgram({ argv: ['/bin/sh', '-c', 'exit 7'], timeoutMs: 5000 })).toMatchObject({ code: 7, signal: null, timedOut: false });
    expect(await runProgram({ argv: ['/bin/sh', '-c', 'kill -SEGV $$'], timeoutMs: 5000 })).toMatchObject({ code: null, signal: 'SIGSEGV' });
    const slow = await runProgram({ argv: ['sleep', '30'], timeoutMs: 300 });
    expect(slow).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(slow.durationMs).toBeLessThan(2000);
    expect((await runProgram({ argv: ['/nonexistent/prog'], timeoutMs: 5000 })).spawnError).toMatch(/^ENOENT: no such file or directory, exec '\/nonexistent\/prog'/);
  });

  it('reports on fd 3 after the program, so a program cannot write after it, and a forged report is no report', async () => {
    // A program that writes a report-shaped line of its own on fd 3: the supervisor's comes last and wins.
    const forged = '{"t":"supervisor","v":1,"pid":1,"execErrno":0,"reaped":true,"code":0,"timedOut":false,"durationMs":1,"leftovers":0,"named":[],"unkilled":0,"userUs":0,"systemUs":0,"maxRssKb":0,"voluntarySwitches":0,"involuntarySwitches":0}';
    const out = await runProgram({ argv: ['/bin/sh', '-c', `echo '${forged}' >&3; exit 9`], timeoutMs: 5000, resultsChannel: true });
    expect(out.code).toBe(9);
    expect(out.supervisorProblem).toBeUndefined();
    expect(out.results.trim()).toBe(forged); // the program's own line stays with its output, as a record to judge
    // A malformed report (a field of the wrong type) is no report: the run is not believed, nothing crashes.
    const bad = await runProgram({ argv: [path.join(dir, 'none')], timeoutMs: 5000 });
    expect(bad.spawnError ?? bad.supervisorProblem).toBeTruthy();
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
