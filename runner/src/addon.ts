// The optional native addon (native/addon, built by `npm install` with node-gyp):
// runs an untrusted program the way Node's child_process cannot: output straight
// to files on fds 1, 2 and 3, every other fd closed, resource limits (setrlimit),
// a CPU pin, hardware counters (perf_event_open), and wait4()'s rusage. The
// whole process group is killed when the program ends or times out.
//
// The addon may be missing (no compiler, a failed build, not Linux): then
// addonAvailable() is false, addonLoadError() says why, and the runner keeps to
// the pure-Node path in sandbox.ts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface LaunchRequest {
  /** argv[0] is an absolute path, or looked up in env.PATH (execvpe semantics). */
  argv: string[];
  cwd: string;
  /** The program's whole environment: nothing is inherited from ours. */
  env: Record<string, string>;
  /** The program's fd 1, created or truncated. */
  stdoutPath: string;
  /** The program's fd 2, created or truncated. */
  stderrPath: string;
  /** The program's fd 3 (the results channel), created or truncated; fd 3 is closed when absent. */
  resultsPath?: string;
  /** Then SIGKILL to the whole process group. */
  timeoutMs: number;
  rlimits?: {
    /** RLIMIT_CPU: SIGXCPU at this many seconds of CPU time (rounded up), SIGKILL a second later. */
    cpuSeconds?: number;
    addressSpaceBytes?: number;
    /** RLIMIT_NPROC (per user; not enforced for root). */
    processes?: number;
    /** RLIMIT_FSIZE: a write past it raises SIGXFSZ. */
    fileSizeBytes?: number;
    openFiles?: number;
  };
  /** Pin the program to this CPU (sched_setaffinity), if allowed; ignored otherwise. */
  cpu?: number;
  /** Count the program's instructions and cycles from exec on, its children included. */
  perf?: boolean;
}

export interface LaunchOutcome {
  /** Exit code; null when a signal ended it or it never started (spawnError). */
  code: number | null;
  /** e.g. 'SIGSEGV'; 'SIG<n>' for the unusual ones. */
  signal: string | null;
  timedOut: boolean;
  /** From the moment the program was let go to its reaping. */
  durationMs: number;
  /** wait4()'s: the program and the children it waited for. */
  rusage: { userUs: number; systemUs: number; maxRssKb: number; voluntarySwitches: number; involuntarySwitches: number };
  perf?: { instructions: number; cycles: number };
  /** Why the counters are missing when perf was asked for. */
  perfError?: string;
  /** The program could not be started, e.g. "ENOENT: no such file or directory, exec 'nosuch'". */
  spawnError?: string;
}

interface NativeModule {
  launch(req: LaunchRequest): Promise<LaunchOutcome>;
  nonDumpable?(): boolean;
}

export const addonPath = path.join(repoRoot, 'native', 'addon', 'build', 'Release', 'launch.node');

let loaded: { module: NativeModule } | { error: string } | undefined;

function load(): { module: NativeModule } | { error: string } {
  if (loaded) return loaded;
  try {
    if (process.platform !== 'linux') throw new Error(`the addon is Linux-only, this is ${process.platform}`);
    const mod = createRequire(import.meta.url)(addonPath) as Partial<NativeModule>;
    if (typeof mod.launch !== 'function') throw new Error(`${addonPath} has no launch()`);
    loaded = { module: mod as NativeModule };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    loaded = {
      error:
        err.code === 'MODULE_NOT_FOUND'
          ? `${path.relative(repoRoot, addonPath)} is not built (run \`npm run build:addon\`)`
          : `${path.relative(repoRoot, addonPath)} does not load: ${err.message?.split('\n')[0] ?? String(e)}`,
    };
  }
  return loaded;
}

/**
 * Makes this process (the runner) non-dumpable, so that no process of its uid
 * can trace it or read its memory, environment or descriptors through /proc.
 * False when the addon is missing.
 */
export function makeNonDumpable(): boolean {
  const l = load();
  return 'module' in l && (l.module.nonDumpable?.() ?? false);
}

/** Whether the native addon loads here. Never throws. */
export function addonAvailable(): boolean {
  return 'module' in load();
}

/** Why the addon is not available (for `doctor`), or undefined when it is. */
export function addonLoadError(): string | undefined {
  const l = load();
  return 'error' in l ? l.error : undefined;
}

/**
 * Runs one program and resolves when it has ended and its process group is
 * killed. Rejects only for a request that makes no sense or when the addon is
 * not available; a program that cannot start resolves with spawnError.
 */
export async function launch(req: LaunchRequest): Promise<LaunchOutcome> {
  const l = load();
  if ('error' in l) throw new Error(`native addon not available: ${l.error}`);
  if (req.argv.length === 0) throw new TypeError('launch: argv must not be empty');
  if (!(Number.isFinite(req.timeoutMs) && req.timeoutMs > 0)) {
    throw new RangeError(`launch: timeoutMs must be a positive number, not ${req.timeoutMs}`);
  }
  // The child opens its files before it changes directory: make every path
  // absolute so that none depends on our own working directory.
  const abs = (p: string) => path.resolve(p);
  return l.module.launch({
    ...req,
    cwd: abs(req.cwd),
    stdoutPath: abs(req.stdoutPath),
    stderrPath: abs(req.stderrPath),
    resultsPath: req.resultsPath === undefined ? undefined : abs(req.resultsPath),
  });
}
