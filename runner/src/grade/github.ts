// GitHub Actions integration: failures as ::error annotations on the
// student's file, the markdown summary appended to $GITHUB_STEP_SUMMARY, the
// classroom result in $GITHUB_OUTPUT. Student text can never become a workflow
// command: annotation text is escaped as the Actions toolkit does, and any
// further student output is printed between ::stop-commands:: markers with a
// random token, as GitHub's own graders do.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { GradeReport } from './model.js';

/** The toolkit's escapeData: a message cannot end the line it is on. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The toolkit's escapeProperty: a property cannot open another. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** "katas/x86-write.c:12:5: error: …" -> 12 */
function lineOf(message: string | undefined, file: string): number | undefined {
  if (!message) return undefined;
  const at = message.indexOf(`${file}:`);
  if (at < 0) return undefined;
  const m = /^:(\d+)/.exec(message.slice(at + file.length));
  return m ? Number(m[1]) : undefined;
}

export function annotations(report: GradeReport): string[] {
  const lines: string[] = [];
  for (const k of report.katas) {
    const failing = k.checks.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'inconclusive');
    if (k.checks.length === 0 && k.status !== 'pass') failing.push({ name: k.status, kind: 'compile', arch: 'x86_64', status: 'fail', part: 'build', score: 0, maxScore: k.maxScore, message: k.reason });
    for (const c of failing) {
      const line = lineOf(c.message, k.file);
      const props = [`file=${escapeProperty(k.file)}`, ...(line ? [`line=${line}`] : []), `title=${escapeProperty(`${k.id}: ${c.name}`)}`].join(',');
      const level = c.status === 'error' ? 'warning' : 'error';
      lines.push(`::${level} ${props}::${escapeData(report.messagesShown ? c.message ?? c.status : c.status)}`);
    }
  }
  return lines;
}

/** Student-derived text, printed so that no line of it is read as a command. */
export function quarantined(text: string): string {
  const token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${text.replace(/\n?$/, '\n')}::${token}::`;
}

export function publishToGitHub(report: GradeReport, markdown: string, classroomJson: string): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `result=${Buffer.from(classroomJson).toString('base64')}\n`);
  for (const a of annotations(report)) console.log(a);
}
