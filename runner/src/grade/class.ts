// `grade --submissions DIR`: a class. Students (layout.ts) are graded --jobs
// at a time, through one TimingGate, so that a timing run never shares the
// machine with another of ours and parallelism never moves a verdict.
// --shard i/N takes every N-th student of the sorted class, from the i-th:
// each CI runner of a matrix gets a fixed, balanced share, and `grade merge`
// puts the shards' results.json back together.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { GradeConfig } from './config.js';
import { TimingGate } from './gate.js';
import { gradeSubmission } from './grade.js';
import { studentsOf, type Student } from './layout.js';
import { CLASS_RESULTS, type ClassResults, type StudentResult, summaryLine, summaryOf, writeClassOutputs } from './merge.js';
import type { Shard } from './options.js';
import type { Reporter } from './reporters/index.js';

export type { Shard } from './options.js';

/** The shard's students: the i-th, (i+N)-th, … of the class sorted by name. */
export function shareOf<T>(sorted: T[], shard: Shard): T[] {
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A bar with an ETA on a terminal; a line per student in a CI log. */
function classProgress(total: number) {
  const started = performance.now();
  let done = 0;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'grade [{bar}] {value}/{total} students | ETA {eta_formatted} | {student}', hideCursor: true, stream: process.stderr, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { student: '' });
  return {
    finished(student: string, outcome: string) {
      done++;
      if (bar) bar.update(done, { student });
      else {
        const eta = done < total ? `, ETA ${duration(((performance.now() - started) / done) * (total - done))}` : '';
        console.error(`syscall-katas grade: [${done}/${total}] ${student}: ${outcome}${eta}`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

export interface ClassOptions {
  root: string;
  outDir: string;
  gradebook?: string;
  jobs: number;
  shard?: Shard;
}

/** Grades the class (or a shard of it); exit code 0, or 2 when a student or a kata could not be graded. */
export async function gradeClass(opts: ClassOptions, config: GradeConfig, format: Reporter): Promise<number> {
  const ids = config.katas.map((k) => k.kata.id);
  const { students: all, single } = studentsOf(opts.root, ids);
  if (single) console.error(`syscall-katas grade: ${opts.root} is one student's submission (it holds kata files): graded as a class of one`);
  const shard = opts.shard ?? { index: 1, count: 1 };
  const mine = shareOf(all, shard);
  const gate = new TimingGate();
  // Students' reports go in a folder of their own: no student name can clobber the class's files.
  const reportsDir = path.join(opts.outDir, 'students');
  mkdirSync(reportsDir, { recursive: true });
  const progress = classProgress(mine.length);
  const results: StudentResult[] = new Array(mine.length);
  let next = 0;
  const gradeOne = async (s: Student): Promise<StudentResult> => {
    if (!s.folder) return { name: s.name, error: s.problem ?? 'no kata file' };
    try {
      const report = await gradeSubmission(s.dir, config, undefined, opts.jobs > 1 ? gate : undefined);
      writeFileSync(path.join(reportsDir, `${s.name}.${format.extension}`), format.render(report));
      return { name: s.name, report };
    } catch (e) {
      // One student's failure is that student's: the rest of the class is graded.
      return { name: s.name, error: (e as Error).message };
    }
  };
  // --jobs workers, each taking the next student: results land in class order whatever finishes first.
  const worker = async () => {
    while (next < mine.length) {
      const i = next++;
      const s = mine[i]!;
      const r = await gradeOne(s);
      results[i] = r;
      progress.finished(s.name, r.report ? `${r.report.score} / ${r.report.maxScore}` : `not graded: ${r.error}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, Math.max(1, mine.length)) }, worker));
  progress.stop();
  const classResults: ClassResults = { formatVersion: 1, shard: { ...shard, classSize: all.length }, katas: ids, students: results };
  writeFileSync(path.join(opts.outDir, CLASS_RESULTS), `${JSON.stringify(classResults)}\n`);
  const written = writeClassOutputs(classResults, opts.outDir, opts.gradebook);
  const summary = summaryOf(classResults);
  const which = shard.count > 1 ? ` (shard ${shard.index}/${shard.count}: ${mine.length} of ${all.length} students)` : '';
  console.error(`syscall-katas grade: ${summaryLine(summary)}${which}`);
  console.error(`syscall-katas grade: gradebook ${written.gradebook}; reports in ${opts.outDir}${shard.count > 1 ? `; merge the shards with \`syscall-katas grade merge\`` : ''}`);
  for (const s of results) if (s.error) console.error(`syscall-katas grade: could not grade ${s.name}: ${s.error}`);
  const unavailable = new Map<string, number>();
  for (const s of results)
    for (const k of s.report?.katas.filter((x) => x.status === 'unavailable') ?? []) {
      const line = `${k.id}: ${k.reason ?? 'unavailable'}`;
      unavailable.set(line, (unavailable.get(line) ?? 0) + 1);
    }
  for (const [line, n] of unavailable) console.error(`syscall-katas grade: not graded here: ${line} (${n} student${n > 1 ? 's' : ''})`);
  return summary.errors || summary.unavailable ? 2 : 0;
}
