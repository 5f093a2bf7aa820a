// What every kind of check shares: the context of a run, the run of the
// judge itself (runJudge), and a run's outcome in words (abnormal ends,
// crashes, leftover processes, the program's own output).
import { randomBytes } from 'node:crypto';
import type { Arch, Kata } from '../manifest.js';
import type { BuildOutcome, CodeRanges } from '../build.js';
import { type HarnessRecord, type ParsedChannel, parseChannel } from '../protocol.js';
import { toolchainFor, which } from '../targets.js';
import { runTool } from '../tools.js';
import { type CheckResult } from '../result.js';
import { type RunOutcome, type RunRequest, runProgram } from '../sandbox.js';
import { signalMeaning } from '../signals.js';

export interface CheckOptions {
  /** Multiplies every ns budget (an instructor's knob). */
  budgetScale?: number;
  /** Overrides the kata's timeout per run, in ms. */
  timeoutMs?: number;
  /**
   * Grading someone else's code: the agent may not use the 32-bit syscall
   * ABI (int $0x80 gets -ENOSYS). A learner's own checks allow it, so that
   * the x86-int80 kata can show what it does to a pointer.
   */
  guard?: boolean;
  /** Stops before the next run once aborted (a per-kata time limit); the run under way ends by its own timeout. */
  signal?: AbortSignal;
  /**
   * Grading in parallel (grade --jobs): every build and run goes through the
   * gate, a timing run alone (nothing else of ours runs while it is timed).
   */
  gate?: RunGate;
}

/** Shared steps run side by side; an exclusive one waits for them to end and runs alone. */
export interface RunGate {
  shared<T>(step: () => Promise<T>): Promise<T>;
  exclusive<T>(step: () => Promise<T>): Promise<T>;
}

/** Emulated programs run several times slower: their timeouts stretch. */
export const EMULATION_SLOWDOWN = 4;

export interface RunContext {
  kata: Kata;
  arch: Arch;
  /** The judge (host program) and the agent it starts (the learner's). */
  judge: string;
  agent: string;
  ranges: CodeRanges;
  nostdlib: boolean;
  emulator?: string;
  timeoutMs: number;
  options: CheckOptions;
  /** The driver's tables, as the judge lists them (which agent loop each bench and count drives). */
  tables?: BuildOutcome['tables'];
  /** A syscall-count check of this run already failed (the budget's audit then says the same, not "differently"). */
  countFailed?: boolean;
  /**
   * Counts whose syscalls held while the kernel saw the loop do its work some other way (the
   * count's check, in the judge): they fail only where the cases pass (judge.ts), code that is
   * right when checked and not when counted. Where the cases fail, the cases say more.
   */
  notTheWork?: { name: string; message: string; details: string[] }[];
}

export function newSeed(): string {
  return randomBytes(8).readBigUInt64LE().toString();
}

interface JudgeRun {
  out: RunOutcome;
  channel: ParsedChannel;
}

/**
 * One run of the judge: it starts, confines and traces the agent itself, and
 * writes its records to fd 3, which the agent never holds. The agent's
 * command line and environment are the same in every mode.
 */
export async function runJudge(ctx: RunContext, args: string[], opts: Omit<RunRequest, 'argv' | 'resultsChannel'> = { timeoutMs: ctx.timeoutMs }): Promise<JudgeRun> {
  const flags = [
    `--agent=${ctx.agent}`,
    `--learner-text=${ctx.ranges.learner.join('-')}`,
    ...(ctx.ranges.runtime ? [`--runtime-text=${ctx.ranges.runtime.join('-')}`] : []),
    ...(ctx.ranges.ownSyscalls ? [`--own-syscalls=${ctx.ranges.ownSyscalls.join(',')}`, `--probe-syscalls=${(ctx.ranges.probeSyscalls ?? []).join(',')}`] : []),
    ...(ctx.emulator ? [`--emulator=${which(ctx.emulator) ?? ctx.emulator}`] : []),
    ...(ctx.nostdlib ? ['--nostdlib'] : []),
    ...(ctx.options.guard ? ['--grading'] : []),
    ...((ctx.kata.requires ?? []).includes('io_uring') ? ['--io-uring'] : []),
    `--call-timeout-ms=${Math.round(ctx.timeoutMs)}`,
  ];
  // The supervisor's own timeout covers every case's agent, one after another.
  const runTimeout = ctx.timeoutMs * (1 + (ctx.kata.checks.find((c) => c.kind === 'cases')?.cases.length ?? 1));
  const out = await runProgram({ ...opts, timeoutMs: Math.max(opts.timeoutMs, runTimeout), argv: [ctx.judge, ...flags, ...args], resultsChannel: true, emulated: !!ctx.emulator });
  return { out, channel: parseChannel(out.results) };
}

