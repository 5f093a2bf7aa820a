// Checks one learner file against one kata: availability, build, then each
// check in the manifest, every run in a fresh sandboxed child. The verdict is
// computed here from what the child observed, never taken from the child.
//
// Nothing the child says is believed on its word: every record on the results
// channel must carry the MAC of this run's key and the next sequence number
// (protocol.ts); a timing run's figures must fit in the CPU and wall time the
// sandbox saw it use; a learner's loop measured faster than the operation can
// be (minRatio) did not do the work; and a program that leaves processes
// running after it ends fails, even when every case passed.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { availabilityOf } from './availability.js';
import { buildKata } from './build.js';
import { displayPath } from './paths.js';
import type { Arch, CasesCheck, CheckSpec, ExitStatusCheck, Kata, NsPerCallCheck, SyscallCountCheck } from './manifest.js';
import { DEFAULT_TIMEOUT_MS } from './manifest.js';
import { type HarnessRecord, newRunKey, type ParsedChannel, parseChannel, type Series } from './protocol.js';
import { budgetHere, figuresOf, isUnstable, judgeBudget } from './budget.js';
import { type BudgetFigures, type CheckResult, type SyscallFigures, type KataResult, overallStatus, RESULT_VERSION } from './result.js';
import { type RunOutcome, type RunRequest, runProgram } from './sandbox.js';
import { signalMeaning, withErrnoName } from './signals.js';
import { isEmulated, toolchainFor } from './targets.js';

export interface CheckOptions {
  /** Multiplies every ns budget (an instructor's knob). */
  budgetScale?: number;
  /** Overrides the kata's timeout per run, in ms. */
  timeoutMs?: number;
  /**
   * Grading someone else's code: run it under the supervisor's seccomp guard,
   * so it cannot signal the runner or the supervisor. Off for a learner's own
   * checks: the guard adds ~45 ns to every syscall, and the course is about
   * what a syscall costs. Ratio budgets hold either way (both loops pay it).
   */
  guard?: boolean;
  /** Stops before the next run once aborted (a per-kata time limit); the run under way ends by its own timeout. */
  signal?: AbortSignal;
}

/** Emulated programs run several times slower: their timeouts stretch. */
const EMULATION_SLOWDOWN = 4;

interface RunContext {
  kata: Kata;
  arch: Arch;
  exe: string;
  emulator?: string;
  timeoutMs: number;
  options: CheckOptions;
}

function newSeed(): string {
  return randomBytes(8).readBigUInt64LE().toString();
}

function command(ctx: RunContext, args: string[]): string[] {
  return ctx.emulator ? [ctx.emulator, ctx.exe, ...args] : [ctx.exe, ...args];
}

interface KeyedRun {
  out: RunOutcome;
  channel: ParsedChannel;
}

/**
 * One run with an authenticated results channel: a fresh random key, in a
 * file of a private directory, passed as `--key=FILE` right after the
 * program (the harness reads it, unlinks it and zeroes the argument before
 * any learner code runs). `prefix` goes in front of the program (a tracer).
 */
