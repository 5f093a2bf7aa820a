// The cases check: the driver's observations, compared here, case by case.
import type { CasesCheck } from '../manifest.js';
import { type HarnessRecord } from '../protocol.js';
import { type CheckResult } from '../result.js';
import { signalMeaning, signalName, withErrnoName } from '../signals.js';

import { abnormalEnd, type CrashRecord, crashClause, crashLocation, crashDetails, leftoverResult, newSeed, outputDetails, type RunContext, runJudge, tampered } from './run.js';

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

/** A case's agent ended it early: the words for how. */
function agentEnd(r: Extract<HarnessRecord, { t: 'agent' }>, ctx: RunContext, name: string): string {
  const where = `in case '${name}'`;
  switch (r.how) {
    case 'timeout':
      return `did not return within ${(ctx.timeoutMs / 1000).toFixed(1)} s ${where} (an endless loop, or a call that blocks?)`;
    case 'exit':
      return `the program exited (status ${r.code}) in the middle of case '${name}': did your code end the process?`;
    case 'signal':
      return `was killed by ${signalName(r.signal ?? 0)} ${where}: ${signalMeaning(signalName(r.signal ?? 0))}`;
    case 'closed':
      return `closed the harness's channel ${where}: your code must leave descriptors it did not open alone`;
    case 'protocol':
      return `wrote to the harness's channel ${where}: what your code sends there is not a reply, and nothing it says is believed`;
    case 'lockdown':
      return `code ran before the harness's lock-down ${where} (a constructor, or code the loader ran): not allowed`;
  }
}

export async function runCases(ctx: RunContext, spec: CasesCheck): Promise<CheckResult[]> {
  const base = { kind: 'case' as const, arch: ctx.arch };
  const { out, channel } = await runJudge(ctx, ['cases', newSeed()]);
  const byCase = new Map<string, HarnessRecord[]>();
  const begun = new Set<string>();
  let done = false;
  for (const r of channel.records) {
    if (r.t === 'begin') begun.add(r.case);
    else if (r.t === 'done') done = true;
    if ('case' in r) byCase.set(r.case, [...(byCase.get(r.case) ?? []), r]);
  }
  const results: CheckResult[] = [];
  if (out.outputFlooded) {
    const inCase = [...begun].find((c) => !(byCase.get(c) ?? []).some((r) => r.t === 'end'));
    results.push({
      ...base,
      name: 'output',
      status: 'fail',
      message: `printed more than ${out.outputLimit} bytes on ${out.outputFlooded}${inCase ? ` in case '${inCase}'` : ''}: output truncated, and a program that floods its output fails`,
      details: outputDetails(out),
    });
  }
  // The program's output, shown once: with the first case that fails.
  let outputShown = false;
  const once = () => {
    if (outputShown) return [];
    outputShown = true;
    return outputDetails(out);
  };
  for (const name of spec.cases) {
    const label = { ...base, name: `case ${name}` };
    const records = byCase.get(name) ?? [];
    const notes = records.flatMap((r) => (r.t === 'note' ? [r.text] : []));
    if (!begun.has(name)) {
      const why = channel.corrupt ? tampered(channel.corrupt) : abnormalEnd(out, ctx, 'before this case');
      results.push({ ...label, status: why && !channel.corrupt ? 'fail' : 'error', message: why ?? `the judge ended (exit status ${out.code}) before this case ran`, details: outputDetails(out) });
      continue;
    }
    const expects = records.flatMap((r) => (r.t === 'expect' ? [r] : []));
    const wrong = expects.find((e) => e.expected !== e.got);
    const crash = records.find((r): r is CrashRecord => r.t === 'crash');
    const ended = records.find((r) => r.t === 'agent') as Extract<HarnessRecord, { t: 'agent' }> | undefined;
    const error = records.find((r) => r.t === 'error') as Extract<HarnessRecord, { t: 'error' }> | undefined;
    const left = records.find((r) => r.t === 'leftover') as Extract<HarnessRecord, { t: 'leftover' }> | undefined;
    const unsupported = records.find((r) => r.t === 'unsupported') as Extract<HarnessRecord, { t: 'unsupported' }> | undefined;
    if (unsupported && !wrong && !crash) {
      // The kernel lacks what the case needs: not the learner's failure, and not a pass.
      results.push({ ...label, status: 'unavailable', message: unsupported.message, details: notes.length ? notes : undefined });
    } else if (wrong) {
      const diff = wrong.kind === 'bytes' ? wrong.detail ?? firstDifference(wrong.expected, wrong.got) : undefined;
      results.push({
        ...label,
        status: 'fail',
        message:
          wrong.kind === 'bool'
            ? `${wrong.what}${wrong.detail ? `: ${wrong.detail}` : ': no'}`
            : `${wrong.what}: expected ${formatValue(wrong.kind, wrong.expected)}, got ${formatValue(wrong.kind, wrong.got)}`,
        details: [...notes, ...(diff ? [diff] : []), ...once()],
      });
    } else if (crash) {
      const sig = signalName(crash.signal);
      const clause = crashClause(crash, out, ctx.arch, await crashLocation(ctx, crash));
      results.push({
        ...label,
        status: 'fail',
        message: `crashed with ${sig} in case '${name}': ${signalMeaning(sig)}${clause ? ` — ${clause}` : ''}`,
        details: [...notes, ...crashDetails(crash), ...outputDetails(out)],
      });
    } else if (ended) {
      results.push({ ...label, status: 'fail', message: agentEnd(ended, ctx, name), details: [...notes, ...outputDetails(out)] });
    } else if (error) {
      results.push({ ...label, status: 'error', message: error.message, details: notes });
    } else if (!records.some((r) => r.t === 'end')) {
      results.push({ ...label, status: 'fail', message: abnormalEnd(out, ctx, `in case '${name}'`) ?? `the judge stopped in case '${name}'`, details: [...notes, ...outputDetails(out)] });
    } else if (expects.length === 0) {
      results.push({ ...label, status: 'error', message: `case '${name}' reported no observations (a bug in the kata's driver)` });
    } else {
      // Where the figures are the lesson (showNotes), a pass says them.
      const shown = ctx.kata.showNotes?.includes(name) && notes.length ? notes.join('; ') : undefined;
      results.push({ ...label, status: 'pass', message: shown, details: notes.length ? notes : undefined });
    }
    if (left)
      results.push({
        ...base,
        name: 'processes',
        status: 'fail',
        message: `left ${left.count} process${left.count > 1 ? 'es' : ''} running after case '${name}'; the judge killed ${left.count > 1 ? 'them' : 'it'}: a program must not leave anything behind`,
        details: [`killed: ${(left.pids ?? []).map((p) => `pid ${p} (yours)`).join(', ')}${left.count > (left.pids?.length ?? 0) ? `, and ${left.count - (left.pids?.length ?? 0)} more` : ''}`, ...outputDetails(out)],
      });
  }
  if (channel.corrupt) results.push({ ...base, name: 'records', status: 'error', message: tampered(channel.corrupt) });
  else if (!done && results.every((r) => r.status === 'pass'))
    results.push({ ...base, name: 'finish', status: 'fail', message: abnormalEnd(out, ctx, 'after the last case') ?? 'the judge ended before it finished', details: outputDetails(out) });
  const left = leftoverResult(out, base, 'the run of its cases');
  if (left) results.push(left);
  return results;
}
