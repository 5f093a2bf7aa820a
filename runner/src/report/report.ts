// `syscall-katas report`: where the learner is. Progress per track, each
// budget check's figures over their attempts (from the workspace's history),
// and this machine's bench table; as text, or as one self-contained HTML page
// whose charts are SVG drawn by Vega-Lite.
import Table from 'cli-table3';
import wrapAnsi from 'wrap-ansi';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availabilityOf } from '../availability.js';
import { type MachineFigures, benchSectionHtml } from '../book/costs.js';
import { pageHtml, writtenBy } from '../book/layout.js';
import { escapeHtml } from '../book/markdown.js';
import { bookCss } from '../book/style.js';
import { loadKatas } from '../katas.js';
import { displayPath, workspaceDir } from '../paths.js';
import { progressOf, readState } from '../workspace.js';
import { attemptsChart, type ProgressStatus, progressChart, type SeriesPoint } from './charts.js';
import { type Attempt, readHistory } from './history.js';

export interface KataProgress {
  id: string;
  title: string;
  status: ProgressStatus;
  reason?: string;
}

export interface TrackProgress {
  id: string;
  title: string;
  katas: KataProgress[];
}

/** One budget check of one kata on one arch, over its attempts (oldest first). */
export interface CheckHistory {
  kata: string;
  check: string;
  arch: string;
  kind: Attempt['kind'];
  attempts: Attempt[];
}

export interface ReportModel {
  generatedAt: string;
  workspace: string;
  tracks: TrackProgress[];
  checks: CheckHistory[];
  historyProblem?: string;
  /** Katas with a budget that have no figures in the history yet. */
  untried: string[];
  machine: MachineFigures;
}

export async function gatherReport(machine: MachineFigures): Promise<ReportModel> {
  const set = loadKatas();
  const state = readState();
  const progress = await Promise.all(
    set.katas.map(async (k): Promise<KataProgress & { track: string }> => {
      const avail = await availabilityOf(k);
      const status = avail.available ? progressOf(k, state) : 'unavailable';
      return { id: k.id, title: k.title, track: k.track, status, ...(avail.reason ? { reason: avail.reason } : {}) };
    }),
  );
  const tracks = set.tracks.map((t) => ({ id: t.id, title: t.title, katas: progress.filter((p) => p.track === t.id).map(({ track: _, ...p }) => p) }));
  const { history, problem } = readHistory();
  const order = new Map(set.katas.map((k, i) => [k.id, i]));
  const groups = new Map<string, CheckHistory>();
  for (const a of history.attempts) {
    if (!order.has(a.kata)) continue; // a kata the course no longer has
    const key = `${a.kata}\0${a.check}\0${a.arch}`;
    const g = groups.get(key) ?? { kata: a.kata, check: a.check, arch: a.arch, kind: a.kind, attempts: [] };
    if (g.kind === a.kind) g.attempts.push(a);
    groups.set(key, g);
  }
  const checks = [...groups.values()].sort((x, y) => order.get(x.kata)! - order.get(y.kata)!);
  const tried = new Set(checks.map((c) => c.kata));
  const untried = set.katas.filter((k) => k.checks.some((c) => c.kind !== 'cases') && !tried.has(k.id)).map((k) => k.id);
  return { generatedAt: new Date().toISOString(), workspace: workspaceDir(), tracks, checks, untried, machine, ...(problem ? { historyProblem: problem } : {}) };
}

const statuses: ProgressStatus[] = ['done', 'failing', 'not-started', 'unavailable'];

function counts(t: TrackProgress): Record<ProgressStatus, number> {
  return Object.fromEntries(statuses.map((s) => [s, t.katas.filter((k) => k.status === s).length])) as Record<ProgressStatus, number>;
}

function last<T>(xs: T[]): T {
  return xs[xs.length - 1]!;
}

