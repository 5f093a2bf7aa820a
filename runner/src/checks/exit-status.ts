// The exit-status check of -nostdlib katas: the status is the verdict.
import { randomInt } from 'node:crypto';
import type { ExitStatusCheck } from '../manifest.js';
import { type CheckResult } from '../result.js';
import { runProgram } from '../sandbox.js';
import { abnormalEnd, command, leftoverResult, outputDetails, type RunContext } from './run.js';

export async function runExitStatus(ctx: RunContext, spec: ExitStatusCheck): Promise<CheckResult[]> {
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

