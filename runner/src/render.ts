// The terminal view of a kata and its result. Plain text when stdout is not a
// terminal (CI logs), colour and rendered markdown when it is.
import { readFileSync } from 'node:fs';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';
import pc from 'picocolors';
import type { Kata } from './manifest.js';
import { instructionsFile } from './paths.js';
import type { CheckResult, CheckStatus, KataResult } from './result.js';

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
  const markdown = readFileSync(instructionsFile(kata.id), 'utf8');
  const marked = new Marked(markedTerminal({ reflowText: true, width: Math.min(process.stdout.columns || 80, 100), tab: 2 }) as never);
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
  return (marked.parse(markdown) as string).trimEnd();
}

export function renderHeader(kata: Kata, file: string): string {
  return [
    `${pc.bold(kata.title)} ${pc.dim(`(${kata.id} · ${kata.trackTitle} · ${kata.arch})`)}`,
    `Edit: ${pc.cyan(file)}`,
  ].join('\n');
}

function checkLine(c: CheckResult, showArch: boolean): string[] {
  const arch = showArch ? pc.dim(`[${c.arch}] `) : '';
  const text = c.message ? `${c.name}: ${c.message}` : c.name;
  const lines = [`  ${marks[c.status]} ${arch}${c.status === 'pass' ? text : pc.bold(text)}`];
  const details = c.status === 'pass' && c.kind !== 'compile' && c.kind !== 'ns-per-call' ? [] : c.details ?? [];
  for (const d of details) lines.push(`      ${pc.dim(d)}`);
  return lines;
}

export function renderResult(result: KataResult, opts: { hintCommand?: string } = {}): string {
  const lines: string[] = [];
  if (result.status === 'unavailable') {
    lines.push(`${marks.unavailable} ${pc.yellow('unavailable here')}: ${result.reason}`);
    return lines.join('\n');
  }
  const showArch = result.archs.length > 1;
  for (const c of result.checks) lines.push(...checkLine(c, showArch));
  const counted = result.checks.filter((c) => c.status === 'pass' || c.status === 'fail');
  const passed = counted.filter((c) => c.status === 'pass').length;
  lines.push('');
  if (result.status === 'pass') lines.push(pc.green(pc.bold(`✓ ${result.id} passes`)) + pc.dim(` (${passed} checks, ${(result.durationMs / 1000).toFixed(1)} s)`));
  else if (result.status === 'fail')
    lines.push(
      pc.red(pc.bold(`✗ ${result.id} is not there yet`)) +
        pc.dim(` (${passed} of ${counted.length} checks pass)`) +
        (opts.hintCommand ? `. Stuck? ${pc.cyan(opts.hintCommand)}` : ''),
    );
  else if (result.status === 'inconclusive')
    lines.push(pc.yellow(pc.bold(`≈ ${result.id}: correct, but its timing is too close to the budget to call here`)) + pc.dim(' — re-run on a quieter machine'));
  else lines.push(pc.red(pc.bold(`! ${result.id} could not be checked: ${result.reason ?? 'unknown error'}`)));
  return lines.join('\n');
}
