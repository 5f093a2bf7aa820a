// gradescope: results.json for a Gradescope autograder (score, max_score,
// tests[] with name, score, max_score, status, output, visibility).
import type { Reporter } from './types.js';

export const gradescopeReporter: Reporter = {
  name: 'gradescope',
  extension: 'json',
  render(report) {
    const visibility = report.messagesShown ? 'visible' : 'after_published';
    const tests = report.katas.flatMap((k) => {
      if (k.checks.length === 0)
        return [{ name: `${k.id}`, score: 0, max_score: k.maxScore, status: 'failed', output: k.reason ?? k.status, visibility, name_format: 'text' }];
      const multiArch = new Set(k.checks.map((c) => c.arch)).size > 1;
      return k.checks
        .filter((c) => c.maxScore > 0 || c.status === 'fail' || c.status === 'error')
        .map((c) => ({
          name: `${k.id}: ${c.name}${multiArch ? ` [${c.arch}]` : ''}`,
          score: c.score,
          max_score: c.maxScore,
          status: c.score === c.maxScore && c.status !== 'fail' && c.status !== 'error' ? 'passed' : 'failed',
          output: report.messagesShown ? [c.message ?? c.status, ...(c.details ?? [])].join('\n') : c.status,
          visibility,
          name_format: 'text',
        }));
    });
    const results = {
      score: report.score,
      max_score: report.maxScore,
      execution_time: Math.round(report.durationMs / 1000),
      output: `syscall-katas: ${report.score} / ${report.maxScore}${report.ungraded.length ? ` (not graded on this machine: ${report.ungraded.join(', ')})` : ''}`,
      visibility,
      tests,
    };
    return `${JSON.stringify(results, null, 2)}\n`;
  },
};
