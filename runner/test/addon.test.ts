// The native launcher (native/addon): exit codes and signals, the timeout and
// the group kill, resource limits, rusage, the fd-3 channel, and perf counters
// or the reason they are missing. Skipped where the addon is not built.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addonAvailable, addonLoadError, launch, type LaunchRequest } from '../src/addon.js';

describe('addon loading', () => {
  it('says whether it loads, and why not, without throwing', () => {
    const available = addonAvailable();
    expect(typeof available).toBe('boolean');
    if (available) expect(addonLoadError()).toBeUndefined();
    else expect(addonLoadError()).toMatch(/launch\.node/);
  });
});

describe.runIf(addonAvailable())('launch (native addon)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-addon-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const req = (argv: string[], extra: Partial<LaunchRequest> = {}): LaunchRequest => ({
    argv,
    cwd: dir,
    env: { PATH: '/usr/bin:/bin', LANG: 'C' },
    stdoutPath: path.join(dir, 'stdout'),
    stderrPath: path.join(dir, 'stderr'),
    timeoutMs: 10_000,
    ...extra,
  });
  const sh = (script: string, extra: Partial<LaunchRequest> = {}) => launch(req(['/bin/sh', '-c', script], extra));
  const out = () => readFileSync(path.join(dir, 'stdout'), 'utf8');
  const err = () => readFileSync(path.join(dir, 'stderr'), 'utf8');

  it('reports the exit code', async () => {
    const o = await sh('exit 7');
    expect(o).toMatchObject({ code: 7, signal: null, timedOut: false });
    expect(o.spawnError).toBeUndefined();
    expect(o.durationMs).toBeGreaterThan(0);
  });

  it('reports a death by signal by name', async () => {
    const o = await sh('kill -SEGV $$');
    expect(o).toMatchObject({ code: null, signal: 'SIGSEGV', timedOut: false });
  });

  it('kills a program that runs past its timeout', async () => {
    const o = await launch(req(['sleep', '30'], { timeoutMs: 300 }));
    expect(o.timedOut).toBe(true);
    expect(o.signal).toBe('SIGKILL');
    expect(o.code).toBeNull();
    expect(o.durationMs).toBeGreaterThanOrEqual(290);
    expect(o.durationMs).toBeLessThan(300 + 1500);
  });

  it('leaves nothing the program forked running', async () => {
    const o = await sh('sleep 60 & echo $!');
    expect(o.code).toBe(0);
    const pid = Number(out().trim());
    expect(pid).toBeGreaterThan(1);
    // SIGKILL is delivered at once; the orphan may still be a zombie for a moment
    // until init reaps it, and a zombie runs nothing.
    const gone = async (): Promise<boolean> => {
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(pid, 0);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
          throw e;
        }
        try {
          if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
        } catch {
          return true; // vanished between the two looks
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    expect(await gone()).toBe(true);
  });

  it('RLIMIT_FSIZE stops a runaway writer with SIGXFSZ', async () => {
    const o = await launch(req(['head', '-c', '10000000', '/dev/zero'], { rlimits: { fileSizeBytes: 100_000 } }));
    expect(o.signal).toBe('SIGXFSZ');
    expect(statSync(path.join(dir, 'stdout')).size).toBeLessThanOrEqual(100_000);
  });

  it('RLIMIT_CPU stops a busy loop, and rusage counts its user time', async () => {
    const o = await sh('while :; do :; done', { rlimits: { cpuSeconds: 1 }, timeoutMs: 10_000 });
    expect(o.timedOut).toBe(false);
    expect(['SIGXCPU', 'SIGKILL']).toContain(o.signal);
    expect(o.durationMs).toBeLessThan(3_000 + 1_000);
    expect(o.rusage.userUs).toBeGreaterThan(0);
    expect(o.rusage.userUs + o.rusage.systemUs).toBeGreaterThan(500_000);
    expect(o.rusage.maxRssKb).toBeGreaterThan(0);
  });

  it('fd 3 reaches resultsPath', async () => {
    const resultsPath = path.join(dir, 'results');
    const o = await sh('echo hi >&3', { resultsPath });
    expect(o.code).toBe(0);
    expect(readFileSync(resultsPath, 'utf8')).toBe('hi\n');
  });

  it('fd 3 is closed without resultsPath, and no other fd of ours leaks', async () => {
    const o = await sh('ls /proc/$$/fd; echo hi >&3');
    expect(o.code).not.toBe(0);
    expect(out().trim().split('\n')).toEqual(['0', '1', '2']);
    expect(err()).toMatch(/3/);
  });

  it('stdin is /dev/null; cwd and env are the given ones, nothing more', async () => {
    const o = await sh('cat; pwd; env | sort', { env: { PATH: '/usr/bin:/bin', KATA: 'x y' } });
    expect(o.code).toBe(0);
    const lines = out().trim().split('\n');
    expect(lines[0]).toBe(dir);
    expect(lines).toContain('KATA=x y');
    expect(lines.filter((l) => /^[A-Z_]+=/.test(l) && !/^(KATA|PATH|PWD|SHLVL|_)=/.test(l))).toEqual([]);
  });

  it('no signal is blocked or ignored in the program (Node ignores SIGPIPE)', async () => {
    const o = await sh('grep -E "^Sig(Blk|Ign)" /proc/self/status');
    expect(o.code).toBe(0);
    expect(out()).toMatch(/SigBlk:\s+0+\n/);
    expect(out()).toMatch(/SigIgn:\s+0+\n/);
  });

  it('finds argv[0] in the given PATH, and reports a program that cannot start', async () => {
    expect((await launch(req(['true']))).code).toBe(0);
    const missing = await launch(req(['no-such-program-here']));
    expect(missing.spawnError).toMatch(/^ENOENT: /);
    expect(missing.code).toBeNull();
    const notInPath = await launch(req(['true'], { env: { PATH: dir } }));
    expect(notInPath.spawnError).toMatch(/^ENOENT: /);
    const badCwd = await launch(req(['/bin/true'], { cwd: path.join(dir, 'nope') }));
    expect(badCwd.spawnError).toMatch(/^ENOENT: .*chdir/);
  });

  it('pins to a CPU when asked', async () => {
    const o = await sh('grep Cpus_allowed_list /proc/self/status', { cpu: 0 });
    expect(o.code).toBe(0);
    expect(out()).toMatch(/Cpus_allowed_list:\s+0\n/);
  });

  it('perf: counts instructions and cycles, or says why not', async () => {
    const o = await launch(req(['/bin/true'], { perf: true }));
    expect(o.code).toBe(0);
    if (o.perf) {
      expect(o.perf.instructions).toBeGreaterThan(0);
      expect(o.perf.cycles).toBeGreaterThan(0);
      expect(o.perfError).toBeUndefined();
    } else {
      expect(o.perfError).toMatch(/^(not supported on this machine \(E[A-Z]+\)|not permitted \(perf_event_paranoid=)/);
    }
    // Not asked, not tried.
    const plain = await launch(req(['/bin/true']));
    expect(plain.perf).toBeUndefined();
    expect(plain.perfError).toBeUndefined();
  });

  it('runs several programs at once without mixing them up', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) =>
        launch(req(['/bin/sh', '-c', `sleep 0.1; exit ${n}`], { stdoutPath: path.join(dir, `o${n}`) })),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(existsSync(path.join(dir, 'o6'))).toBe(true);
  });

  it('rejects a request that makes no sense', async () => {
    await expect(launch(req([]))).rejects.toThrow(/argv/);
    await expect(launch(req(['/bin/true'], { timeoutMs: Number.NaN }))).rejects.toThrow(/timeoutMs/);
  });
});
