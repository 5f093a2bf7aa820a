// Runs an untrusted program (the learner's code linked with our harness) in a
// child process: its own process group, a temporary working directory, a
// scrubbed environment, a timeout, and capped output. Everything it left
// running is killed when it ends.
//
// Two ways, one outcome: the native addon (rlimits on CPU, memory, file size
// and open files; output straight to files the size limit caps; rusage from
// wait4) when it was built, else Node's spawn with pipes. zx is not used here:
// we need the extra results channel (fd 3), output caps that keep our memory
// flat, and a kill of the whole process group.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunRequest {
  /** argv[0] is the program (or the emulator / tracer in front of it). */
  argv: string[];
  timeoutMs: number;
  /** Working directory; a fresh temporary one (removed afterwards) if absent. */
  cwd?: string;
  /** Open fd 3 as the structured results channel. */
  resultsChannel?: boolean;
  /** Bytes kept of stdout and of stderr each; the rest is counted, not kept. */
  outputCap?: number;
  /** Bytes accepted on fd 3 before the program is stopped. */
  resultsCap?: number;
  /** Loosen the address-space limit: emulators reserve a large guest space. */
  emulated?: boolean;
}

/** What wait4() says the program used (only with the native addon). */
export interface Usage {
  userUs: number;
  systemUs: number;
  maxRssKb: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

export interface RunOutcome {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The results channel went over its cap and the program was stopped. */
  flooded: boolean;
  stdout: string;
  stderr: string;
  /** Bytes of stdout/stderr dropped past the cap. */
  droppedOutput: number;
  results: string;
  durationMs: number;
  /** The program could not be started at all. */
  spawnError?: string;
  /** Resource use, when the native addon ran it. */
  usage?: Usage;
}

const DEFAULT_OUTPUT_CAP = 64 * 1024;
const DEFAULT_RESULTS_CAP = 4 * 1024 * 1024;

class CappedBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): boolean {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    if (chunk.length > room) this.dropped += chunk.length - Math.max(room, 0);
    return this.dropped === 0;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Limits that stop a runaway program long before it hurts the machine. */
function limitsFor(req: RunRequest) {
  return {
    cpuSeconds: Math.ceil(req.timeoutMs / 1000) + 1,
    ...(req.emulated ? {} : { addressSpaceBytes: 4 * 1024 ** 3 }),
    processes: 256,
    fileSizeBytes: 64 * 1024 ** 2,
    openFiles: 1024,
  };
}

/** The first `cap` bytes of a file, and how many more there were. */
function readCapped(file: string, cap: number): { text: string; dropped: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { text: '', dropped: 0 };
  }
  try {
    const size = statSync(file).size;
    const buf = Buffer.alloc(Math.min(size, cap));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('utf8'), dropped: Math.max(size - cap, 0) };
  } finally {
    closeSync(fd);
  }
}

async function runWithAddon(req: RunRequest, cwd: string, files: string): Promise<RunOutcome> {
  const { launch } = await import('./addon.js');
  const out = path.join(files, 'stdout');
  const err = path.join(files, 'stderr');
  const results = path.join(files, 'results');
  const r = await launch({
    argv: req.argv,
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', HOME: cwd, TMPDIR: cwd },
    stdoutPath: out,
    stderrPath: err,
    resultsPath: req.resultsChannel ? results : undefined,
    timeoutMs: req.timeoutMs,
    rlimits: limitsFor(req),
  });
  const cap = req.outputCap ?? DEFAULT_OUTPUT_CAP;
  const o = readCapped(out, cap);
  const e = readCapped(err, cap);
  const res = req.resultsChannel ? readCapped(results, req.resultsCap ?? DEFAULT_RESULTS_CAP) : { text: '', dropped: 0 };
  return {
    code: r.code,
    signal: r.signal as NodeJS.Signals | null,
    timedOut: r.timedOut,
    flooded: res.dropped > 0,
    stdout: o.text,
    stderr: e.text,
    droppedOutput: o.dropped + e.dropped,
    results: res.dropped > 0 ? '' : res.text,
    durationMs: r.durationMs,
    spawnError: r.spawnError,
    usage: r.rusage,
  };
}

/** Which way programs run: the addon when it loads, unless SYSCALL_KATAS_SANDBOX=node. */
export async function sandboxKind(): Promise<'addon' | 'node'> {
  if (process.env.SYSCALL_KATAS_SANDBOX === 'node') return 'node';
  const { addonAvailable } = await import('./addon.js');
  return addonAvailable() ? 'addon' : 'node';
}

export async function runProgram(req: RunRequest): Promise<RunOutcome> {
  if ((await sandboxKind()) === 'addon') {
    const ownDir = req.cwd ? undefined : mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-run-'));
    // Output files are kept out of the working directory, apart from the program's own files.
    const files = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-out-'));
    try {
      return await runWithAddon(req, req.cwd ?? ownDir!, files);
    } finally {
      rmSync(files, { recursive: true, force: true });
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    }
  }
  return runWithNode(req);
}

async function runWithNode(req: RunRequest): Promise<RunOutcome> {
  const ownDir = req.cwd ? undefined : mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-run-'));
  const cwd = req.cwd ?? ownDir!;
  const started = performance.now();
  const stdout = new CappedBuffer(req.outputCap ?? DEFAULT_OUTPUT_CAP);
  const stderr = new CappedBuffer(req.outputCap ?? DEFAULT_OUTPUT_CAP);
  const results = new CappedBuffer(req.resultsCap ?? DEFAULT_RESULTS_CAP);
  const [cmd, ...args] = req.argv;
  try {
    return await new Promise<RunOutcome>((resolve) => {
      let timedOut = false;
      let flooded = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const child = spawn(cmd!, args, {
        cwd,
        detached: true, // own process group, so that one kill reaches every descendant
        stdio: ['ignore', 'pipe', 'pipe', req.resultsChannel ? 'pipe' : 'ignore'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', HOME: cwd, TMPDIR: cwd },
      });
      const finish = (spawnError?: string) => {
        clearTimeout(timer);
        clearTimeout(grace);
        killGroup(child.pid); // nothing the program forked outlives the check
        resolve({
          code: exit?.code ?? null,
          signal: exit?.signal ?? null,
          timedOut,
          flooded,
          stdout: stdout.text(),
          stderr: stderr.text(),
          droppedOutput: stdout.dropped + stderr.dropped,
          results: results.text(),
          durationMs: performance.now() - started,
          spawnError,
        });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, req.timeoutMs);
      let grace: NodeJS.Timeout | undefined;
      child.stdout!.on('data', (c: Buffer) => stdout.push(c));
      child.stderr!.on('data', (c: Buffer) => stderr.push(c));
      const channel = child.stdio[3] as NodeJS.ReadableStream | null;
      channel?.on('data', (c: Buffer) => {
        if (!results.push(c) && !flooded) {
          flooded = true;
          killGroup(child.pid);
        }
      });
      child.on('error', (e) => finish(e.message));
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // A descendant may still hold the pipes open; it is killed now, and we
        // stop waiting for the pipes to drain after a short grace.
        killGroup(child.pid);
        grace = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          (channel as unknown as { destroy?: () => void } | null)?.destroy?.();
          finish();
        }, 500);
      });
      child.on('close', () => finish());
    });
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}
