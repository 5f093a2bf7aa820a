// `syscall-katas grade`: one submission, or a folder of them (a gradebook,
// class.ts), and `grade merge` of a class graded in shards (merge.ts).
// Exit 0 when grading completed, whatever the score; 2 when it could not run;
// 1 only for --fail-under.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { workspaceDir } from '../paths.js';
import { useGraderCache } from '../workspace-root.js';
import { gradeClass, type Shard } from './class.js';
import { mergeShards, summaryLine, summaryOf, writeClassOutputs } from './merge.js';
import { loadGradeConfig } from './config.js';
import { gradeSubmission } from './grade.js';
import { publishToGitHub, quarantined } from './github.js';
import type { GradeReport } from './model.js';
import { reporters } from './reporters/index.js';

export interface GradeOptions {
  submission?: string;
  submissions?: string;
  katas?: string;
  config?: string;
  format: string;
  out?: string;
  gradebook?: string;
  failUnder?: number;
  jobs: number;
  shard?: Shard;
}

function progressBar(label: string) {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {item}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  return bar;
}

export async function runGrade(opts: GradeOptions): Promise<number> {
  useGraderCache();
  const reporter = reporters[opts.format];
  if (!reporter) throw new Error(`unknown format "${opts.format}": one of ${Object.keys(reporters).join(', ')}`);
  const config = loadGradeConfig(opts.config, opts.katas?.split(',').map((s) => s.trim()).filter(Boolean));

  if (opts.submissions) {
    const root = path.resolve(opts.submissions);
    return gradeClass({ root, outDir: path.resolve(opts.out ?? path.join(root, '..', 'grades')), gradebook: opts.gradebook, jobs: opts.jobs, shard: opts.shard }, config, reporter);
  }
  if (opts.shard || opts.jobs > 1) throw new Error('--jobs and --shard grade a class: use them with --submissions');

  const dir = path.resolve(opts.submission ?? workspaceDir());
  const bar = progressBar('grade');
  bar?.start(config.katas.length, 0, { item: '' });
  const report = await gradeSubmission(dir, config, (done, _total, id) => bar?.update(done, { item: id }));
  bar?.stop();
  const text = reporter.render(report);
  const inActions = process.env.GITHUB_ACTIONS === 'true';
  if (opts.out) writeFileSync(opts.out, text);
  // In a GitHub Actions log, stdout is read for workflow commands: a report there
  // (student text in it) goes inside a ::stop-commands:: block. Use --out for a file.
  else process.stdout.write(inActions ? `${quarantined(text)}\n` : text);
  if (inActions) {
    publishToGitHub(report, reporters.markdown!.render(report), reporters.classroom!.render(report));
    // The checks' full details, for the log, with workflow commands disabled.
    const details = report.katas.flatMap((k) => k.checks.filter((c) => c.status === 'fail').map((c) => [`${k.id}: ${c.name}: ${c.message ?? ''}`, ...(c.details ?? [])].join('\n')));
    if (details.length && report.messagesShown) console.log(quarantined(details.join('\n\n')));
  }
  if (opts.out || opts.format !== 'markdown') console.error(`syscall-katas grade: ${report.score} / ${report.maxScore} (${report.percentage}%)`);
  for (const k of report.katas.filter((x) => x.status === 'unavailable')) console.error(`syscall-katas grade: not graded here: ${k.id}: ${k.reason ?? 'unavailable'}`);
  if (report.ungraded.length) return 2;
  return opts.failUnder !== undefined && report.percentage < opts.failUnder ? 1 : 0;
}

/** `grade merge DIR…`: the shards' results.json into one gradebook and one JUnit and markdown report. */
export function runMerge(dirs: string[], opts: { out: string; gradebook?: string }): number {
  const merged = mergeShards(dirs);
  const written = writeClassOutputs(merged, path.resolve(opts.out), opts.gradebook);
  const summary = summaryOf(merged);
  console.error(`syscall-katas grade merge: ${dirs.length} shard${dirs.length > 1 ? 's' : ''}: ${summaryLine(summary)}`);
  console.error(`syscall-katas grade merge: gradebook ${written.gradebook}; ${written.junit}; ${written.markdown}`);
  return summary.errors || summary.unavailable ? 2 : 0;
}
