// Checks one learner file against one kata: availability, build, then each
// check in the manifest, every run in a fresh sandboxed child. The verdict is
// computed here from what the child observed, never taken from the child.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { availabilityOf } from './availability.js';
import { buildKata } from './build.js';
import { displayPath } from './paths.js';
import type { Arch, CasesCheck, CheckSpec, ExitStatusCheck, Kata, NsPerCallCheck, SyscallCountCheck } from './manifest.js';
import { DEFAULT_TIMEOUT_MS } from './manifest.js';
import { type HarnessRecord, parseChannel } from './protocol.js';
import { budgetHere, figuresOf, isUnstable, judgeBudget } from './budget.js';
import { type BudgetFigures, type CheckResult, type SyscallFigures, type KataResult, overallStatus, RESULT_VERSION } from './result.js';
import { type RunOutcome, runProgram } from './sandbox.js';
import { signalMeaning, withErrnoName } from './signals.js';
import { isEmulated, toolchainFor } from './targets.js';

export interface CheckOptions {
  /** Multiplies every ns budget (an instructor's knob). */
  budgetScale?: number;
  /** Overrides the kata's timeout per run, in ms. */
  timeoutMs?: number;
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

/** What went wrong with a run, in a sentence; undefined when it ended normally. */
function abnormalEnd(out: RunOutcome, ctx: RunContext, during: string): string | undefined {
  if (out.spawnError) return `the program could not be started: ${out.spawnError}`;
  if (out.timedOut) return `did not finish within ${(ctx.timeoutMs / 1000).toFixed(1)} s ${during} (an endless loop, or a call that blocks?)`;
  if (out.flooded) return `flooded the results channel ${during}; it was stopped`;
  if (out.signal) return `crashed with ${out.signal} ${during}: ${signalMeaning(out.signal)}`;
  return undefined;
}

function outputDetails(out: RunOutcome): string[] {
  const details: string[] = [];
  const tail = (s: string) => s.trimEnd().split('\n').slice(-8);
  if (out.stdout.trim()) details.push('your program printed:', ...tail(out.stdout).map((l) => `  ${l}`));
  if (out.stderr.trim()) details.push('on stderr:', ...tail(out.stderr).map((l) => `  ${l}`));
  if (out.droppedOutput) details.push(`(${out.droppedOutput} more bytes of output were dropped)`);
  return details;
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
  const out = await runProgram({ argv: command(ctx, ['cases', newSeed()]), timeoutMs: ctx.timeoutMs, resultsChannel: true, emulated: !!ctx.emulator });
  const channel = parseChannel(out.results);
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
  const results: CheckResult[] = [];
  let stopped = false;
  for (const name of spec.cases) {
    const label = { ...base, name: `case ${name}` };
    const records = byCase.get(name) ?? [];
    const notes = records.flatMap((r) => (r.t === 'note' ? [r.text] : []));
    if (stopped || !begun.includes(name)) {
      if (channel.corrupt) {
        results.push({ ...label, status: 'fail', message: `the results channel was tampered with (${channel.corrupt}): nothing after that is believed` });
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
      const why =
        abnormalEnd(out, ctx, `in case '${name}'`) ??
        (channel.corrupt
          ? `the results channel was tampered with in case '${name}' (${channel.corrupt})`
          : `the program exited (status ${out.code}) in the middle of case '${name}': did your code end the process?`);
      results.push({ ...label, status: 'fail', message: why, details: [...notes.map((n) => `inputs: ${n}`), ...outputDetails(out)] });
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
        details: [...notes.map((n) => `inputs: ${n}`), ...(diff ? [diff] : [])],
      });
    } else if (expects.length === 0) {
      results.push({ ...label, status: 'error', message: `case '${name}' reported no observations (a bug in the kata's driver)` });
    } else {
      results.push({ ...label, status: 'pass', details: notes.length ? notes.map((n) => `inputs: ${n}`) : undefined });
    }
  }
  if (!stopped && !done && results.every((r) => r.status === 'pass')) {
    results.push({ ...base, name: 'finish', status: 'fail', message: abnormalEnd(out, ctx, 'after the last case') ?? 'the program ended before the harness finished', details: outputDetails(out) });
  }
  return results;
}

