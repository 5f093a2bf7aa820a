// A class's results, from one run or merged from shards (`grade merge
// DIR…`): the gradebook (CSV), one JUnit report and one markdown report for
// the whole class, and a summary line. Shard results come from CI artifacts,
// so every one is validated (schemas/grade-class.schema.json, and each report
// against grade-report.schema.json) before it is believed.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { validate } from '../schema.js';
import type { GradeReport } from './model.js';
import { addReport, newJunitBuilder } from './reporters/junit.js';

export const CLASS_RESULTS = 'results.json';

export interface StudentResult {
  name: string;
  report?: GradeReport;
  error?: string;
}

export interface ClassResults {
  formatVersion: 1;
  shard: { index: number; count: number; classSize: number };
  katas: string[];
  students: StudentResult[];
}

export class MergeError extends Error {}

export interface ClassSummary {
  students: number;
  graded: number;
  errors: number;
  /** Graded students with at least one kata this machine could not run. */
  unavailable: number;
  meanScore: number;
  maxScore: number;
  meanPercent: number;
}

export function summaryOf(results: ClassResults): ClassSummary {
  const graded = results.students.flatMap((s) => (s.report ? [s.report] : []));
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : 0);
  return {
    students: results.students.length,
    graded: graded.length,
    errors: results.students.filter((s) => s.error).length,
    unavailable: graded.filter((r) => r.ungraded.length > 0).length,
    meanScore: mean(graded.map((r) => r.score)),
    maxScore: graded[0]?.maxScore ?? 0,
    meanPercent: mean(graded.map((r) => r.percentage)),
  };
}

export function summaryLine(s: ClassSummary): string {
  return `${s.graded} of ${s.students} graded, ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.unavailable} with katas not graded here; mean score ${s.meanScore} / ${s.maxScore} (${s.meanPercent}%)`;
}

function statusOf(s: StudentResult): string {
  if (s.error) return `error: ${s.error}`;
  const r = s.report!;
  return r.ungraded.length ? `not graded here: ${r.ungraded.join(' ')}` : 'graded';
}

export function gradebookCsv(results: ClassResults): string {
  const rows = results.students.map((s) => {
    const r = s.report;
    return [s.name, r?.score ?? '', r?.maxScore ?? '', r?.percentage ?? '', ...results.katas.map((id) => r?.katas.find((k) => k.id === id)?.score ?? ''), statusOf(s)];
  });
  return stringify(rows, { header: true, columns: ['student', 'score', 'max_score', 'percent', ...results.katas, 'status'] });
}

function classJunit(results: ClassResults): string {
  const builder = newJunitBuilder('syscall-katas class');
  for (const s of results.students) {
    if (s.report) addReport(builder, s.report, s.name);
    else builder.testSuite().name(s.name).property('student', s.name).testCase().className(s.name).name(`${s.name}: submission`).error(s.error ?? 'not graded', 'submission');
  }
  return builder.build();
}

/** Markdown table cell: no pipe, backtick or newline of a name or message breaks the table. */
const cell = (t: string) => t.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'");

function classMarkdown(results: ClassResults): string {
  const s = summaryOf(results);
  const lines = [
    `## syscall-katas class: ${s.graded} of ${s.students} graded, mean ${s.meanScore} / ${s.maxScore} (${s.meanPercent}%)`,
    '',
    `| student | score | percent | ${results.katas.join(' | ')} | status |`,
    `|---|---:|---:|${results.katas.map(() => '---:|').join('')}---|`,
  ];
  for (const st of results.students) {
    const r = st.report;
    const perKata = results.katas.map((id) => (r ? String(r.katas.find((k) => k.id === id)?.score ?? '') : ''));
    lines.push(`| ${cell(st.name)} | ${r ? `${r.score} / ${r.maxScore}` : ''} | ${r ? `${r.percentage}%` : ''} | ${perKata.join(' | ')} | ${cell(statusOf(st))} |`);
  }
  lines.push('', summaryLine(s), '');
  return lines.join('\n');
}

export interface ClassOutputs {
  gradebook: string;
  junit: string;
  markdown: string;
}

/** Writes the class's gradebook, JUnit and markdown reports into outDir (the gradebook where asked). */
export function writeClassOutputs(results: ClassResults, outDir: string, gradebook = path.join(outDir, 'gradebook.csv')): ClassOutputs {
  mkdirSync(outDir, { recursive: true });
  const out = { gradebook: path.resolve(gradebook), junit: path.join(outDir, 'class.xml'), markdown: path.join(outDir, 'class.md') };
  writeFileSync(out.gradebook, gradebookCsv(results));
  writeFileSync(out.junit, classJunit(results));
  writeFileSync(out.markdown, classMarkdown(results));
  return out;
}

function readShard(where: string): ClassResults {
  const file = statSync(where, { throwIfNoEntry: false })?.isDirectory() ? path.join(where, CLASS_RESULTS) : where;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MergeError(`${file}: cannot be read as JSON: ${(e as Error).message}`);
  }
  const checked = validate<ClassResults>('grade-class.schema.json', data);
  if (!checked.ok) throw new MergeError(`${file}: ${checked.error}`);
  for (const [i, s] of checked.value.students.entries()) {
    if (!s.report) continue;
    const r = validate<GradeReport>('grade-report.schema.json', s.report);
    if (!r.ok) throw new MergeError(`${file}: students[${i}].report: ${r.error}`);
  }
  return checked.value;
}

/** Combines shard results into the class's: every shard of one split, once, of the same katas. */
export function mergeShards(wheres: string[]): ClassResults {
  if (wheres.length === 0) throw new MergeError('no shard results given: name the folders (or results.json files) the shards wrote');
  const shards = wheres.map((w) => ({ where: w, results: readShard(w) }));
  const first = shards[0]!.results;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const { where, results } of shards) {
    if (results.shard.count !== count) throw new MergeError(`${where}: shard ${results.shard.index}/${results.shard.count}, where ${wheres[0]} is one of ${count}`);
    if (results.shard.classSize !== first.shard.classSize) throw new MergeError(`${where}: a class of ${results.shard.classSize}, where ${wheres[0]} has ${first.shard.classSize}: not the same class folder`);
    if (results.katas.join(',') !== first.katas.join(',')) throw new MergeError(`${where}: graded ${results.katas.join(', ')}, where ${wheres[0]} graded ${first.katas.join(', ')}`);
    const again = seen.get(results.shard.index);
    if (again) throw new MergeError(`${where}: shard ${results.shard.index}/${count} is also in ${again}`);
    seen.set(results.shard.index, where);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the gradebook would leave students out`);
  const students = shards.flatMap((s) => s.results.students).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < students.length; i++) if (students[i]!.name === students[i - 1]!.name) throw new MergeError(`student ${students[i]!.name} is in two shards`);
  if (students.length !== first.shard.classSize) throw new MergeError(`the shards hold ${students.length} students, the class ${first.shard.classSize}`);
  return { formatVersion: 1, shard: { index: 1, count: 1, classSize: first.shard.classSize }, katas: first.katas, students };
}
