// Where a submission's kata files are, in the layouts the course creates: a
// workspace (<kata-id>.c at the top), a Classroom template repository or a
// Gradescope upload (katas/<kata-id>.c). And what a class folder holds: a
// folder per student in either layout, or a single student's folder. A folder
// with no kata file at all is an error said out loud, never a 0.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export class SubmissionLayoutError extends Error {}

/** Sub-folders tried, in order, for a submission's kata files. */
const KATA_FOLDERS = ['.', 'katas'];

function present(file: string): boolean {
  try {
    lstatSync(file); // a link counts: grading says why it scores 0
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The folder of `dir` holding its kata files, or undefined when it holds none of `ids`. */
export function kataFolderOf(dir: string, ids: string[]): string | undefined {
  for (const sub of KATA_FOLDERS) {
    const folder = path.join(dir, sub);
    if (isDir(folder) && ids.some((id) => present(path.join(folder, `${id}.c`)))) return folder;
  }
  return undefined;
}

function expected(ids: string[]): string {
  const some = ids.slice(0, 2).map((id) => `${id}.c`).join(', ');
  return `expected files named <kata-id>.c (${some}${ids.length > 2 ? ', …' : ''}) in it or in its katas/ folder`;
}

/** A submission's kata folder; throws, naming the folder, when it has no kata file. */
export function submissionFolder(dir: string, ids: string[]): string {
  if (!isDir(dir)) throw new SubmissionLayoutError(`${dir}: not a folder`);
  const folder = kataFolderOf(dir, ids);
  if (!folder) throw new SubmissionLayoutError(`${dir} holds no kata file: ${expected(ids)}`);
  return folder;
}

export interface Student {
  name: string;
  /** The student's folder. */
  dir: string;
  /** Where their kata files are; absent when there are none (an error for that student). */
  folder?: string;
  problem?: string;
}

/**
 * The students of a class folder, sorted by name. A class folder that is
 * itself one student's submission is a class of one. Throws when it holds no
 * submission at all.
 */
export function studentsOf(root: string, ids: string[]): { students: Student[]; single: boolean } {
  if (!isDir(root)) throw new SubmissionLayoutError(`${root}: not a folder`);
  const own = kataFolderOf(root, ids);
  if (own) return { students: [{ name: path.basename(path.resolve(root)), dir: root, folder: own }], single: true };
  const names = readdirSync(root)
    .filter((d) => !d.startsWith('.') && isDir(path.join(root, d)))
    .sort();
  const students = names.map((name): Student => {
    const dir = path.join(root, name);
    const folder = kataFolderOf(dir, ids);
    return folder ? { name, dir, folder } : { name, dir, problem: `${dir} holds no kata file: ${expected(ids)}` };
  });
  if (!students.some((s) => s.folder))
    throw new SubmissionLayoutError(
      `${root} holds no submission: ${names.length ? `none of its ${names.length} folder${names.length > 1 ? 's' : ''} has a kata file` : 'it has no folder'} (${expected(ids)}, one folder per student)`,
    );
  return { students, single: false };
}
