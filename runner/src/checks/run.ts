// What every kind of check shares: the context of a run, the authenticated
// run itself (runKeyed), and a run's outcome in words (abnormal ends,
// crashes, leftover processes, the program's own output).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Arch, Kata } from '../manifest.js';
import { type HarnessRecord, newRunKey, type ParsedChannel, parseChannel } from '../protocol.js';
import { type CheckResult } from '../result.js';
import { type RunOutcome, type RunRequest, runProgram } from '../sandbox.js';
import { signalMeaning } from '../signals.js';

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
export const EMULATION_SLOWDOWN = 4;

export interface RunContext {
  kata: Kata;
  arch: Arch;
  exe: string;
  emulator?: string;
  timeoutMs: number;
  options: CheckOptions;
}

export function newSeed(): string {
  return randomBytes(8).readBigUInt64LE().toString();
}

export function command(ctx: RunContext, args: string[]): string[] {
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
export async function runKeyed(ctx: RunContext, args: string[], opts: Omit<RunRequest, 'argv' | 'resultsChannel'> & { prefix?: string[] }): Promise<KeyedRun> {
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

export function tampered(corrupt: string): string {
  return `the results channel was tampered with (${corrupt}): nothing after that is believed`;
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

/** The stack pointer register, as the learner's asm calls it. */
function spName(arch: Arch): string {
  return arch === 'x86_64' ? 'rsp' : 'sp';
}

export type CrashRecord = Extract<HarnessRecord, { t: 'crash' }>;

/** What the harness saw when the program crashed, in words: undefined when it adds nothing. */
export function crashClause(crash: CrashRecord | undefined, out: RunOutcome, arch: Arch): string | undefined {
  if (/stack smashing detected/.test(out.stderr))
    return 'the stack protector caught a write past the end of a buffer on the stack (it overwrote the frame of the function that called it)';
  if (!crash) return undefined;
  if (crash.stack === 'outside')
    return `the stack pointer was ${crash.sp} when it crashed, nowhere near the stack: asm that changes ${spName(arch)} (or leaves it changed) breaks every push, call and return after it`;
  if ((crash.signal === 11 || crash.signal === 7) && crash.addr === crash.pc && crash.pc !== '0x0')
    return `it jumped to ${crash.pc}, where there is no code: a return address or function pointer was overwritten (a stack overrun, or asm that moved ${spName(arch)})`;
  return undefined;
}

export function crashDetails(crash: CrashRecord | undefined): string[] {
  if (!crash) return [];
  return [`at the crash: faulting address ${crash.addr}, instruction ${crash.pc}, stack pointer ${crash.sp} (${crash.stack === 'unknown' ? 'stack bounds unknown' : `${crash.stack} the stack`})`];
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

