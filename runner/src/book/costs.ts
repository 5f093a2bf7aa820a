// This machine's costs, as the book and the report show them: the seed's
// claims beside `bench`'s figures, the whole bench table with its chart, and
// what the figures depend on (CPU, kernel, clocksource, mitigations).
import type { BenchReport } from '../bench.js';
import { benchChart } from '../report/charts.js';
import { escapeHtml } from './markdown.js';
import { formatFigure, seedClaims, verdictOf } from './seed.js';

export type MachineFigures = { report: BenchReport } | { problem: string };

/** Runs `bench`; a machine it cannot run on still gets a book, which says why it has no figures. */
export async function measureMachine(opts: { bench: boolean; epochs?: number }): Promise<MachineFigures> {
  if (!opts.bench) return { problem: 'not measured (--no-bench)' };
  try {
    const { runBench } = await import('../bench.js');
    return { report: await runBench(opts.epochs ?? 15) };
  } catch (e) {
    return { problem: `bench could not run here: ${(e as Error).message}` };
  }
}

/** ns/call of each reference operation, by bench name, for budgets stated in ns. */
export function referenceFigures(m: MachineFigures): Record<string, number> | undefined {
  return 'report' in m ? Object.fromEntries(m.report.benchmarks.map((b) => [b.name, b.real_time])) : undefined;
}

export function machineLine(r: BenchReport): string {
  const c = r.context;
  return `${escapeHtml(c.arch)}, ${c.num_cpus} CPUs, kernel ${escapeHtml(c.kernel)}, clocksource ${escapeHtml(c.clocksource)}, measured ${escapeHtml(c.date.slice(0, 16).replace('T', ' '))} UTC on ${escapeHtml(c.host_name)}`;
}

export function seedTableHtml(r: BenchReport): string {
  const rows = seedClaims.map((c) => {
    const value = c.measured(r);
    const verdict = verdictOf(c, value);
    const figure = value === undefined || !Number.isFinite(value) ? '—' : formatFigure(value, c.unit);
    const said = verdict ? `<span class="${verdict}">${verdict === 'holds' ? 'holds here' : `${verdict} the seed's figure`}</span>` : '';
    return `<tr><td>${escapeHtml(c.what)}</td><td>${escapeHtml(c.claim)}</td><td class="num">${figure}</td><td>${said}</td></tr>`;
  });
  return `<table class="seed-costs"><thead><tr><th>what</th><th>the seed says</th><th>this machine</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function benchTableHtml(r: BenchReport): string {
  const rows = r.benchmarks.map(
    (b) =>
      `<tr><td>${escapeHtml(b.label)}</td><td class="num">${b.real_time.toFixed(1)} ns</td><td class="num">±${b.spread_pct.toFixed(1)}%</td><td class="num">${b.instructions_per_call !== undefined ? b.instructions_per_call.toFixed(0) : '—'}</td></tr>`,
  );
  return `<table class="bench"><thead><tr><th>operation</th><th>median</th><th>spread</th><th>instructions</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function mitigationsHtml(r: BenchReport): string {
  const rows = Object.entries(r.context.mitigations).map(([k, v]) => `<tr><td><code>${escapeHtml(k)}</code></td><td>${escapeHtml(v)}</td></tr>`);
  return rows.length ? `<details><summary>Mitigations in force (${rows.length})</summary><table>${rows.join('')}</table></details>` : '';
}

/** The bench section: chart, table, how it was measured. */
export async function benchSectionHtml(r: BenchReport): Promise<string> {
  return [
    `<p class="muted">${machineLine(r)}.</p>`,
    `<div class="chart">${await benchChart(r)}</div>`,
    benchTableHtml(r),
    `<p class="muted">Medians of ${r.benchmarks[0]?.repetitions ?? 0} epochs of at least 1 ms, loop overhead ${r.context.loop_overhead_ns.toFixed(2)} ns subtracted, pinned to CPU ${r.context.pinned_cpu}. The vDSO saves ${r.derived.vdso_saves_ns.toFixed(0)} ns per <code>clock_gettime</code>.${
      r.benchmarks.some((b) => b.instructions_per_call !== undefined) ? '' : ' Instruction counts: perf counters are not available here.'
    } <code>npx syscall-katas bench</code> measures yours.</p>`,
    mitigationsHtml(r),
  ].join('\n');
}
