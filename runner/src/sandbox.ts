// Runs an untrusted program (the learner's code linked with our harness) in a
// child process: its own process group, a temporary working directory, a
// scrubbed environment, a timeout, and capped output. Everything it left
// running is killed when it ends. zx is not used here: we need the extra
// results pipe (fd 3), output caps that keep our memory flat, and a kill of
// the whole process group.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export async function runProgram(req: RunRequest): Promise<RunOutcome> {
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
