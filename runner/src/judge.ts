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
import { availabilityOf } from './availability.js';
import { type BuildOutcome, buildKata } from './build.js';
import { runCases } from './checks/cases.js';
import { countCheckName, runSyscallCount } from './checks/count.js';
import { type CheckOptions, EMULATION_SLOWDOWN, type RunContext } from './checks/run.js';
import { runBudget } from './checks/timing.js';
import type { Arch, CheckSpec, Kata } from './manifest.js';
import { DEFAULT_TIMEOUT_MS } from './manifest.js';
import { displayPath } from './paths.js';
import { type CheckResult, type KataResult, overallStatus, RESULT_VERSION } from './result.js';
import { toolchainFor } from './targets.js';

export type { CheckOptions } from './checks/run.js';
export { countSyscalls } from './checks/count.js';
export { figuresBeyondUsage } from './checks/timing.js';

function runCheck(ctx: RunContext, spec: CheckSpec): Promise<CheckResult[]> {
  switch (spec.kind) {
    case 'cases':
      return runCases(ctx, spec);
    case 'ns-per-call':
      return runBudget(ctx, spec);
    case 'syscall-count':
      return runSyscallCount(ctx, spec);
  }
}

function skippedName(spec: CheckSpec, several = false): string {
  switch (spec.kind) {
    case 'cases':
      return 'cases';
    case 'ns-per-call':
      return spec.label;
    case 'syscall-count':
      return countCheckName(spec, several);
  }
}

/** What every judge run of one build needs (the build must have passed). */
export function runContext(kata: Kata, arch: Arch, build: BuildOutcome, options: CheckOptions): RunContext {
  const tc = toolchainFor(arch);
  return {
    kata,
    arch,
    judge: build.judge!,
    agent: build.agent!,
    ranges: build.ranges!,
    nostdlib: !!build.nostdlib,
    emulator: tc.emulator,
    timeoutMs: (options.timeoutMs ?? kata.timeoutMs ?? DEFAULT_TIMEOUT_MS) * (tc.emulator ? EMULATION_SLOWDOWN : 1),
    options,
    tables: build.tables,
  };
}

/** Times a step; its duration goes on the first of its results, so that sums count each step once. */
async function timed(step: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  const started = performance.now();
  const results = await step();
  if (results[0]) results[0] = { ...results[0], durationMs: performance.now() - started };
  return results;
}

const ungated = { shared: <T>(step: () => Promise<T>) => step(), exclusive: <T>(step: () => Promise<T>) => step() };

async function checkArch(kata: Kata, arch: Arch, learnerPath: string, options: CheckOptions): Promise<CheckResult[]> {
  const gate = options.gate ?? ungated;
  let build!: Awaited<ReturnType<typeof buildKata>>;
  const results = await gate.shared(() =>
    timed(async () => {
      build = await buildKata(kata, arch, learnerPath);
      return [...build.checks];
    }),
  );
  const tc = toolchainFor(arch);
  const several = kata.checks.filter((c) => c.kind === 'syscall-count').length > 1;
  const skip = (spec: CheckSpec, message: string): CheckResult => ({
    name: skippedName(spec, several),
    kind: spec.kind === 'cases' ? 'case' : spec.kind,
    arch,
    status: 'skipped',
    message,
    ...(spec.kind === 'syscall-count' && spec.gradedAs === 'correctness' ? { lesson: true } : {}),
  });
  if (!build.judge || !build.agent || !build.ranges) return [...results, ...kata.checks.map((s) => skip(s, 'not run: the build did not pass'))];
  const ctx = runContext(kata, arch, build, options);
  let correct = true;
  /** A case the running kernel could not support: what is measured after it is not measured either. */
  let unsupported: string | undefined;
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
    if (unsupported && (spec.kind === 'ns-per-call' || spec.kind === 'syscall-count')) {
      results.push({ ...skip(spec, unsupported), status: 'unavailable' });
      continue;
    }
    // A timing run has the machine to itself: parallel grading never moves a budget's verdict.
    const got = await (spec.kind === 'ns-per-call' ? gate.exclusive : gate.shared)(() => timed(() => runCheck(ctx, spec)));
    results.push(...got);
    if (spec.kind === 'syscall-count' && got.some((r) => r.status === 'fail')) ctx.countFailed = true;
    const judgesCorrectness = spec.kind === 'cases';
    if (judgesCorrectness && got.some((r) => r.status === 'fail' || r.status === 'error')) correct = false;
    unsupported ??= got.find((r) => r.kind === 'case' && r.status === 'unavailable')?.message;
  }
  // Right in the cases, counted doing something else: those counts fail now (checks/count.ts).
  for (const w of correct ? (ctx.notTheWork ?? []) : [])
    for (const [i, r] of results.entries())
      if (r.kind === 'syscall-count' && r.name === w.name) results[i] = { ...r, status: 'fail', message: w.message, details: w.details };
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
    if (a.compileOnly) {
      // A syntax error in the other arch's branch is caught, though its checks cannot mean anything here.
      const build = await buildKata(kata, a.arch, learnerPath);
      result.checks.push(...build.checks);
      if (build.checks.every((c) => c.status === 'pass'))
        result.checks.push({ name: 'checks', kind: 'case', arch: a.arch, status: 'not-enforced', message: `compiled; not run: ${a.reason}` });
      continue;
    }
    if (!a.available) {
      result.checks.push({ name: 'toolchain', kind: 'compile', arch: a.arch, status: 'unavailable', message: `not checked on ${a.arch}: ${a.reason}` });
      continue;
    }
    result.checks.push(...(await checkArch(kata, a.arch, learnerPath, options)));
  }
  const status = overallStatus(result.checks);
  const reason =
    status === 'error' ? result.checks.find((c) => c.status === 'error')?.message : status === 'unavailable' ? result.checks.find((c) => c.status === 'unavailable')?.message : undefined;
  return { ...result, status, reason, durationMs: performance.now() - started };
}
