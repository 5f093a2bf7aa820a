// The syscall-count check: the judge calls the learner's code a known number
// of times and counts every syscall the agent makes meanwhile, from the
// kernel's side (ptrace natively; qemu's -strace log under emulation).
import { randomInt } from 'node:crypto';
import type { SyscallCountCheck } from '../manifest.js';
import type { CountRow } from '../protocol.js';
import { type CheckResult, type SyscallFigures } from '../result.js';
import { describeSyscalls, EVERY_SYSCALL, expandSyscalls } from '../syscall-groups.js';
import { signalMeaning, signalName } from '../signals.js';
import { abnormalEnd, leftoverResult, newSeed, outputDetails, type RunContext, runJudge, tampered } from './run.js';

/** How many of `names` the rows hold, and how many of those came from outside the learner's code. */
export function countSyscalls(rows: CountRow[], names: string[]): { n: number; elsewhere: number; by: Map<string, number> } {
  const every = names.includes(EVERY_SYSCALL);
  const wanted = new Set(expandSyscalls(names));
  let n = 0;
  let elsewhere = 0;
  const by = new Map<string, number>();
  for (const r of rows)
    if ((every || wanted.has(r.name)) && (every || !r.compat)) {
      n += r.n;
      elsewhere += r.elsewhere;
      by.set(r.name, (by.get(r.name) ?? 0) + r.n);
    }
  return { n, elsewhere, by };
}

/** "write 40950, writev 10": the counted syscalls by name, most first. */
function breakdown(by: Map<string, number>): string {
  return [...by].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ');
}

/** "write+writev syscall count", "all syscalls count", with the run's name where a kata has several. */
export function countCheckName(spec: SyscallCountCheck, several: boolean): string {
  const what = spec.syscalls.includes(EVERY_SYSCALL) ? 'all syscalls' : `${spec.syscalls.join('+')} syscall`;
  return `${what} count${several ? ` (${spec.run})` : ''}`;
}

export async function runSyscallCount(ctx: RunContext, spec: SyscallCountCheck): Promise<CheckResult[]> {
  // A kata with several counting runs names each (they may count the same syscalls).
  const several = ctx.kata.checks.filter((c) => c.kind === 'syscall-count').length > 1;
  const base = {
    name: countCheckName(spec, several),
    kind: 'syscall-count' as const,
    arch: ctx.arch,
    ...(spec.gradedAs === 'correctness' ? { lesson: true } : {}),
  };
  const calls = randomInt(500, 1500);
  const { out, channel } = await runJudge(ctx, ['count', newSeed(), spec.run, String(calls)], { timeoutMs: ctx.timeoutMs * 2 });
  const bad = (channel.corrupt ? tampered(channel.corrupt) : undefined) ?? abnormalEnd(out, ctx, 'while its syscalls were counted');
  const record = channel.records.find((r) => r.t === 'count');
  const ended = channel.records.find((r) => r.t === 'agent' || r.t === 'crash');
  if (bad || !record || record.t !== 'count')
    return [
      {
        ...base,
        status: 'fail',
        message:
          bad ??
          (ended?.t === 'crash'
            ? `crashed with ${signalName(ended.signal)} during the counting run: ${signalMeaning(signalName(ended.signal))}`
            : ended
              ? 'the program did not survive the counting run'
              : 'the counting run did not finish'),
        details: outputDetails(out),
      },
    ];
  const left = leftoverResult(out, { kind: 'syscall-count', arch: ctx.arch }, 'the counting run');
  if (left) return [{ ...left, name: base.name }];
  const { n: counted, elsewhere, by } = countSyscalls(record.syscalls, spec.syscalls);
  // Named kinds are said ("12 write-like … syscalls"); "*" is just "12 syscalls".
  const what = spec.syscalls.includes(EVERY_SYSCALL) ? '' : `${describeSyscalls(spec.syscalls)} `;
  const [rule, limit, unit] =
    spec.perCall !== undefined
      ? (['exactly', Math.round(spec.perCall * calls), `${spec.perCall} per call`] as const)
      : spec.maxPerCall !== undefined
        ? (['at most', Math.floor(spec.maxPerCall * calls), `${spec.maxPerCall} per call`] as const)
        : (['at most', spec.maxPerRun ?? 0, 'in the whole run'] as const);
  const ownOnly = ctx.kata.symbols.noLibc && !spec.anyOrigin;
  const ok = (rule === 'exactly' ? counted === limit : counted <= limit) && !(ownOnly && elsewhere > 0);
  const figures: SyscallFigures = { counted, limit, rule, calls, syscalls: spec.syscalls };
  const compat = record.syscalls.filter((r) => r.compat).reduce((s, r) => s + r.n, 0);
  const message = ok
    ? `${counted} ${what}syscall${counted === 1 ? '' : 's'} for ${calls} calls`
    : elsewhere > 0 && ownOnly
      ? `${elsewhere} of ${counted} ${what}syscalls for ${calls} calls were made by code outside your file (libc, or code made at run time): every one must be your own syscall instruction`
      : `${counted} ${what}syscall${counted === 1 ? '' : 's'} for ${calls} calls, expected ${rule} ${limit} (${unit})${counted < limit && rule === 'exactly' ? ': every call must reach the kernel' : ''}${limit === 0 && counted > 0 ? ': these calls must not enter the kernel at all' : ''}${by.size > 1 || (by.size === 1 && spec.syscalls.some((n) => n.startsWith('@') || n === EVERY_SYSCALL)) ? ` (${breakdown(by)})` : ''}${rule === 'at most' && counted > limit && calls > 0 && counted >= calls ? ` — ${(counted / calls).toFixed(counted % calls ? 2 : 0)} per call: one syscall per item?` : ''}${compat ? ` (and ${compat} through the 32-bit int $0x80 path)` : ''}`;
  const result: CheckResult = {
    ...base,
    status: ok ? 'pass' : 'fail',
    message,
    details: record.traced ? undefined : ['counted from qemu\'s -strace log: under emulation the count is what the emulator reports (docs/architecture.md)'],
    syscalls: figures,
  };
  // The kernel's own evidence (the count's check) is said of a count that holds, and only where the
  // cases pass (judge.ts): a count that fails, or a case, says more about what the code did.
  if (ok && record.invalid)
    (ctx.notTheWork ??= []).push({
      name: base.name,
      message: `during the counting run your code did not do the work: ${record.invalid}`,
      details: ['the cases and the timed runs see your code in other modes; a loop that works some other way when it is counted fails here'],
    });
  return [result];
}
