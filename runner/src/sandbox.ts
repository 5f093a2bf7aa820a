// Runs an untrusted program (the learner's code linked with our harness) in a
// child process: a temporary working directory, a scrubbed environment, a
// timeout, capped output, and nothing it started left running afterwards.
//
// Two ways, one outcome: the native addon (rlimits on CPU, memory, file size
// and open files; output straight to files the size limit caps; rusage from
// wait4) when it was built, else Node's spawn with pipes. zx is not used here:
// we need the extra results channel (fd 3), output caps that keep our memory
// flat, and control over every process the program starts.
//
// Under both, the program runs under the supervisor (native/harness/supervise.c,
// built once by build.ts). A process group is not enough: a program that calls
// setsid() leaves it, and once its parent exits nothing links it to the run.
// The supervisor is a child subreaper, so every orphan below it is re-parented
// to it whatever its session or group; when the program ends, times out or
// floods its output, it kills every process whose parent chain leads to it,
// until it has no child left, and writes a report (exit status, timeout,
// leftovers, rusage). It also installs a seccomp guard that refuses signals
// aimed at itself, at this runner and at everyone (kill(-1)). The timeout is
// the supervisor's; ours (addon or Node timer) is a backstop a few seconds
// later, for a supervisor that itself went wrong. Without a host compiler the
// supervisor cannot be built: programs then run as before, in a process group
// killed as a whole, and RunOutcome.containment says so.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { supervisorProgram } from './build.js';
import { validate } from './schema.js';

/**
 * The whole environment a run gets: nothing of the runner's but PATH.
 * SYSCALL_KATAS_PRETEND_KERNEL_LACKS (an io_uring opcode number) reaches the
 * judge as KATA_PRETEND_KERNEL_LACKS, so a test can see a run-time skip on a
 * kernel that has everything; the agent's environment is the judge's own choice.
 */
function programEnv(cwd: string): Record<string, string> {
  const lacks = process.env.SYSCALL_KATAS_PRETEND_KERNEL_LACKS;
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', HOME: cwd, TMPDIR: cwd, ...(lacks ? { KATA_PRETEND_KERNEL_LACKS: lacks } : {}) };
}

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
  /** Bytes of stdout, or of stderr, past which the program is stopped as a flood. */
  outputLimit?: number;
  /** Bytes accepted on fd 3 before the program is stopped. */
  resultsCap?: number;
  /** Loosen the address-space limit: emulators reserve a large guest space. */
  emulated?: boolean;
}

/** What wait4() says the program used (the addon's, or the supervisor's for its children). */
export interface Usage {
  userUs: number;
  systemUs: number;
  maxRssKb: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

/** Processes the program left running when it ended, which the supervisor killed. */
export interface Leftovers {
  count: number;
  /** The first few, by pid and the name they ran under (their own choice: untrusted text). */
  named: { pid: number; name: string }[];
  /** Still alive when the supervisor gave up (a fork bomb run as root): should be 0. */
  unkilled: number;
}

export interface RunOutcome {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The results channel went over its cap and the program was stopped. */
  flooded: boolean;
  /** stdout or stderr went over outputLimit and the program was stopped. */
  outputFlooded?: 'stdout' | 'stderr';
  /** The flood limit that applied, in bytes per stream. */
  outputLimit?: number;
  stdout: string;
  stderr: string;
  /** Bytes of stdout/stderr dropped past the cap. */
  droppedOutput: number;
  results: string;
  durationMs: number;
  /** The program could not be started at all. */
  spawnError?: string;
  /** Resource use: wait4()'s with the native addon, else the supervisor's account of its children. */
  usage?: Usage;
  /** What the program left running after it ended (supervisor only). */
  leftovers?: Leftovers;
  /** How the run's processes were contained: 'supervisor', or 'process-group' when it could not be built. */
  containment?: 'supervisor' | 'process-group';
  /** The supervisor failed (killed, or no report): nothing about the run can be believed. */
  supervisorProblem?: string;
}

const DEFAULT_OUTPUT_CAP = 64 * 1024;
/** Past this much on stdout or stderr, a program is flooding, and is stopped. */
export const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;
const DEFAULT_RESULTS_CAP = 4 * 1024 * 1024;
/** Our timeout, past the supervisor's own, for a supervisor gone wrong. */
const BACKSTOP_MS = 5000;

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
  get total(): number {
    return this.kept + this.dropped;
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

/** The first `cap` bytes of a file, how many more there were, and its size. */
function readCapped(file: string, cap: number): { text: string; dropped: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { text: '', dropped: 0, size: 0 };
  }
  try {
    const size = statSync(file).size;
    const buf = Buffer.alloc(Math.min(size, cap));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('utf8'), dropped: Math.max(size - cap, 0), size };
  } finally {
    closeSync(fd);
  }
}

