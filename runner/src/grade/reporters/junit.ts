// junit: a testsuite per track, a testcase per check. failure = the student's
// code is wrong (or missing); error = grading itself could not run it here.
import junitPackage, { type Builder } from 'junit-report-builder';
import type { ScoredKata } from '../model.js';
import type { Reporter } from './types.js';

// A CommonJS package whose typings describe `exports.default`; at run time
// Node hands ESM the builder itself. Accept either.
const junit = ((junitPackage as unknown as { default?: Builder }).default ?? junitPackage) as unknown as Builder;

function addKata(suite: ReturnType<Builder['testSuite']>, k: ScoredKata): void {
  const className = `syscall-katas.${k.track}.${k.id}`;
  if (k.checks.length === 0) {
    const tc = suite.testCase().className(className).name(k.id).time(k.durationMs / 1000);
    if (k.status === 'unavailable') tc.error(k.reason ?? 'not graded here', 'unavailable');
    else tc.failure(k.reason ?? k.status, k.status);
    return;
  }
  const multiArch = new Set(k.checks.map((c) => c.arch)).size > 1;
  const each = k.durationMs / 1000 / k.checks.length;
  for (const c of k.checks) {
    const tc = suite
      .testCase()
      .className(className)
      .name(`${k.id}: ${c.name}${multiArch ? ` [${c.arch}]` : ''}`)
      .time(each);
    const text = [c.message, ...(c.details ?? [])].filter(Boolean).join('\n');
    if (c.status === 'fail') tc.failure(c.message ?? 'failed', c.kind);
    else if (c.status === 'inconclusive') tc.failure(c.message ?? 'inconclusive', 'inconclusive');
    else if (c.status === 'error') tc.error(c.message ?? 'error', c.kind);
    else if (c.status === 'skipped' || c.status === 'unavailable') tc.skipped();
    if (text && c.status !== 'pass') tc.standardOutput(text);
  }
}

export const junitReporter: Reporter = {
  name: 'junit',
  extension: 'xml',
  render(report) {
    const builder = junit.newBuilder().name(`syscall-katas ${report.submission}`);
    const tracks = [...new Set(report.katas.map((k) => k.track))];
    for (const track of tracks) {
      const katas = report.katas.filter((k) => k.track === track);
      const suite = builder.testSuite().name(katas[0]!.trackTitle).property('track', track);
      for (const k of katas) addKata(suite, k);
    }
    return builder.build();
  },
};