/** "118 ns/call against a budget of 135 ns (libc syscall() 116 ns)": the latest attempt in words. */
export function latestInWords(c: CheckHistory): string {
  const a = last(c.attempts);
  if (a.kind === 'ns-per-call')
    return `${a.nsPerCall.toFixed(1)} ns/call against a budget of ${a.budgetNs.toFixed(1)} ns (${a.reference} ${a.referenceNsPerCall.toFixed(1)} ns): ${a.status}${a.unstable ? ', unstable' : ''}`;
  return `${a.counted} syscall${a.counted === 1 ? '' : 's'} for ${a.calls} call${a.calls === 1 ? '' : 's'}, ${a.rule} ${a.limit}: ${a.status}`;
}

function pointsOf(c: CheckHistory): SeriesPoint[] {
  return c.attempts.flatMap((a, i): SeriesPoint[] =>
    a.kind === 'ns-per-call'
      ? [
          { attempt: i + 1, series: 'yours', value: a.nsPerCall },
          { attempt: i + 1, series: 'budget', value: a.budgetNs },
          { attempt: i + 1, series: 'reference', value: a.referenceNsPerCall },
        ]
      : [
          { attempt: i + 1, series: 'yours', value: a.counted },
          { attempt: i + 1, series: a.rule === 'exactly' ? 'required' : 'limit', value: a.limit },
        ],
  );
}

async function checkFigure(c: CheckHistory): Promise<string> {
  const timing = c.kind === 'ns-per-call';
  const bound = timing ? 'budget' : c.attempts.some((a) => a.kind === 'syscall-count' && a.rule === 'exactly') ? 'required' : 'limit';
  const series = [
    { name: 'yours', colour: '#0969da' },
    { name: bound, colour: '#cf222e', dashed: true },
    ...(timing ? [{ name: 'reference', colour: '#8c959f', dashed: true }] : []),
  ];
  const svg = await attemptsChart(pointsOf(c), { unit: timing ? 'ns per call' : 'syscalls per run', series });
  const arch = c.arch === 'aarch64' ? ' [aarch64]' : '';
  return `<figure><figcaption><code>${escapeHtml(c.kata)}</code> · ${escapeHtml(c.check)}${arch}</figcaption><div class="chart">${svg}</div><p class="muted">${c.attempts.length} attempt${c.attempts.length === 1 ? '' : 's'}; latest: ${escapeHtml(latestInWords(c))}</p></figure>`;
}

export async function renderReportHtml(m: ReportModel): Promise<string> {
  const rows = m.tracks.flatMap((t) => statuses.map((s) => ({ track: t.title, status: s, katas: counts(t)[s] })));
  const done = m.tracks.reduce((n, t) => n + counts(t).done, 0);
  const total = m.tracks.reduce((n, t) => n + t.katas.length, 0);
  const trackLists = m.tracks.map(
    (t) =>
      `<li><strong>${escapeHtml(t.title)}</strong>: ${counts(t).done} of ${t.katas.length} done — ${t.katas
        .map((k) => `<span class="status-${k.status}" title="${escapeHtml(k.reason ?? k.status)}">${escapeHtml(k.id)}</span>`)
        .join(', ')}</li>`,
  );
  const figures = await Promise.all(m.checks.map(checkFigure));
  const body = [
    '<h1>Your progress</h1>',
    `<p class="muted">Workspace <code>${escapeHtml(displayPath(m.workspace))}</code>, ${escapeHtml(m.generatedAt.slice(0, 16).replace('T', ' '))} UTC.</p>`,
    `<h2 id="progress">${done} of ${total} katas done</h2>`,
    `<div class="chart">${await progressChart(rows)}</div>`,
    `<ul class="tracks">${trackLists.join('')}</ul>`,
    '<h2 id="budgets">Your budgets over your attempts</h2>',
    ...(m.historyProblem ? [`<p class="above">The history could not be read: ${escapeHtml(m.historyProblem)}.</p>`] : []),
    figures.length
      ? `<div class="charts">${figures.join('')}</div>`
      : '<p>No figures yet. Each time <code>next</code>, <code>check</code> or <code>watch</code> checks a kata with a budget and its cases pass, the budget’s figures are kept here.</p>',
    ...(m.untried.length ? [`<p class="muted">${m.checks.length ? 'No figures yet for' : 'The katas with budgets:'} ${m.untried.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}.</p>`] : []),
    '<h2 id="machine">This machine</h2>',
    'report' in m.machine ? await benchSectionHtml(m.machine.report) : `<p>${escapeHtml(m.machine.problem)}.</p>`,
  ].join('\n');
  return pageHtml({ title: 'syscall-katas: your progress', generator: 'syscall-katas report', body, inlineCss: bookCss });
}