/** The same limits, as the supervisor's --rlimit arguments (the Node sandbox has no other way to set them). */
function rlimitArgs(req: RunRequest): string[] {
  const l = limitsFor(req);
  const pairs: [string, number | undefined][] = [
    ['cpu', l.cpuSeconds],
    ['as', l.addressSpaceBytes],
    ['fsize', l.fileSizeBytes],
    ['nofile', l.openFiles],
    ['nproc', l.processes],
  ];
  return pairs.flatMap(([name, v]) => (v === undefined ? [] : ['--rlimit', `${name}=${v}`]));
}

/** One program run, as either sandbox sees it (before the supervisor's report is read). */
interface Launch {
  argv: string[];
  cwd: string;
  /** Private directory for our own files (outputs, the report). */
  files: string;
  timeoutMs: number;
  /** How to ask the program (or its supervisor) to stop: a flood. */
  supervised: boolean;
}

async function runWithAddon(req: RunRequest, l: Launch): Promise<RunOutcome> {
  const { launch } = await import('./addon.js');
  const out = path.join(l.files, 'stdout');
  const err = path.join(l.files, 'stderr');
  const results = path.join(l.files, 'results');
  const r = await launch({
    argv: l.argv,
    cwd: l.cwd,
    env: programEnv(l.cwd),
    stdoutPath: out,
    stderrPath: err,
    resultsPath: req.resultsChannel ? results : undefined,
    timeoutMs: l.timeoutMs,
    rlimits: limitsFor(req),
  });
  const cap = req.outputCap ?? DEFAULT_OUTPUT_CAP;
  const limit = req.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
  const o = readCapped(out, cap);
  const e = readCapped(err, cap);
  const res = req.resultsChannel ? readCapped(results, req.resultsCap ?? DEFAULT_RESULTS_CAP) : { text: '', dropped: 0, size: 0 };
  return {
    code: r.code,
    signal: r.signal as NodeJS.Signals | null,
    timedOut: r.timedOut,
    flooded: res.dropped > 0,
    // The files themselves say whether it printed too much, whoever stopped it (the
    // supervisor watching their size, or RLIMIT_FSIZE's SIGXFSZ).
    outputFlooded: o.size > limit ? 'stdout' : e.size > limit ? 'stderr' : undefined,
    stdout: o.text,
    stderr: e.text,
    droppedOutput: o.dropped + e.dropped,
    results: res.dropped > 0 ? '' : res.text,
    durationMs: r.durationMs,
    spawnError: r.spawnError,
    usage: r.rusage,
  };
}

