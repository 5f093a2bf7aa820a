// The ns-per-call check: a timing run, cross-checked against what the sandbox
// saw the program use, turned into a verdict by budget.ts.
import type { CheckSpec, NsPerCallCheck } from '../manifest.js';
import { type HarnessRecord, type Series } from '../protocol.js';
import { budgetHere, figuresOf, isUnstable, judgeBudget } from '../budget.js';
import { type BudgetFigures, type CheckResult } from '../result.js';
import { type RunOutcome } from '../sandbox.js';
import { isEmulated } from '../targets.js';
import { abnormalEnd, leftoverResult, newSeed, outputDetails, type RunContext, runJudge, tampered } from './run.js';

type BenchRecord = Extract<HarnessRecord, { t: 'bench' }>;

/** The reference operation a budget scales by: the only one the run measures besides the kata's. */
function scalingReference(spec: NsPerCallCheck): string[] {
  return 'scaleBy' in spec.budget && spec.budget.scaleBy !== 'none' ? [spec.budget.scaleBy] : [];
}

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
  const { out, channel } = await runJudge(ctx, ['bench', newSeed(), spec.bench, String(epochs), ...scalingReference(spec)], { timeoutMs: ctx.timeoutMs * 4 });
  const found = channel.records.find((r): r is BenchRecord => r.t === 'bench' && r.name === spec.bench);
  const beyond = found && !channel.corrupt ? figuresBeyondUsage(found, out) : undefined;
  const problem =
    (channel.corrupt ? tampered(channel.corrupt) : undefined) ??
    abnormalEnd(out, ctx, 'while being timed') ??
    (beyond ? `the timing does not add up: ${beyond}` : undefined) ??
    (channel.records.some((r) => r.t === 'agent' || r.t === 'crash') ? 'the program did not survive being timed' : undefined) ??
    (leftoverResult(out, { kind: 'ns-per-call', arch: ctx.arch }, 'the timing run')?.message) ??
    (found ? undefined : 'the timing run reported nothing');
  return { bench: problem ? undefined : found, problem, out };
}

/**
 * The per-call syscall count that holds for the loop this bench times: the
 * first count with a per-call figure over the same agent loop (by the judge's
 * tables), else, for a judge that does not list its loops, the kata's first count.
 */
function countOfTheSameLoop(ctx: RunContext, spec: NsPerCallCheck): CheckSpec | undefined {
  const counts = ctx.kata.checks.filter((c) => c.kind === 'syscall-count');
  const t = ctx.tables;
  if (!t?.benchLoops || !t.countLoops) return counts[0];
  const loop = t.benchLoops[t.benches.indexOf(spec.bench)];
  return counts.find((c) => (c.perCall !== undefined || c.maxPerCall !== undefined) && t.countLoops![t.counts.indexOf(c.run)] === loop);
}

/** Epochs for the second look at a result too close to its budget. */
const BORDERLINE_EPOCHS = 31;

/** The budget's floor, as a fraction of the kata's reference (schemas/kata.schema.json: budget.minRatio). */
function minRatioOf(spec: NsPerCallCheck): number | undefined {
  const m = (spec.budget as { minRatio?: unknown }).minRatio;
  return typeof m === 'number' && m > 0 ? m : undefined;
}

export async function runBudget(ctx: RunContext, spec: NsPerCallCheck): Promise<CheckResult[]> {
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
  if (run.bench.invalid)
    return [
      {
        ...base,
        status: 'fail',
        message: `while being timed, your code gave a wrong answer: ${run.bench.invalid}`,
        details: ['the cases and the syscall count run your code in other modes; a function that behaves differently when it is timed fails here'],
      },
    ];
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
  // While timed, the kernel counted the agent's syscalls (where it allows a tracepoint counter):
  // code that skips the syscall only when it is not traced fails here.
  const count = countOfTheSameLoop(ctx, spec);
  const perCall = run.bench!.syscallsPerCall;
  const wanted = count && count.kind === 'syscall-count' ? (count.perCall ?? count.maxPerCall) : undefined;
  if (perCall !== undefined && wanted !== undefined && count?.kind === 'syscall-count') {
    const low = count.perCall !== undefined && perCall < count.perCall * 0.98;
    const high = perCall > wanted * 1.02 + 0.01;
    if (low || high)
      return [
        {
          ...base,
          status: 'fail',
          message: `while being timed your code made ${perCall.toFixed(2)} syscalls per call, where the count asks for ${count.perCall !== undefined ? 'exactly' : 'at most'} ${wanted}${ctx.countFailed ? ', as in the syscall count above' : ': it behaves differently when it is timed'}`,
          details: ['counted by the kernel (a perf tracepoint on raw_syscalls:sys_enter) during the timed run itself'],
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
