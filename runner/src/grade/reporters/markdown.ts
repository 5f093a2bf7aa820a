// markdown: a summary table (for $GITHUB_STEP_SUMMARY, a PR comment, a
// gradebook e-mail). Student text goes inside code spans with backticks and
// pipes neutralised, so it cannot break the table or inject markup.
import type { Reporter } from './types.js';

/** Text from a student's run, safe inside a table cell. */
function cell(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'");
  const short = flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
  return short ? `\`${short}\`` : '';
}

const icon: Record<string, string> = { pass: '✅', fail: '❌', error: '⚠️', inconclusive: '≈', unavailable: '➖', missing: '❌', timeout: '⏱️' };

export const markdownReporter: Reporter = {
  name: 'markdown',
  extension: 'md',
  render(report) {
    const lines = [
      `## syscall-katas: ${report.score} / ${report.maxScore} (${report.percentage}%)`,
      '',
      '| kata | status | score | first problem |',
      '|---|---|---:|---|',
    ];
    for (const k of report.katas) {
      const first = k.checks.find((c) => c.status === 'fail' || c.status === 'error' || c.status === 'inconclusive');
      const problem = first ? `${first.name}: ${first.message ?? first.status}` : k.checks.length === 0 ? k.reason ?? '' : '';
      lines.push(`| ${k.id} | ${icon[k.status] ?? ''} ${k.status} | ${k.score} / ${k.maxScore} | ${report.messagesShown ? cell(problem) : ''} |`);
    }
    // Which katas could not be graded, and why (the reason is the runner's, never the student's text).
    const notGraded = report.katas.filter((k) => k.status === 'unavailable' || k.status === 'error' || k.status === 'timeout');
    if (notGraded.length) lines.push('', 'Not graded:', ...notGraded.map((k) => `- ${k.id}: ${cell(k.reason ?? k.status)}`));
    lines.push('', `Graded in ${(report.durationMs / 1000).toFixed(1)} s.`);
    return `${lines.join('\n')}\n`;
  },
};