async function runWithNode(req: RunRequest, l: Launch): Promise<RunOutcome> {
  const started = performance.now();
  const limit = req.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
  const stdout = new CappedBuffer(req.outputCap ?? DEFAULT_OUTPUT_CAP);
  const stderr = new CappedBuffer(req.outputCap ?? DEFAULT_OUTPUT_CAP);
  const results = new CappedBuffer(req.resultsCap ?? DEFAULT_RESULTS_CAP);
  const [cmd, ...args] = l.argv;
  return new Promise<RunOutcome>((resolve) => {
    let timedOut = false;
    let flooded = false;
    let outputFlooded: 'stdout' | 'stderr' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const child = spawn(cmd!, args, {
      cwd: l.cwd,
      detached: true, // own process group: the backstop's one kill reaches the supervisor and what it could not
      stdio: ['ignore', 'pipe', 'pipe', req.resultsChannel ? 'pipe' : 'ignore'],
      env: programEnv(l.cwd),
    });
    // A flood: the supervisor stops the program and everything it started, and
    // reports; without one, the group is all we can reach.
    const stop = () => {
      if (l.supervised) {
        try {
          child.kill('SIGTERM');
        } catch {
          /* gone */
        }
      } else {
        killGroup(child.pid);
      }
    };
    const finish = (spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      killGroup(child.pid); // nothing left in its group outlives the check
      resolve({
        code: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        flooded,
        outputFlooded,
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
    }, l.timeoutMs);
    let grace: NodeJS.Timeout | undefined;
    const watch = (buf: CappedBuffer, stream: 'stdout' | 'stderr') => (c: Buffer) => {
      buf.push(c);
      if (buf.total > limit && !outputFlooded) {
        outputFlooded = stream;
        stop();
      }
    };
    child.stdout!.on('data', watch(stdout, 'stdout'));
    child.stderr!.on('data', watch(stderr, 'stderr'));
    const channel = child.stdio[3] as NodeJS.ReadableStream | null;
    channel?.on('data', (c: Buffer) => {
      if (!results.push(c) && !flooded) {
        flooded = true;
        stop();
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
}

// ---------------------------------------------------------------- the report

/** The supervisor's one-line JSON report (native/judge/supervise.c), the last line on fd 3. */
interface SupervisorReport {
  t: 'supervisor';
  v: 1;
  pid: number;
  execErrno: number;
  execError?: string;
  reaped: boolean;
  code?: number;
  signal?: number;
  timedOut: boolean;
  stopped?: string;
  flooded?: 'stdout' | 'stderr';
  durationMs: number;
  leftovers: number;
  named: { pid: number; name: string }[];
  unkilled: number;
  userUs: number;
  systemUs: number;
  maxRssKb: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

const signalNames = new Map<number, NodeJS.Signals>(Object.entries(os.constants.signals).map(([name, n]) => [n as number, name as NodeJS.Signals]));
const errnoNames = new Map<number, string>(Object.entries(os.constants.errno).map(([name, n]) => [n as number, name]));

/**
 * Splits the results channel into the program's records and the
 * supervisor's report: its last line, written after every process of the run
 * was dead, so nothing of the run can write after it. A report that does not
 * validate is no report.
 */
function splitReport(results: string): { records: string; report?: SupervisorReport } {
  const body = results.endsWith('\n') ? results.slice(0, -1) : results;
  const at = body.lastIndexOf('\n');
  const last = body.slice(at + 1);
  if (!last.startsWith('{"t":"supervisor"')) return { records: results };
  let data: unknown;
  try {
    data = JSON.parse(last);
  } catch {
    return { records: results };
  }
  const checked = validate<SupervisorReport>('supervisor-report.schema.json', data);
  return { records: at < 0 ? '' : `${body.slice(0, at)}\n`, report: checked.ok ? checked.value : undefined };
}

function withReport(raw: RunOutcome, report: SupervisorReport | undefined, argv0: string, limit: number): RunOutcome {
  const base: RunOutcome = { ...raw, containment: 'supervisor', outputLimit: limit };
  if (!report) {
    const how = raw.timedOut ? 'did not finish in time' : raw.signal ? `was killed by ${raw.signal}` : `exited with status ${raw.code}`;
    return {
      ...base,
      code: null,
      signal: null,
      supervisorProblem: raw.spawnError ? undefined : `the sandbox's supervisor ${how} without reporting on the program`,
    };
  }
  const spawnError = report.execErrno
    ? `${errnoNames.get(report.execErrno) ?? `errno ${report.execErrno}`}: ${(report.execError ?? '').replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase())}, exec '${argv0}'`
    : raw.spawnError;
  return {
    ...base,
    code: report.code ?? null,
    signal: report.signal ? (signalNames.get(report.signal) ?? (`SIG${report.signal}` as NodeJS.Signals)) : null,
    timedOut: report.timedOut || raw.timedOut,
    outputFlooded: raw.outputFlooded ?? report.flooded,
    durationMs: report.durationMs,
    spawnError,
    usage: raw.usage ?? {
      userUs: report.userUs,
      systemUs: report.systemUs,
      maxRssKb: report.maxRssKb,
      voluntarySwitches: report.voluntarySwitches,
      involuntarySwitches: report.involuntarySwitches,
    },
    leftovers: report.leftovers || report.unkilled ? { count: report.leftovers, named: report.named, unkilled: report.unkilled } : undefined,
  };
}

/** Which way programs run: the addon when it loads, unless SYSCALL_KATAS_SANDBOX=node. */
export async function sandboxKind(): Promise<'addon' | 'node'> {
  if (process.env.SYSCALL_KATAS_SANDBOX === 'node') return 'node';
  const { addonAvailable } = await import('./addon.js');
  return addonAvailable() ? 'addon' : 'node';
}

export async function runProgram(req: RunRequest): Promise<RunOutcome> {
  const kind = await sandboxKind();
  const supervisor = await supervisorProgram();
  const ownDir = req.cwd ? undefined : mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-run-'));
  // Searchable, not listable: an agent running under a uid of its own (the judge
  // runs as root) must reach its own directory inside this one by path.
  if (ownDir) chmodSync(ownDir, 0o711);
  // Our files (outputs, the report) are kept out of the working directory.
  const files = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-out-'));
  const limit = req.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
  try {
    const cwd = req.cwd ?? ownDir!;
    const launch: Launch = supervisor.path
      ? {
          argv: [
            supervisor.path,
            '--report-fd',
            '3',
            '--timeout-ms',
            String(req.timeoutMs),
            '--output-limit',
            String(limit),
            // The addon sets these on the supervisor (and so on the program); Node cannot.
            ...(kind === 'node' ? rlimitArgs(req) : []),
            '--',
            ...req.argv,
          ],
          cwd,
          files,
          timeoutMs: req.timeoutMs + BACKSTOP_MS,
          supervised: true,
        }
      : { argv: req.argv, cwd, files, timeoutMs: req.timeoutMs, supervised: false };
    // fd 3 is always open under the supervisor: its report comes last on it.
    const channel = { ...req, resultsChannel: req.resultsChannel || !!supervisor.path };
    const raw = kind === 'addon' ? await runWithAddon(channel, launch) : await runWithNode(channel, launch);
    if (!supervisor.path) return { ...raw, containment: 'process-group', outputLimit: limit };
    const { records, report } = splitReport(raw.results);
    return withReport({ ...raw, results: req.resultsChannel ? records : '' }, report, req.argv[0] ?? '', limit);
  } finally {
    rmSync(files, { recursive: true, force: true });
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}