async function runExitStatus(ctx: RunContext, spec: ExitStatusCheck): Promise<CheckResult[]> {
  const base = { name: 'exit status', kind: 'exit-status' as const, arch: ctx.arch };
  const runs = spec.runs ?? 3;
  for (let i = 0; i < runs; i++) {
    const code = randomInt(1, 251);
    const out = await runProgram({ argv: command(ctx, [String(code)]), timeoutMs: ctx.timeoutMs, emulated: !!ctx.emulator });
    const during = `when asked to exit with status ${code}`;
    if (out.signal === 'SIGILL' && !out.timedOut)
      return [{ ...base, status: 'fail', message: `crashed with SIGILL ${during}: your exit function returned, and _start ran into the trap instruction placed after the call`, details: outputDetails(out) }];
    const bad = abnormalEnd(out, ctx, during);
    if (bad) return [{ ...base, status: 'fail', message: bad, details: outputDetails(out) }];
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

async function timingRun(ctx: RunContext, spec: NsPerCallCheck, epochs: number): Promise<{ bench?: BenchRecord; problem?: string; out: RunOutcome }> {
  const out = await runProgram({ argv: command(ctx, ['bench', newSeed(), spec.bench, String(epochs)]), timeoutMs: ctx.timeoutMs, resultsChannel: true, emulated: !!ctx.emulator });
  const channel = parseChannel(out.results);
  const bench = channel.records.find((r): r is BenchRecord => r.t === 'bench' && r.name === spec.bench);
  const problem = abnormalEnd(out, ctx, 'while being timed') ?? (channel.corrupt ? `the results channel was tampered with (${channel.corrupt})` : bench ? undefined : 'the timing run reported nothing');
  return { bench, problem, out };
}

/** Epochs for the second look at a result too close to its budget. */
const BORDERLINE_EPOCHS = 31;

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
  };
  const details = [
    `budget here: ${budget.derivation}`,
    `spread ${f.spreadPct.toFixed(1)}% over ${f.epochs} epochs${remeasured ? ' (re-measured: the first run was too close to call)' : ''}${figures.unstable ? ' — unstable' : ''}`,
    ...(f.busyRatio > 1.2 ? [`the machine was busy while timing (wall/CPU time ${f.busyRatio.toFixed(2)}): figures may be inflated`] : []),
  ];
  const line = `${f.nsPerCall.toFixed(0)} ns/call (budget ${budget.ns.toFixed(0)} ns, ${spec.reference} ${f.referenceNsPerCall.toFixed(0)} ns)`;
  if (verdict === 'borderline')
    return [{ ...base, status: 'inconclusive', message: `${line}: inconclusive — too close to the budget at this noise; re-run on a quieter machine`, details, budget: figures }];
  return [{ ...base, status: verdict === 'pass' ? 'pass' : 'fail', message: line, details, budget: figures }];
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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-count-'));
  try {
    const traceFile = path.join(dir, 'trace.log');
    const program = [ctx.exe, 'count', newSeed(), spec.run, String(calls)];
    const argv = ctx.emulator
      ? [ctx.emulator, '-d', 'strace', '-D', traceFile, ...program]
      : ['strace', '-f', '-qq', '-o', traceFile, '-e', `trace=${spec.syscalls.join(',')}`, ...program];
    const out = await runProgram({ argv, cwd: dir, timeoutMs: ctx.timeoutMs * 2, resultsChannel: true, emulated: !!ctx.emulator });
    const bad = abnormalEnd(out, ctx, 'while its syscalls were counted');
    const channel = parseChannel(out.results);
    if (bad || !channel.records.some((r) => r.t === 'done'))
      return [{ ...base, status: 'fail', message: bad ?? 'the counting run did not finish', details: outputDetails(out) }];
    let trace = '';
    try {
      trace = readFileSync(traceFile, 'utf8');
    } catch {
      return [{ ...base, status: 'error', message: `the tracer wrote no log (${ctx.emulator ?? 'strace'} failed?)`, details: outputDetails(out) }];
    }
    const counted = countSyscalls(trace, spec.syscalls);
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
