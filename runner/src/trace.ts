// `syscall-katas trace <id>`: what the count budgets count, per syscall, for
// the learner's file beside the reference solution's. The same judge runs the
// budgets use (a counting run of the kata's loop, or one case with --case),
// traced by the judge with ptrace: strace cannot attach to a process the
// judge already traces, and its table would count the harness's channel too.
import { existsSync } from 'node:fs';
import { pc } from './style.js';
import { buildKata } from './build.js';
import { newSeed, runJudge } from './checks/run.js';
import { runContext } from './judge.js';
import type { Arch, Kata } from './manifest.js';
import { displayPath, solutionFile } from './paths.js';
import type { CountRow } from './protocol.js';
import { archsOf, isEmulated } from './targets.js';

/** One run's counts: a counting run (calls > 0) or a case. */
export interface TraceRun {
  what: string;
  calls: number;
  traced: boolean;
  rows: CountRow[];
  problem?: string;
}

export interface TraceReport {
  kata: string;
  arch: Arch;
  learner: TraceRun[];
  reference: TraceRun[];
  /** Why there is no reference column: the npm package ships no solutions. */
  noReference?: string;
  problem?: string;
}

const TRACE_CALLS = 1000;

/** The runs to count: the kata's counting runs, or one case. */
function targets(kata: Kata, caseName?: string): { mode: 'count' | 'trace'; name: string }[] {
  if (caseName) return [{ mode: 'trace', name: caseName }];
  const counts = kata.checks.flatMap((c) => (c.kind === 'syscall-count' ? [c.run] : []));
  if (counts.length) return [...new Set(counts)].map((name) => ({ mode: 'count' as const, name }));
  const first = kata.checks.find((c) => c.kind === 'cases');
  return first && first.kind === 'cases' ? [{ mode: 'trace', name: first.cases[0]! }] : [];
}

async function countRuns(kata: Kata, arch: Arch, file: string, caseName?: string): Promise<{ runs: TraceRun[]; problem?: string }> {
  const build = await buildKata(kata, arch, file);
  if (!build.judge || !build.agent || !build.ranges) {
    const failed = build.checks.find((c) => c.status !== 'pass');
    return { runs: [], problem: `${displayPath(file)} does not build: ${failed?.message ?? 'see syscall-katas check'}` };
  }
  if (caseName && !build.tables?.cases.includes(caseName))
    return { runs: [], problem: `${kata.id} has no case '${caseName}' (its cases: ${build.tables?.cases.join(', ')})` };
  const ctx = runContext(kata, arch, build, {});
  const runs: TraceRun[] = [];
  for (const t of targets(kata, caseName)) {
    const args = t.mode === 'count' ? ['count', newSeed(), t.name, String(TRACE_CALLS)] : ['trace', newSeed(), t.name];
    const { channel } = await runJudge(ctx, args, { timeoutMs: ctx.timeoutMs * 2 });
    const record = channel.records.find((r) => r.t === 'count');
    const crash = channel.records.find((r) => r.t === 'crash' || r.t === 'agent');
    if (!record || record.t !== 'count') {
      runs.push({ what: t.name, calls: 0, traced: false, rows: [], problem: crash ? 'the program crashed or ended during the run (see syscall-katas check)' : 'the run did not finish' });
      continue;
    }
    runs.push({ what: t.mode === 'count' ? `counting run '${t.name}'` : `case '${t.name}'`, calls: record.calls, traced: record.traced, rows: record.syscalls });
  }
  return { runs };
}

