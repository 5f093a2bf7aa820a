// classroom: the JSON GitHub Classroom's autograding-grading-reporter reads
// (base64-encoded, from the <RUNNER>_RESULTS variable): version, status,
// max_score, tests[] with name, status, message, score. One test per kata.
import type { Reporter } from './types.js';

export const classroomReporter: Reporter = {
  name: 'classroom',
  extension: 'json',
  render(report) {
    const tests = report.katas.map((k) => {
      const failed = k.checks.filter((c) => c.status !== 'pass' && c.status !== 'not-enforced' && c.status !== 'skipped');
      const status = k.status === 'unavailable' || k.status === 'error' ? 'error' : k.score >= k.maxScore ? 'pass' : 'fail';
      // Why a kata was not graded is the runner's to say (no student text in it): said even when messages are hidden.
      const message =
        k.status === 'unavailable' || k.checks.length === 0
          ? `not graded: ${k.reason ?? k.status}`
          : report.messagesShown
            ? failed.map((c) => `${c.name}: ${c.message ?? c.status}`).join('\n')
            : status;
      return {
        name: `${k.id}: ${k.title}`,
        status,
        message,
        test_code: `syscall-katas check ${k.id}`,
        filename: k.file,
        line_no: 0,
        execution_time: `${(k.durationMs / 1000).toFixed(2)}s`,
        score: k.score,
      };
    });
    const status = tests.some((t) => t.status === 'error') ? 'error' : tests.every((t) => t.status === 'pass') ? 'pass' : 'fail';
    return `${JSON.stringify({ version: 1, status, max_score: report.maxScore, tests }, null, 2)}\n`;
  },
};
