// junit: a testsuite per track, a testcase per graded part of a kata (its
// build, its correctness, each budget; per arch), timed by what was measured
// for it. failure = the student's code is wrong (or missing); error = grading
// itself could not run it here. Files are relative paths.
import junitPackage, { type Builder } from 'junit-report-builder';
import type { GradeReport, ScoredKata } from '../model.js';
import { partProblems, partsOf, partTitle, relativeFile } from '../parts.js';
import type { Reporter } from './types.js';

// A CommonJS package whose typings describe `exports.default`; at run time
// Node hands ESM the builder itself. Accept either.
const junit = ((junitPackage as unknown as { default?: Builder }).default ?? junitPackage) as unknown as Builder;

type Suite = ReturnType<Builder['testSuite']>;

function addKata(suite: Suite, report: GradeReport, k: ScoredKata, classPrefix: string): void {
  const className = `${classPrefix}${k.track}.${k.id}`;
  const file = relativeFile(report, k);
  for (const p of partsOf(k, true)) {
    const tc = suite.testCase().className(className).name(partTitle(p)).file(file).time(p.durationMs / 1000);
    if (p.checks.length === 0) {
      if (k.status === 'unavailable' || k.status === 'error') tc.error(k.reason ?? 'not graded here', k.status);
      else tc.failure(k.reason ?? k.status, k.status);
      continue;
    }
    if (p.passed) continue;
    const problems = report.messagesShown ? partProblems(p) : [];
    const text = report.messagesShown ? p.checks.filter((c) => c.status !== 'pass').flatMap((c) => [`${c.name}: ${c.message ?? c.status}`, ...(c.details ?? [])]).join('\n') : '';
    const statuses = new Set(p.checks.map((c) => c.status));
    const message = problems[0] ?? 'failed';
    if (statuses.has('fail') || statuses.has('inconclusive')) tc.failure(message, p.part);
    else if (statuses.has('error')) tc.error(message, p.part);
    else if (p.checks.every((c) => c.status === 'unavailable')) tc.error(message, 'unavailable');
    else if (p.part === 'budget' && p.checks.every((c) => c.status === 'pass' || c.status === 'not-enforced' || c.status === 'skipped')) tc.skipped(); // not measured: the code is not correct
    else tc.failure(message, p.part);
    if (text) tc.standardOutput(text);
  }
}

/** Adds a report's suites (a testsuite per track) to a builder; a class prefixes names with the student's. */
export function addReport(builder: Builder, report: GradeReport, student?: string): void {
  const tracks = [...new Set(report.katas.map((k) => k.track))];
  for (const track of tracks) {
    const katas = report.katas.filter((k) => k.track === track);
    const suite = builder
      .testSuite()
      .name(student ? `${student}: ${katas[0]!.trackTitle}` : katas[0]!.trackTitle)
      .property('track', track);
    if (student) suite.property('student', student);
    for (const k of katas) addKata(suite, report, k, student ? `${student}.` : 'syscall-katas.');
  }
}

export function newJunitBuilder(name: string): Builder {
  return junit.newBuilder().name(name);
}

export const junitReporter: Reporter = {
  name: 'junit',
  extension: 'xml',
  render(report) {
    const builder = newJunitBuilder('syscall-katas');
    addReport(builder, report);
    return builder.build();
  },
};
