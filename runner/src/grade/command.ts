// `syscall-katas grade`: one submission, or a folder of them (a gradebook).
// Exit 0 when grading completed, whatever the score; 2 when it could not run;
// 1 only for --fail-under.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { workspaceDir } from '../paths.js';
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
}

function progressBar(label: string) {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {item}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  return bar;
}

export async function runGrade(opts: GradeOptions): Promise<number> {
  const reporter = reporters[opts.format];
  if (!reporter) throw new Error(`unknown format "${opts.format}": one of ${Object.keys(reporters).join(', ')}`);
  const config = loadGradeConfig(opts.config, opts.katas?.split(',').map((s) => s.trim()).filter(Boolean));

  if (opts.submissions) return gradeMany(opts, config, reporter.extension);

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
  if (opts.out || opts.format !== 'markdown') console.error(`syscall-katas grade: ${report.score} / ${report.maxScore} (${report.percentage}%)${report.ungraded.length ? `; not graded here: ${report.ungraded.join(', ')}` : ''}`);
  if (report.ungraded.length) return 2;
  return opts.failUnder !== undefined && report.percentage < opts.failUnder ? 1 : 0;
}

async function gradeMany(opts: GradeOptions, config: ReturnType<typeof loadGradeConfig>, extension: string): Promise<number> {
  const root = path.resolve(opts.submissions!);
  const students = readdirSync(root)
    .filter((d) => !d.startsWith('.') && statSync(path.join(root, d)).isDirectory())
    .sort();
  const outDir = path.resolve(opts.out ?? path.join(root, '..', 'grades'));
  mkdirSync(outDir, { recursive: true });
  const bar = progressBar('grade');
  bar?.start(students.length, 0, { item: '' });
  const reports: { student: string; report: GradeReport }[] = [];
  // One after another: timings want the machine to themselves.
  const failed: string[] = [];
  for (const [i, student] of students.entries()) {
    bar?.update(i, { item: student });
    try {
      const report = await gradeSubmission(path.join(root, student), config);
      writeFileSync(path.join(outDir, `${student}.${extension}`), reporters[opts.format]!.render(report));
      reports.push({ student, report });
    } catch (e) {
      // One student's failure is that student's: the rest of the class is graded.
      failed.push(`${student}: ${(e as Error).message}`);
    }
  }
  bar?.update(students.length, { item: '' });
  bar?.stop();
  const ids = config.katas.map((k) => k.kata.id);
  const rows = reports.map(({ student, report }) => [student, report.score, report.maxScore, report.percentage, ...ids.map((id) => report.katas.find((k) => k.id === id)?.score ?? 0)]);
  const gradebook = path.resolve(opts.gradebook ?? path.join(outDir, 'gradebook.csv'));
  writeFileSync(gradebook, stringify(rows, { header: true, columns: ['student', 'score', 'max_score', 'percent', ...ids] }));
  console.error(`syscall-katas grade: ${reports.length} of ${students.length} submissions graded; gradebook ${gradebook}; reports in ${outDir}`);
  for (const f of failed) console.error(`syscall-katas grade: could not grade ${f}`);
  return failed.length || reports.some((r) => r.report.ungraded.length) ? 2 : 0;
}