async function runKeyed(ctx: RunContext, args: string[], opts: Omit<RunRequest, 'argv' | 'resultsChannel'> & { prefix?: string[] }): Promise<KeyedRun> {
  const key = newRunKey();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-key-'));
  try {
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const program = [ctx.exe, `--key=${keyFile}`, ...args];
    const { prefix, ...req } = opts;
    const argv = prefix ? [...prefix, ...program] : ctx.emulator ? [ctx.emulator, ...program] : program;
    const out = await runProgram({ ...req, argv, resultsChannel: true, trusted: !ctx.options.guard });
    return { out, channel: parseChannel(out.results, key) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tampered(corrupt: string): string {
  return `the results channel was tampered with (${corrupt}): nothing after that is believed`;
}

/** What went wrong with a run, in a sentence; undefined when it ended normally. */
function abnormalEnd(out: RunOutcome, ctx: RunContext, during: string): string | undefined {
  if (out.spawnError) return `the program could not be started: ${out.spawnError}`;
  if (out.supervisorProblem) return `${out.supervisorProblem} ${during}: the run cannot be believed`;
  if (out.outputFlooded) return `printed more than ${out.outputLimit ?? 'the limit of'} bytes on ${out.outputFlooded} ${during}: output truncated`;
  if (out.flooded) return `flooded the results channel ${during}; it was stopped`;
  if (out.timedOut) return `did not finish within ${(ctx.timeoutMs / 1000).toFixed(1)} s ${during} (an endless loop, or a call that blocks?)`;
  if (out.signal) return `crashed with ${out.signal} ${during}: ${signalMeaning(out.signal)}`;
  return undefined;
}

/** Lines that look like the harness's records, printed by the program itself. */
const RECORD_LIKE = /^\s*\{\s*"t"\s*:/m;

function outputDetails(out: RunOutcome): string[] {
  const details: string[] = [];
  // The last 8 lines, each cut at 240 characters: enough to read, never a flood in the report.
  const clip = (l: string) => (l.length > 240 ? `${l.slice(0, 240)}… (${l.length - 240} more characters)` : l);
  const tail = (s: string) => s.trimEnd().split('\n').slice(-8).map(clip);
  if (out.stdout.trim()) details.push('your program printed:', ...tail(out.stdout).map((l) => `  ${l}`));
  if (out.stderr.trim()) details.push('on stderr:', ...tail(out.stderr).map((l) => `  ${l}`));
  if (out.droppedOutput) details.push(`(${out.droppedOutput} more bytes of output were dropped)`);
  if (RECORD_LIKE.test(out.stdout) || RECORD_LIKE.test(out.stderr))
    details.push("(lines that look like the harness's records mean nothing in your output: results come only from the harness, authenticated)");
  return details;
}

/** The stack pointer register, as the learner's asm calls it. */
function spName(arch: Arch): string {
  return arch === 'x86_64' ? 'rsp' : 'sp';
}

type CrashRecord = Extract<HarnessRecord, { t: 'crash' }>;

/** What the harness saw when the program crashed, in words: undefined when it adds nothing. */
function crashClause(crash: CrashRecord | undefined, out: RunOutcome, arch: Arch): string | undefined {
  if (/stack smashing detected/.test(out.stderr))
    return 'the stack protector caught a write past the end of a buffer on the stack (it overwrote the frame of the function that called it)';
  if (!crash) return undefined;
  if (crash.stack === 'outside')
    return `the stack pointer was ${crash.sp} when it crashed, nowhere near the stack: asm that changes ${spName(arch)} (or leaves it changed) breaks every push, call and return after it`;
  if ((crash.signal === 11 || crash.signal === 7) && crash.addr === crash.pc && crash.pc !== '0x0')
    return `it jumped to ${crash.pc}, where there is no code: a return address or function pointer was overwritten (a stack overrun, or asm that moved ${spName(arch)})`;
  return undefined;
}

function crashDetails(crash: CrashRecord | undefined): string[] {
  if (!crash) return [];
  return [`at the crash: faulting address ${crash.addr}, instruction ${crash.pc}, stack pointer ${crash.sp} (${crash.stack === 'unknown' ? 'stack bounds unknown' : `${crash.stack} the stack`})`];
}

/**
 * A program that left processes running after it ended fails, whatever else
 * it did: the supervisor killed them, and names them here. Nothing to say
 * when the run was stopped by us (a timeout, a flood): then killing what was
 * left is our doing.
 */
function leftoverResult(out: RunOutcome, base: { kind: CheckResult['kind']; arch: Arch }, during: string): CheckResult | undefined {
  const left = out.leftovers;
  if (!left || out.timedOut || out.outputFlooded || out.flooded || out.supervisorProblem) return undefined;
  const named = left.named.map((p) => `pid ${p.pid} (${p.name})`);
  const details = [
    ...(named.length ? [`killed: ${named.join(', ')}${left.count > named.length ? `, and ${left.count - named.length} more` : ''}`] : []),
    ...outputDetails(out),
  ];
  if (left.unkilled > 0)
    return {
      ...base,
      name: 'processes',
      status: 'fail',
      message: `started processes faster than they could be stopped (${during}): ${left.unkilled} were still running when the sandbox gave up`,
      details,
    };
  if (left.count === 0) return undefined;
  return {
    ...base,
    name: 'processes',
    status: 'fail',
    message: `left ${left.count} process${left.count > 1 ? 'es' : ''} running after it ended (${during}); the sandbox killed ${left.count > 1 ? 'them' : 'it'}: a program must not leave anything behind`,
    details,
  };
}

function formatValue(kind: string, value: string): string {
  if (kind === 'i64') return withErrnoName(value);
  if (kind === 'bytes' && /^[0-9a-f]*$/.test(value)) {
    const bytes = Buffer.from(value, 'hex');
    const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
    const shown = printable ? JSON.stringify(bytes.toString('latin1')) : value;
    return `${bytes.length} bytes ${shown.length > 72 ? `${shown.slice(0, 72)}…` : shown}`;
  }
  return value;
}

function firstDifference(expected: string, got: string): string | undefined {
  if (!/^[0-9a-f]*$/.test(expected) || !/^[0-9a-f]*$/.test(got)) return undefined;
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(got, 'hex');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at byte ${i}`;
}

async function runCases(ctx: RunContext, spec: CasesCheck): Promise<CheckResult[]> {
  const base = { kind: 'case' as const, arch: ctx.arch };
  const { out, channel } = await runKeyed(ctx, ['cases', newSeed()], { timeoutMs: ctx.timeoutMs, emulated: !!ctx.emulator });
  const byCase = new Map<string, HarnessRecord[]>();
  const begun: string[] = [];
  const ended = new Set<string>();
  let done = false;
  for (const r of channel.records) {
    if (r.t === 'begin') begun.push(r.case);
    else if (r.t === 'end') ended.add(r.case);
    else if (r.t === 'done') done = true;
    if ('case' in r) byCase.set(r.case, [...(byCase.get(r.case) ?? []), r]);
  }
  const crash = channel.records.find((r): r is CrashRecord => r.t === 'crash');
  const results: CheckResult[] = [];
  if (out.outputFlooded) {
    // A flood fails the run whatever the cases say, and whether the program was stopped in the
    // middle (a pipe, a file over its size limit) or finished before anyone looked.
    const inCase = begun.find((c) => !ended.has(c));
    results.push({
      ...base,
      name: 'output',
      status: 'fail',
      message: `printed more than ${out.outputLimit} bytes on ${out.outputFlooded}${inCase ? ` in case '${inCase}'` : ''}: output truncated, and a program that floods its output fails`,
      details: outputDetails(out),
    });
  }
  let stopped = false;
  let toldTampering = false;
  for (const name of spec.cases) {
    const label = { ...base, name: `case ${name}` };
    const records = byCase.get(name) ?? [];
    const notes = records.flatMap((r) => (r.t === 'note' ? [r.text] : []));
    if (stopped || !begun.includes(name)) {
      if (channel.corrupt && !toldTampering) {
        results.push({ ...label, status: 'fail', message: tampered(channel.corrupt), details: outputDetails(out) });
        toldTampering = true;
      } else if (channel.corrupt) {
        results.push({ ...label, status: 'skipped', message: 'not believed: the results channel was tampered with before this case' });
      } else if (!stopped && !begun.includes(name) && done) {
        results.push({ ...label, status: 'error', message: `check.c never ran case '${name}' (the kata's driver and manifest disagree)` });
      } else {
        const why = abnormalEnd(out, ctx, 'before this case');
        results.push({
          ...label,
          status: stopped ? 'skipped' : 'fail',
          message: stopped ? 'not reached: an earlier case stopped the program' : why ?? `the program ended (exit status ${out.code}) before this case ran`,
          details: stopped ? undefined : outputDetails(out),
        });
      }
      stopped = true;
      continue;
    }
    const expects = records.flatMap((r) => (r.t === 'expect' ? [r] : []));
    const wrong = expects.find((e) => e.expected !== e.got);
    if (!ended.has(name)) {
      // Tampering first: it is the one thing that makes every other reading a guess.
      const abnormal = abnormalEnd(out, ctx, `in case '${name}'`);
      const clause = out.signal && !out.timedOut && !out.outputFlooded ? crashClause(crash?.case === name ? crash : undefined, out, ctx.arch) : undefined;
      const why = channel.corrupt
        ? `the results channel was tampered with in case '${name}' (${channel.corrupt}): nothing after that is believed`
        : abnormal
          ? `${abnormal}${clause ? ` — ${clause}` : ''}`
          : `the program exited (status ${out.code}) in the middle of case '${name}': did your code end the process (or close fd 3, the harness's results channel)?`;
      toldTampering ||= !!channel.corrupt;
      results.push({
        ...label,
        status: 'fail',
        message: why,
        details: [...notes, ...crashDetails(crash?.case === name ? crash : undefined), ...outputDetails(out)],
      });
      stopped = true;
      continue;
    }
    if (wrong) {
      const diff = wrong.kind === 'bytes' ? wrong.detail ?? firstDifference(wrong.expected, wrong.got) : undefined;
      results.push({
        ...label,
        status: 'fail',
        message:
          wrong.kind === 'bool'
            ? `${wrong.what}${wrong.detail ? `: ${wrong.detail}` : ': no'}`
            : `${wrong.what}: expected ${formatValue(wrong.kind, wrong.expected)}, got ${formatValue(wrong.kind, wrong.got)}`,
        details: [...notes, ...(diff ? [diff] : [])],
      });
    } else if (expects.length === 0) {
      results.push({ ...label, status: 'error', message: `case '${name}' reported no observations (a bug in the kata's driver)` });
    } else {
      // Where the figures are the lesson (showNotes), a pass says them.
      const shown = ctx.kata.showNotes?.includes(name) && notes.length ? notes.join('; ') : undefined;
      results.push({ ...label, status: 'pass', message: shown, details: notes.length ? notes : undefined });
    }
  }
  if (channel.corrupt && !toldTampering) {
    // Every case was believed, but something the harness did not write came after: still a forgery.
    results.push({ ...base, name: 'results channel', status: 'fail', message: tampered(channel.corrupt), details: outputDetails(out) });
  } else if (!stopped && !done && results.every((r) => r.status === 'pass')) {
    results.push({ ...base, name: 'finish', status: 'fail', message: abnormalEnd(out, ctx, 'after the last case') ?? 'the program ended before the harness finished', details: outputDetails(out) });
  }
  const left = leftoverResult(out, base, 'the run of its cases');
  if (left) results.push(left);
  return results;
}

async function runExitStatus(ctx: RunContext, spec: ExitStatusCheck): Promise<CheckResult[]> {
  const base = { name: 'exit status', kind: 'exit-status' as const, arch: ctx.arch };
  const runs = spec.runs ?? 3;
  for (let i = 0; i < runs; i++) {
    const code = randomInt(1, 251);
    const out = await runProgram({ argv: command(ctx, [String(code)]), timeoutMs: ctx.timeoutMs, emulated: !!ctx.emulator, trusted: !ctx.options.guard });
    const during = `when asked to exit with status ${code}`;
    if (out.signal === 'SIGILL' && !out.timedOut)
      return [{ ...base, status: 'fail', message: `crashed with SIGILL ${during}: your exit function returned, and _start ran into the trap instruction placed after the call`, details: outputDetails(out) }];
    const bad = abnormalEnd(out, ctx, during);
    if (bad) return [{ ...base, status: 'fail', message: bad, details: outputDetails(out) }];
    const left = leftoverResult(out, { kind: 'exit-status', arch: ctx.arch }, `the run ${during}`);
    if (left) return [left];
    if (out.code !== code)
      return [
        {
          ...base,
          status: 'fail',
          message: `exited with status ${out.code}, expected ${code} (the argument passed to your function)`,
          details: [...(spec.description ? [spec.description] : []), ...outputDetails(out)],
        },
      ];
  }
  return [{ ...base, status: 'pass', details: [`${runs} runs, each exiting with the random status asked for`] }];
}

type BenchRecord = Extract<HarnessRecord, { t: 'bench' }>;

/** ns the series says it spent, wall or CPU: per-call figures × calls per epoch, over every epoch. */
function claimedNs(s: Series, which: 'wallNs' | 'cpuNs'): number {
  return s[which].reduce((sum, perCall) => sum + perCall * s.iters, 0);
}

/**
 * Whether a timing run's figures fit in what the sandbox saw the process use:
 * the epochs' CPU time (learner + reference) within the CPU time wait4()
 * reports, their wall time within the run's duration. Calibration, warm-up,
 * re-runs and the reference operations all come on top, so an honest run
 * always fits; the slack covers clock granularity. Undefined when it fits (or
 * there is no usage to compare with).
 */
export function figuresBeyondUsage(bench: { learner: Series; reference: Series }, out: Pick<RunOutcome, 'usage' | 'durationMs'>): string | undefined {
  const cpu = claimedNs(bench.learner, 'cpuNs') + claimedNs(bench.reference, 'cpuNs');
  const wall = claimedNs(bench.learner, 'wallNs') + claimedNs(bench.reference, 'wallNs');
  const slack = (ns: number) => ns * 1.02 + 5e6;
  const s = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;
  if (out.usage) {
    const used = (out.usage.userUs + out.usage.systemUs) * 1000;
    if (cpu > slack(used)) return `its epochs claim ${s(cpu)} of CPU time, but the process used ${s(used)} in all`;
  }
  const elapsed = out.durationMs * 1e6;
  if (elapsed > 0 && wall > slack(elapsed)) return `its epochs claim ${s(wall)} of wall time, but the run lasted ${s(elapsed)}`;
  return undefined;
}

async function timingRun(ctx: RunContext, spec: NsPerCallCheck, epochs: number): Promise<{ bench?: BenchRecord; problem?: string; out: RunOutcome }> {
  const { out, channel } = await runKeyed(ctx, ['bench', newSeed(), spec.bench, String(epochs)], { timeoutMs: ctx.timeoutMs, emulated: !!ctx.emulator });
  const found = channel.records.find((r): r is BenchRecord => r.t === 'bench' && r.name === spec.bench);
  const beyond = found && !channel.corrupt ? figuresBeyondUsage(found, out) : undefined;
  const problem =
    (channel.corrupt ? tampered(channel.corrupt) : undefined) ??
    abnormalEnd(out, ctx, 'while being timed') ??
    (beyond ? `the results channel was tampered with: ${beyond}` : undefined) ??
    (leftoverResult(out, { kind: 'ns-per-call', arch: ctx.arch }, 'the timing run')?.message) ??
    (found ? undefined : 'the timing run reported nothing');
  return { bench: problem ? undefined : found, problem, out };
}

/** Epochs for the second look at a result too close to its budget. */
const BORDERLINE_EPOCHS = 31;

/** The budget's floor, as a fraction of the kata's reference (schemas/kata.schema.json: budget.minRatio). */
function minRatioOf(spec: NsPerCallCheck): number | undefined {
  const m = (spec.budget as { minRatio?: unknown }).minRatio;
  return typeof m === 'number' && m > 0 ? m : undefined;
}

async function runBudget(ctx: RunContext, spec: NsPerCallCheck): Promise<CheckResult[]> {
  const base = { name: spec.label, kind: 'ns-per-call' as const, arch: ctx.arch };
  if (isEmulated(ctx.arch))
    return [{ ...base, status: 'not-enforced', message: `not enforced under emulation (${ctx.emulator}): timings there mean nothing` }];
  let run = await timingRun(ctx, spec, spec.epochs ?? 11);
  const evaluate = (bench: BenchRecord) => {
    const f = figuresOf(bench.learner, bench.reference, bench.overheadNs);
    const budget = budgetHere(spec.budget, { label: spec.reference, ns: f.referenceNsPerCall }, bench.references, ctx.options.budgetScale);
    return { f, budget, verdict: 'error' in budget ? undefined : judgeBudget(f, budget.ns) };
  };
  if (!run.bench) return [{ ...base, status: 'fail', message: run.problem, details: outputDetails(run.out) }];
  let e = evaluate(run.bench);
  let remeasured = false;
  if (e.verdict === 'borderline') {
    // Too close to call: look again, longer, before saying anything.
    const again = await timingRun(ctx, spec, BORDERLINE_EPOCHS);
    if (!again.bench) return [{ ...base, status: 'fail', message: again.problem, details: outputDetails(again.out) }];
    run = again;
    e = evaluate(again.bench);
    remeasured = true;
  }
  // The floor: faster than a fraction of the reference means the operation was not done while timed
  // (code that notices it is being timed and skips the work). Looked at twice before it is said.
  const minRatio = minRatioOf(spec);
  const belowFloor = (x: typeof e) => minRatio !== undefined && x.f.nsPerCall < minRatio * x.f.referenceNsPerCall;
  if (belowFloor(e) && !remeasured) {
    const again = await timingRun(ctx, spec, BORDERLINE_EPOCHS);
    if (!again.bench) return [{ ...base, status: 'fail', message: again.problem, details: outputDetails(again.out) }];
    run = again;
    e = evaluate(again.bench);
    remeasured = true;
  }
  if (belowFloor(e)) {
    const { f } = e;
    return [
      {
        ...base,
        status: 'fail',
        message: `${f.nsPerCall.toFixed(1)} ns/call, ${spec.reference} ${f.referenceNsPerCall.toFixed(0)} ns: faster than the operation can be (under ${minRatio} × ${spec.reference}): while being timed, your code did not do the work`,
        details: [
          `measured twice, ${f.epochs} epochs the second time`,
          'the cases and the syscall count run your code in other modes; a function that behaves differently when it is timed fails here',
        ],
      },
    ];
  }
  const { f, budget, verdict } = e;
  if ('error' in budget) return [{ ...base, status: 'error', message: budget.error }];
  const figures: BudgetFigures = {
    nsPerCall: f.nsPerCall,
    referenceNsPerCall: f.referenceNsPerCall,
    reference: spec.reference,
    budgetNs: budget.ns,
    derivation: budget.derivation,
    spreadPct: f.spreadPct,
    unstable: isUnstable(f),
    busyRatio: f.busyRatio,
    epochs: f.epochs,
    references: run.bench!.references,
    instructionsPerCall: run.bench!.learner.insnPerCall,
    referenceInstructionsPerCall: run.bench!.reference.insnPerCall,
  };
  const insns = figures.instructionsPerCall;
  const details = [
    `budget here: ${budget.derivation}`,
    ...(insns !== undefined ? [`${insns.toFixed(1)} user-space instructions per call (${spec.reference}: ${figures.referenceInstructionsPerCall?.toFixed(1) ?? '?'}), a figure noise does not move`] : []),
    `spread ${f.spreadPct.toFixed(1)}% over ${f.epochs} epochs${remeasured ? ' (re-measured: the first run was too close to call)' : ''}${figures.unstable ? ' — unstable' : ''}`,
    ...(f.busyRatio > 1.2 ? [`the machine was busy while timing (wall/CPU time ${f.busyRatio.toFixed(2)}): figures may be inflated`] : []),
  ];
  const line = `${f.nsPerCall.toFixed(0)} ns/call (budget ${budget.ns.toFixed(0)} ns, ${spec.reference} ${f.referenceNsPerCall.toFixed(0)} ns)`;
  if (verdict === 'borderline')
    return [{ ...base, status: 'inconclusive', message: `${line}: inconclusive — too close to the budget at this noise; re-run on a quieter machine`, details, budget: figures }];
  return [{ ...base, status: verdict === 'pass' ? 'pass' : 'fail', message: line, details, budget: figures }];
}

/**
 * The part of a trace after the harness's hello (its first write to fd 3):
 * what the harness did before, such as reading its key, is not the learner's.
 * The whole trace when there is no such line.
 */
export function afterHello(trace: string): string {
  const m = /^(?:\[pid\s+)?\d*\]?\s*write\(3,.*$/m.exec(trace);
  return m ? trace.slice(m.index + m[0].length) : trace;
}

/** Counts lines of `strace -f -o` ("pid name(...") or `qemu -d strace` ("pid name(...") output. */
export function countSyscalls(trace: string, names: string[]): number {
  const wanted = new Set(names);
  let n = 0;
  for (const line of trace.split('\n')) {
    const m = /^(?:\[pid\s+)?\d*\]?\s*([a-z0-9_]+)\(/.exec(line);
    if (m && wanted.has(m[1]!)) n++;
  }
  return n;
}

async function runSyscallCount(ctx: RunContext, spec: SyscallCountCheck): Promise<CheckResult[]> {
  const base = { name: `${spec.syscalls.join('+')} syscall count`, kind: 'syscall-count' as const, arch: ctx.arch };
  const calls = randomInt(500, 1500);
  // The trace lives in a directory of its own, not in the program's working directory.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-count-'));
  const traceDir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-trace-'));
  try {
    const traceFile = path.join(traceDir, 'trace.log');
    // `write` is traced too, to find the harness's first record: only what follows is counted.
    const traced = spec.syscalls.includes('write') ? spec.syscalls : [...spec.syscalls, 'write'];
    const prefix = ctx.emulator ? [ctx.emulator, '-d', 'strace', '-D', traceFile] : ['strace', '-f', '-qq', '-o', traceFile, '-e', `trace=${traced.join(',')}`];
    const { out, channel } = await runKeyed(ctx, ['count', newSeed(), spec.run, String(calls)], { prefix, cwd: dir, timeoutMs: ctx.timeoutMs * 2, emulated: !!ctx.emulator });
    const bad = (channel.corrupt ? tampered(channel.corrupt) : undefined) ?? abnormalEnd(out, ctx, 'while its syscalls were counted');
    if (bad || !channel.records.some((r) => r.t === 'done'))
      return [{ ...base, status: 'fail', message: bad ?? 'the counting run did not finish', details: outputDetails(out) }];
    const left = leftoverResult(out, { kind: 'syscall-count', arch: ctx.arch }, 'the counting run');
    if (left) return [{ ...left, name: base.name }];
    let trace = '';
    try {
      trace = readFileSync(traceFile, 'utf8');
    } catch {
      return [{ ...base, status: 'error', message: `the tracer wrote no log (${ctx.emulator ?? 'strace'} failed?)`, details: outputDetails(out) }];
    }
    const counted = countSyscalls(spec.syscalls.includes('write') ? trace : afterHello(trace), spec.syscalls);
    const what = spec.syscalls.join('/');
    const [rule, limit, unit] =
      spec.perCall !== undefined
        ? (['exactly', Math.round(spec.perCall * calls), `${spec.perCall} per call`] as const)
        : spec.maxPerCall !== undefined
          ? (['at most', Math.floor(spec.maxPerCall * calls), `${spec.maxPerCall} per call`] as const)
          : (['at most', spec.maxPerRun ?? 0, 'in the whole run'] as const);
    const ok = rule === 'exactly' ? counted === limit : counted <= limit;
    const figures: SyscallFigures = { counted, limit, rule, calls, syscalls: spec.syscalls };
    return [
      {
        ...base,
        status: ok ? 'pass' : 'fail',
        message: ok
          ? `${counted} ${what} syscalls for ${calls} calls`
          : `${counted} ${what} syscalls for ${calls} calls, expected ${rule} ${limit} (${unit})${counted < limit && rule === 'exactly' ? ': every call must reach the kernel' : ''}`,
        syscalls: figures,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(traceDir, { recursive: true, force: true });
  }
}

function runCheck(ctx: RunContext, spec: CheckSpec): Promise<CheckResult[]> {
  switch (spec.kind) {
    case 'cases':
      return runCases(ctx, spec);
    case 'exit-status':
      return runExitStatus(ctx, spec);
    case 'ns-per-call':
      return runBudget(ctx, spec);
    case 'syscall-count':
      return runSyscallCount(ctx, spec);
  }
}

function skippedName(spec: CheckSpec): string {
  switch (spec.kind) {
    case 'cases':
      return 'cases';
    case 'exit-status':
      return 'exit status';
    case 'ns-per-call':
      return spec.label;
    case 'syscall-count':
      return `${spec.syscalls.join('+')} syscall count`;
  }
}

async function checkArch(kata: Kata, arch: Arch, learnerPath: string, options: CheckOptions): Promise<CheckResult[]> {
  const build = await buildKata(kata, arch, learnerPath);
  const results = [...build.checks];
  const tc = toolchainFor(arch);
  const skip = (spec: CheckSpec, message: string): CheckResult => ({ name: skippedName(spec), kind: spec.kind === 'cases' ? 'case' : spec.kind, arch, status: 'skipped', message });
  if (!build.exe) return [...results, ...kata.checks.map((s) => skip(s, 'not run: the build did not pass'))];
  const ctx: RunContext = {
    kata,
    arch,
    exe: build.exe,
    emulator: tc.emulator,
    timeoutMs: (options.timeoutMs ?? kata.timeoutMs ?? DEFAULT_TIMEOUT_MS) * (tc.emulator ? EMULATION_SLOWDOWN : 1),
    options,
  };
  let correct = true;
  for (const spec of kata.checks) {
    if (options.signal?.aborted) {
      results.push(skip(spec, 'not run: the kata ran out of time'));
      continue;
    }
    // Timing or counting wrong code means nothing: correctness comes first.
    if (!correct && (spec.kind === 'ns-per-call' || spec.kind === 'syscall-count')) {
      results.push(skip(spec, 'not measured: correctness checks failed first'));
      continue;
    }
    const got = await runCheck(ctx, spec);
    results.push(...got);
    const judgesCorrectness = spec.kind === 'cases' || spec.kind === 'exit-status';
    if (judgesCorrectness && got.some((r) => r.status === 'fail' || r.status === 'error')) correct = false;
  }
  return results;
}

export async function checkKata(kata: Kata, learnerPath: string, options: CheckOptions = {}): Promise<KataResult> {
  const started = performance.now();
  const avail = await availabilityOf(kata);
  const result: KataResult = {
    version: RESULT_VERSION,
    id: kata.id,
    title: kata.title,
    status: 'error',
    reason: 'nothing ran',
    file: displayPath(learnerPath),
    archs: avail.archs.map((a) => a.arch),
    checks: [],
    durationMs: 0,
  };
  if (!avail.available) {
    return { ...result, status: 'unavailable', reason: avail.reason, durationMs: performance.now() - started };
  }
  for (const a of avail.archs) {
    if (!a.available) {
      result.checks.push({ name: 'toolchain', kind: 'compile', arch: a.arch, status: 'unavailable', message: `not checked on ${a.arch}: ${a.reason}` });
      continue;
    }
    result.checks.push(...(await checkArch(kata, a.arch, learnerPath, options)));
  }
  const status = overallStatus(result.checks);
  return { ...result, status, reason: status === 'error' ? result.checks.find((c) => c.status === 'error')?.message : undefined, durationMs: performance.now() - started };
}
