// The optional native addon (native/addon): the package's prebuilt one for
// linux-x64/arm64 (native/addon/prebuilds, made by `npm pack`), else the one
// `npm install` builds with node-gyp (runner/scripts/build-addon.mjs):
// runs an untrusted program the way Node's child_process cannot: output straight
// to files on fds 1, 2 and 3, every other fd closed, resource limits (setrlimit),
// a CPU pin, hardware counters (perf_event_open), and wait4()'s rusage. The
// whole process group is killed when the program ends or times out.
//
// The addon may be missing (no compiler, a failed build, not Linux): then
// addonAvailable() is false, addonLoadError() says why, and the runner keeps to
// the pure-Node path in sandbox.ts.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isInstalled } from './workspace-root.js';
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

const addonDir = path.join(repoRoot, 'native', 'addon');
/** What build-addon.mjs keeps of a failed build. */
const buildLog = path.join(addonDir, 'build-error.log');

/** The command that builds the addon here: npm's script in a clone, the script's path in an install. */
export function buildAddonCommand(): string {
  return isInstalled() ? `node ${path.join(repoRoot, 'runner', 'scripts', 'build-addon.mjs')}` : 'npm run build:addon';
}

let loaded: { module: NativeModule; file: string } | { error: string } | undefined;

function load(): { module: NativeModule; file: string } | { error: string } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let file: string | undefined;
  try {
    if (process.platform !== 'linux') throw new Error(`the addon is Linux-only, this is ${process.platform}`);
    // node-gyp-build: build/Release first (a local build wins), then prebuilds/<platform>-<arch>.
    file = (require('node-gyp-build') as { path(dir: string): string }).path(addonDir);
    const mod = require(file) as Partial<NativeModule>;
    if (typeof mod.launch !== 'function') throw new Error(`${file} has no launch()`);
    loaded = { module: mod as NativeModule, file };
  } catch (e) {
    const message = (e as Error).message?.split('\n')[0] ?? String(e);
    const why = file ? `${path.relative(repoRoot, file)} does not load: ${message}` : `native/addon/build/Release/launch.node is not built and no prebuilt addon fits this machine (${message.replace(/^No native build was found for /, '')})`;
    const failed = existsSync(buildLog) ? `; its build failed: ${buildFailure()} (the whole log: ${buildLog})` : '';
    loaded = { error: `${why}${failed}` };
  }
  return loaded;
}

/** The cause build-addon.mjs found, the lines it printed. */
function buildFailure(): string {
  try {
    const text = readFileSync(buildLog, 'utf8');
    const cause = /^# cause: (.*)$/m.exec(text)?.[1];
    return cause ?? 'see the log';
  } catch {
    return 'see the log';
  }
}

/** The addon file in use, or undefined when it is not available. */
export function addonFile(): string | undefined {
  const l = load();
  return 'file' in l ? l.file : undefined;
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
