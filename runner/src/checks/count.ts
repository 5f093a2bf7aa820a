// The syscall-count check: the program traced (strace natively, qemu -d strace
// under emulation) while it calls the learner's code a known number of times.
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyscallCountCheck } from '../manifest.js';
import { type CheckResult, type SyscallFigures } from '../result.js';
import { abnormalEnd, leftoverResult, newSeed, outputDetails, type RunContext, runKeyed, tampered } from './run.js';

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

export async function runSyscallCount(ctx: RunContext, spec: SyscallCountCheck): Promise<CheckResult[]> {
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

