// The terminal view of a kata and its result. Plain text when stdout is not a
// terminal (CI logs), colour and rendered markdown when it is.
import { readFileSync } from 'node:fs';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';
import stripAnsi from 'strip-ansi';
import { barLines } from './bars.js';
import { loadKatas } from './katas.js';
import type { Kata } from './manifest.js';
import { instructionsFile } from './paths.js';
import type { BudgetFigures, CheckResult, CheckStatus, KataResult } from './result.js';
import { colourful, pc, terminalWidth, wrapLine } from './style.js';

const marks: Record<CheckStatus, string> = {
  pass: pc.green('✓'),
  fail: pc.red('✗'),
  error: pc.red('!'),
  inconclusive: pc.yellow('≈'),
  skipped: pc.dim('-'),
  'not-enforced': pc.yellow('~'),
  unavailable: pc.yellow('?'),
};

export function renderInstructions(kata: Kata): string {
  // The title is in the header already (renderHeader).
  const markdown = readFileSync(instructionsFile(kata.id), 'utf8').replace(/^# .*\n+/, '');
  const marked = new Marked(markedTerminal({ reflowText: true, width: Math.min(terminalWidth(), 100), tab: 2 }) as never);
  // marked-terminal leaves **bold** and `code` inside list items unrendered
  // (marked-terminal issue #304): render a text token's inline children
  // ourselves, and fall back to its renderer (return false) otherwise.
  marked.use({
    renderer: {
      text(token) {
        return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  const text = (marked.parse(markdown) as string).trimEnd();
  // marked-terminal colours by its own lights (chalk, cli-highlight, cli-table3): plain means plain.
  return colourful ? text : stripAnsi(text);
}

/** Where a kata stands in the course: "kata 4 of 38 · track 2 of 6". */
export function coursePosition(kata: Kata): string {
  const { katas, tracks } = loadKatas();
  const k = katas.findIndex((x) => x.id === kata.id);
  const t = tracks.findIndex((x) => x.id === kata.track);
  return `kata ${k + 1} of ${katas.length} · track ${t + 1} of ${tracks.length}`;
}

export function renderHeader(kata: Kata, file: string): string {
  const width = terminalWidth();
  return [
    ...wrapLine(pc.bold(kata.title), '', '  ', width),
    ...wrapLine(pc.dim(`${coursePosition(kata)} (${kata.trackTitle}) · ${kata.id} · ${kata.arch}`), '', '  ', width),
    `Edit: ${pc.cyan(file)}`,
  ].join('\n');
}

/** Yours, the budget and the reference on one scale. */
function budgetBars(b: BudgetFigures, passed: boolean): string[] {
  const rows = [
    { label: 'yours', value: b.nsPerCall, paint: passed ? pc.green : pc.red },
    { label: 'budget', value: b.budgetNs, paint: pc.yellow },
    { label: b.reference, value: b.referenceNsPerCall, paint: pc.cyan },
  ];
  const labels = Math.max(...rows.map((r) => r.label.length));
  const width = Math.min(terminalWidth() - 6 - labels - 12, 40);
  return barLines(rows.map((r) => ({ ...r, text: `${r.value.toFixed(r.value < 10 ? 2 : 0)} ns` })), { width, indent: '      ' });
}

function checkLine(c: CheckResult, showArch: boolean): string[] {
  const arch = showArch ? pc.dim(`[${c.arch}] `) : '';
  const text = c.message ? `${c.name}: ${c.message}` : c.name;
  const width = terminalWidth();
  const lines = wrapLine(`${arch}${c.status === 'pass' ? text : pc.bold(text)}`, `  ${marks[c.status]} `, '      ', width);
  if (c.budget) lines.push(...budgetBars(c.budget, c.status === 'pass'));
  const details = c.status === 'pass' && c.kind !== 'compile' && c.kind !== 'ns-per-call' ? [] : c.details ?? [];
  // Compiler output keeps its own lines (carets line up); the rest wraps.
  for (const d of details) lines.push(...(c.kind === 'compile' ? [`      ${pc.dim(d)}`] : wrapLine(pc.dim(d), '      ', '        ', width)));
  return lines;
}

export function renderResult(result: KataResult, opts: { hintCommand?: string } = {}): string {
  const lines: string[] = [];
  if (result.status === 'unavailable') {
    lines.push(...wrapLine(`${marks.unavailable} ${pc.yellow('unavailable here')}: ${result.reason}`, '', '  '));
    return lines.join('\n');
  }
  const showArch = result.archs.length > 1;
  for (const c of result.checks) lines.push(...checkLine(c, showArch));
  const counted = result.checks.filter((c) => c.status === 'pass' || c.status === 'fail');
  const passed = counted.filter((c) => c.status === 'pass').length;
  lines.push('');
  const summary: string[] = [];
  if (result.status === 'pass') summary.push(pc.green(pc.bold(`✓ ${result.id} passes`)) + pc.dim(` (${passed} checks, ${(result.durationMs / 1000).toFixed(1)} s)`));
  else if (result.status === 'fail')
    summary.push(
      pc.red(pc.bold(`✗ ${result.id} is not there yet`)) +
        pc.dim(` (${passed} of ${counted.length} checks pass)`) +
        (opts.hintCommand ? `. Stuck? ${pc.cyan(opts.hintCommand)}` : ''),
    );
  else if (result.status === 'inconclusive')
    summary.push(pc.yellow(pc.bold(`≈ ${result.id}: correct, but its timing is too close to the budget to call here`)) + pc.dim(' — re-run on a quieter machine'));
  else summary.push(pc.red(pc.bold(`! ${result.id} could not be checked: ${result.reason ?? 'unknown error'}`)));
  for (const l of summary) lines.push(...wrapLine(l, '', '  '));
  return lines.join('\n');
}