/** Writes the page; a file that is not an earlier report is left alone. */
export function writeReport(file: string, html: string): void {
  if (existsSync(file) && !writtenBy(readFileSync(file, 'utf8'), 'syscall-katas report'))
    throw new Error(`${file} exists and is not a report this command wrote: choose another --html file`);
  writeFileSync(file, html);
}

// Plain tables (no colour, rows not ruled apart) that fit 80 columns.
const plain = {
  style: { head: [], border: [] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  wordWrap: true,
};

export function renderReportText(m: ReportModel): string {
  const out: string[] = [];
  const progress = new Table({ ...plain, head: ['track', 'done', 'failing', 'not started', 'unavailable'], colWidths: [29, 9, 9, 13, 13] });
  for (const t of m.tracks) {
    const c = counts(t);
    progress.push([t.title, `${c.done} of ${t.katas.length}`, c.failing, c['not-started'], c.unavailable]);
  }
  out.push('Progress', progress.toString(), '');
  out.push('Budgets over your attempts');
  if (m.historyProblem) out.push(`  the history could not be read: ${m.historyProblem}`);
  if (m.checks.length === 0) out.push(wrapAnsi('no figures yet: they are kept each time a kata with a budget is checked and its cases pass', 76).replace(/^/gm, '  '));
  else {
    const table = new Table({ ...plain, head: ['kata · check', 'tries', 'latest', 'best', 'bound', 'status'], colWidths: [24, 7, 11, 11, 12, 8] });
    for (const c of m.checks) {
      const values = c.attempts.map((a) => (a.kind === 'ns-per-call' ? a.nsPerCall : a.counted));
      const a = last(c.attempts);
      const fmt = (v: number) => (a.kind === 'ns-per-call' ? `${v.toFixed(1)} ns` : String(v));
      const best = a.kind === 'ns-per-call' ? Math.min(...values) : values.reduce((x, y) => (Math.abs(y - a.limit) < Math.abs(x - a.limit) ? y : x));
      const bound = a.kind === 'ns-per-call' ? `≤ ${a.budgetNs.toFixed(1)} ns` : `${a.rule === 'exactly' ? '=' : '≤'} ${a.limit}`;
      table.push([`${c.kata} · ${c.check}${c.arch === 'aarch64' ? ' [aarch64]' : ''}`, c.attempts.length, fmt(last(values)), fmt(best), bound, a.status]);
    }
    out.push(table.toString());
  }
  if (m.untried.length) out.push(wrapAnsi(`${m.checks.length ? 'no figures yet for' : 'the katas with budgets:'} ${m.untried.join(', ')}`, 76).replace(/^/gm, '  '));
  out.push('', 'This machine');
  if ('report' in m.machine) {
    const bench = new Table({ ...plain, head: ['operation', 'ns/call', 'spread'] });
    for (const b of m.machine.report.benchmarks) bench.push([b.label, b.real_time.toFixed(1), `±${b.spread_pct.toFixed(1)}%`]);
    out.push(bench.toString());
  } else out.push(`  ${m.machine.problem}`);
  out.push('', '`npx syscall-katas report --html report.html` draws these as charts.');
  return out.join('\n');
}
