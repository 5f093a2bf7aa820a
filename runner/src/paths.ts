// Where things live: the repository (pristine katas, native harness, schemas)
// and the learner's workspace (their copies, state, build cache).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceDir } from './workspace-root.js';

/** The package root: runner/dist/paths.js -> ../../ */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const exercisesDir = path.join(repoRoot, 'exercises');
export const solutionsDir = path.join(repoRoot, 'solutions');
export const nativeDir = path.join(repoRoot, 'native');
export const schemasDir = path.join(repoRoot, 'schemas');
export const courseFile = path.join(exercisesDir, 'course.json');

/** The learner's copies live apart from the pristine files so that `reset`
 * and `verify` always have the originals: workspace-root.ts finds them. */
export { cacheDir, workspaceDir } from './workspace-root.js';

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