export function tampered(corrupt: string): string {
  return `the judge's records could not be read (${corrupt}): a bug in the harness, not in your code`;
}

/** What went wrong with a run, in a sentence; undefined when it ended normally. */
export function abnormalEnd(out: RunOutcome, ctx: RunContext, during: string): string | undefined {
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

export function outputDetails(out: RunOutcome): string[] {
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

export type CrashRecord = Extract<HarnessRecord, { t: 'crash' }>;

/** What the judge saw when the agent crashed, in words: undefined when it adds nothing. */
/**
 * Where in the learner's code a native crash happened, from the agent's line
 * table: "vdso_lookup() at exercise.c:42" (the innermost of inlined frames).
 */
export async function crashLocation(ctx: RunContext, crash: CrashRecord | undefined): Promise<string | undefined> {
  if (!crash?.learnerOffset || ctx.emulator) return undefined;
  const tc = toolchainFor(ctx.arch);
  const r = await runTool(tc.nm.replace(/nm$/, 'addr2line'), ['-f', '-i', '-e', ctx.agent, crash.pc]);
  if (r.code !== 0) return undefined;
  const [fn, where] = r.stdout.split('\n');
  if (!fn || !where || fn === '??' || where.startsWith('??')) return undefined;
  const line = where.replace(/ \(discriminator \d+\)$/, '');
  const file = line.replace(/^.*?((?:[^/]+\/)?[^/]+:\d+)$/, '$1');
  return `${fn}() at ${file}`;
}

export function crashClause(crash: CrashRecord | undefined, out: RunOutcome, arch: Arch, location?: string): string | undefined {
  if (/stack smashing detected/.test(out.stderr))
    return 'the stack protector caught a write past the end of a buffer on the stack (it overwrote the frame of the function that called it)';
  if (!crash) return undefined;
  const sp = arch === 'x86_64' ? 'rsp' : 'sp';
  if (crash.stack === 'outside')
    return `the stack pointer was ${crash.sp} when it crashed, nowhere near the stack: asm that changes ${sp} (or leaves it changed) breaks every push, call and return after it`;
  if ((crash.signal === 11 || crash.signal === 7) && crash.addr === crash.pc && crash.pc !== '0x0')
    return `it jumped to ${crash.pc}, where there is no code: a return address or function pointer was overwritten (a stack overrun, or asm that moved ${sp})`;
  if (crash.learnerOffset) return location ? `in your code: ${location}` : `in your code (offset ${crash.learnerOffset} into it)`;
  return undefined;
}

export function crashDetails(crash: CrashRecord | undefined): string[] {
  if (!crash) return [];
  return [`at the crash: faulting address ${crash.addr}, instruction ${crash.pc}, stack pointer ${crash.sp}${crash.mainThread ? '' : ' (in another thread or process of yours)'}`];
}
/**
 * A program that left processes running after it ended fails, whatever else
 * it did: the supervisor killed them, and names them here. Nothing to say
 * when the run was stopped by us (a timeout, a flood): then killing what was
 * left is our doing.
 */
export function leftoverResult(out: RunOutcome, base: { kind: CheckResult['kind']; arch: Arch }, during: string): CheckResult | undefined {
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

