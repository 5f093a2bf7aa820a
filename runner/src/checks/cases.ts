// The cases check: the driver's observations, compared here, case by case.
import type { CasesCheck } from '../manifest.js';
import { type HarnessRecord } from '../protocol.js';
import { type CheckResult } from '../result.js';
import { withErrnoName } from '../signals.js';
import { abnormalEnd, type CrashRecord, crashClause, crashDetails, leftoverResult, newSeed, outputDetails, type RunContext, runKeyed, tampered } from './run.js';

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

export async function runCases(ctx: RunContext, spec: CasesCheck): Promise<CheckResult[]> {
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

