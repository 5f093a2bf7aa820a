// Where things live: the repository (pristine katas, native harness, schemas)
// and the learner's workspace (their copies, state, build cache).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: runner/dist/paths.js -> ../../ */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const exercisesDir = path.join(repoRoot, 'exercises');
export const solutionsDir = path.join(repoRoot, 'solutions');
export const nativeDir = path.join(repoRoot, 'native');
export const schemasDir = path.join(repoRoot, 'schemas');
export const courseFile = path.join(exercisesDir, 'course.json');

/** The learner's copies live apart from the pristine files so that `reset`
 * and `verify` always have the originals. SYSCALL_KATAS_WORKSPACE moves it
 * (tests, instructors grading a folder of submissions). */
export function workspaceDir(): string {
  if (process.env.SYSCALL_KATAS_WORKSPACE) return path.resolve(process.env.SYSCALL_KATAS_WORKSPACE);
  // Installed as a dependency, the package folder is no place for the learner's work.
  const installed = repoRoot.split(path.sep).includes('node_modules');
  return installed ? path.resolve('syscall-katas-workspace') : path.join(repoRoot, 'workspace');
}

export function exerciseFile(id: string): string {
  return path.join(exercisesDir, id, 'exercise.c');
}

export function solutionFile(id: string): string {
  return path.join(solutionsDir, id, 'exercise.c');
}

export function driverFile(id: string): string {
  return path.join(exercisesDir, id, 'check.c');
}

export function instructionsFile(id: string): string {
  return path.join(exercisesDir, id, 'README.md');
}

export function manifestFile(id: string): string {
  return path.join(exercisesDir, id, 'kata.json');
}

export function learnerFile(id: string, workspace = workspaceDir()): string {
  return path.join(workspace, `${id}.c`);
}

/** How a path appears in messages: as the learner would type it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