export async function traceKata(kata: Kata, learnerPath: string, caseName?: string): Promise<TraceReport> {
  // Natively where the kata can run so (ptrace counts every syscall); under qemu its log counts.
  const archs = archsOf(kata);
  const arch = archs.find((a) => !isEmulated(a)) ?? archs[0]!;
  if (caseName && isEmulated(arch))
    return { kata: kata.id, arch, learner: [], reference: [], problem: `a case cannot be traced under emulation (${arch}): qemu's syscalls are not the guest's; drop --case to count the kata's loop from qemu's log` };
  if (!existsSync(solutionFile(kata.id))) {
    const mine = await countRuns(kata, arch, learnerPath, caseName);
    return { kata: kata.id, arch, learner: mine.runs, reference: [], noReference: 'no reference column: the npm package ships no solutions (a clone of the course has them)', problem: mine.problem };
  }
  const [mine, ref] = await Promise.all([countRuns(kata, arch, learnerPath, caseName), countRuns(kata, arch, solutionFile(kata.id), caseName)]);
  return { kata: kata.id, arch, learner: mine.runs, reference: ref.runs, problem: mine.problem ?? ref.problem };
}

function rowsByName(rows: CountRow[], field: 'n' | 'errors' | 'tracedNs' = 'n'): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const name = r.compat ? `${r.name} (int $0x80)` : r.name;
    m.set(name, (m.get(name) ?? 0) + (r[field] ?? 0));
  }
  return m;
}

/** The tables, one per run: yours beside the reference's, the differences that matter in colour. */
export async function renderTrace(report: TraceReport): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const out: string[] = [];
  if (report.problem) return `${pc.red('✗')} ${report.problem}`;
  const withRef = !report.noReference;
  for (let i = 0; i < report.learner.length; i++) {
    const mine = report.learner[i]!;
    const ref = report.reference[i];
    out.push(pc.bold(`${report.kata} [${report.arch}] ${mine.what}${mine.calls ? `, ${mine.calls} calls of the kata's loop` : ''}`));
    if (mine.problem) {
      out.push(`  ${pc.red('✗')} yours: ${mine.problem}`);
      continue;
    }
    const a = rowsByName(mine.rows);
    const b = rowsByName(ref?.rows ?? []);
    const errs = rowsByName(mine.rows, 'errors');
    const times = rowsByName(mine.rows, 'tracedNs');
    const usPer = (name: string) => {
      const n = a.get(name) ?? 0;
      return mine.traced && n ? ((times.get(name) ?? 0) / n / 1000).toFixed(1) : '?';
    };
    const names = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (a.get(y) ?? 0) - (a.get(x) ?? 0) || x.localeCompare(y));
    const table = new Table({
      head: ['syscall', 'yours', 'errors', 'µs/call traced', 'reference', 'difference'].slice(0, withRef ? 6 : 4),
      style: { head: [], border: [] },
      colAligns: (['left', 'right', 'right', 'right', 'right', 'right'] as const).slice(0, withRef ? 6 : 4),
    });
    for (const name of names) {
      const x = a.get(name) ?? 0;
      const y = b.get(name) ?? 0;
      const d = x - y;
      const loud = d > 0 && (y === 0 ? x >= 2 : x >= 2 * y);
      const per = mine.calls ? ` (${(x / mine.calls).toFixed(x % mine.calls ? 2 : 0)}/call)` : '';
      const row = [loud ? pc.yellow(name) : name, `${x}${per}`, mine.traced ? String(errs.get(name) ?? 0) : '?', usPer(name), String(y), loud ? pc.yellow(d > 0 ? `+${d}` : String(d)) : d > 0 ? `+${d}` : String(d)];
      table.push(withRef ? row : row.slice(0, 4));
    }
    const total = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
    const totals = [pc.bold('total'), pc.bold(String(total(a))), pc.bold(String(total(errs))), '', pc.bold(String(total(b))), pc.bold(String(total(a) - total(b)))];
    table.push(withRef ? totals : totals.slice(0, 4));
    out.push(table.toString());
    if (!mine.traced) out.push(pc.dim("  counted from qemu's -strace log: under emulation the count is what the emulator reports"));
  }
  if (report.noReference) out.push(pc.dim(`${report.noReference}; the budgets are in \`syscall-katas check ${report.kata}\`.`));
  out.push(
    pc.dim(
      "Counted by the judge (ptrace) as the budgets count them: every syscall of your code during the run, none of the harness's. µs/call is from entry to exit as the tracer saw it (strace -c -w's figure): tracing adds ~18 µs to each, so compare counts, not these times.",
    ),
  );
  return out.join('\n');
}
