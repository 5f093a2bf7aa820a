// gradescope: results.json for a Gradescope autograder
// (schemas/gradescope-results.schema.json): one test per kata's correctness,
// all or nothing, and one per budget, each `passed` when it earned its
// points. Points are summed in whole cents, so the tests add up to the
// total exactly.
import { partProblems, partsOf, partTitle } from '../parts.js';
import type { Reporter } from './types.js';

export const gradescopeReporter: Reporter = {
  name: 'gradescope',
  extension: 'json',
  render(report) {
    const visibility = report.messagesShown ? 'visible' : 'after_published';
    const parts = report.katas.flatMap((k) => partsOf(k, false));
    const tests = parts.map((p) => {
      const details = report.messagesShown && !p.passed ? p.checks.filter((c) => c.status !== 'pass').flatMap((c) => c.details ?? []) : [];
      const output = p.passed
        ? p.part === 'correctness'
          ? `every case passed (${p.checks.filter((c) => c.kind === 'case').length} checks)`
          : (p.checks[0]?.message ?? 'within budget')
        : report.messagesShown
          ? [...partProblems(p), ...details].join('\n')
          : p.checks.length === 0
            ? p.kata.status
            : 'failed';
      return {
        name: partTitle(p),
        score: p.scoreCents / 100,
        max_score: p.maxCents / 100,
        status: p.passed ? 'passed' : 'failed',
        output,
        visibility,
        name_format: 'text',
      };
    });
    const notGraded = report.katas.filter((k) => k.status === 'unavailable');
    const scoreCents = parts.reduce((s, p) => s + p.scoreCents, 0);
    const maxCents = parts.reduce((s, p) => s + p.maxCents, 0);
    const results = {
      score: scoreCents / 100,
      max_score: maxCents / 100,
      execution_time: Math.round(report.durationMs / 1000),
      output: [`syscall-katas: ${scoreCents / 100} / ${maxCents / 100}`, ...notGraded.map((k) => `not graded on this machine: ${k.id}: ${k.reason ?? 'unavailable'}`)].join('\n'),
      visibility,
      tests,
    };
    return `${JSON.stringify(results, null, 2)}\n`;
  },
};

