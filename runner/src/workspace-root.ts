// Where the learner's workspace is. `syscall-katas init [DIR]` marks a folder
// with .syscall-katas.json; every command finds it by walking up from the
// current directory, so progress does not depend on which subfolder the
// learner stands in, and a global install does not start a new course in
// every folder. SYSCALL_KATAS_WORKSPACE overrides (tests, instructors). A clone
// of the course with no marked folder around keeps its own ./workspace.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { validate } from './schema.js';

export const MARKER = '.syscall-katas.json';

export interface WorkspaceMarker {
  course: 'syscall-katas';
  formatVersion: 1;
  createdWith?: string;
}

export type Located =
  | { dir: string; how: 'env' | 'marker' | 'clone' }
  | { dir?: undefined; problem: string };

/** The package is installed (a dependency, global, npx), not a clone of the course. */
export function isInstalled(): boolean {
  // A function, not a constant: paths.ts and this module import each other.
  return repoRoot.split(path.sep).includes('node_modules');
}

export class WorkspaceError extends Error {}

/** The marker's content, validated; throws naming the file and field. */
export function readMarker(file: string): WorkspaceMarker {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WorkspaceError(`${file} is not a workspace marker: ${(e as Error).message}`);
  }
  const v = validate<WorkspaceMarker>('workspace.schema.json', data);
  if (!v.ok) throw new WorkspaceError(`${file}: ${v.error} (written by \`syscall-katas init\`; remove it or run init again in a new folder)`);
  return v.value;
}

/** The nearest folder from `from` upwards that holds a marker. */
export function findMarkedFolder(from = process.cwd()): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MARKER))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function locateWorkspace(from = process.cwd()): Located {
  const env = process.env.SYSCALL_KATAS_WORKSPACE;
  if (env) return { dir: path.resolve(env), how: 'env' };
  const marked = findMarkedFolder(from);
  if (marked) {
    readMarker(path.join(marked, MARKER));
    return { dir: marked, how: 'marker' };
  }
  if (!isInstalled()) return { dir: path.join(repoRoot, 'workspace'), how: 'clone' };
  return {
    problem: `no syscall-katas workspace in ${path.resolve(from)} or any folder above it. Create one with \`npx syscall-katas init\` (the folder ./syscall-katas) or \`npx syscall-katas init DIR\`, then run the commands from inside it (or set SYSCALL_KATAS_WORKSPACE=DIR)`,
  };
}

/** The learner's workspace; throws WorkspaceError (the fix in its message) when there is none. */
export function workspaceDir(): string {
  const w = locateWorkspace();
  if (w.dir === undefined) throw new WorkspaceError(w.problem);
  return w.dir;
}

/** How `next` and `doctor` name the workspace and why it is that one. */
export function describeWorkspace(w: Located = locateWorkspace()): string {
  if (w.dir === undefined) return w.problem;
  const why = { env: 'from SYSCALL_KATAS_WORKSPACE', marker: `marked by ${MARKER}`, clone: "the course clone's own; `syscall-katas init DIR` makes one elsewhere" }[w.how];
  return `${w.dir} (${why})`;
}

let graderCache = false;

/**
 * Grading someone else's files: builds, judges and probes are cached in the
 * grader's own cache from here on, never in a workspace found around the
 * current folder, which a submission can bring with it (a marker and a
 * forged .cache/build/…/outcome.json naming its own "judge").
 */
export function useGraderCache(): void {
  graderCache = true;
}

/**
 * Build and probe caches: the workspace's .cache when there is a workspace,
 * else the user's cache folder (an instructor grading from an install, `doctor`
 * before `init`).
 */
export function cacheDir(): string {
  const w = graderCache ? undefined : locateWorkspace();
  if (w?.dir !== undefined) return path.join(w.dir, '.cache');
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'syscall-katas');
}

/**
 * `syscall-katas init [DIR]`: marks DIR (created if needed) as a workspace.
 * Writes only the marker and a .gitignore for the cache, never a learner's
 * file: the starting files are copied on first use, as everywhere else.
 */
export function initWorkspace(dir: string, version: string): { dir: string; created: boolean; note?: string } {
  const abs = path.resolve(dir);
  const marker = path.join(abs, MARKER);
  if (existsSync(marker)) {
    readMarker(marker);
    return { dir: abs, created: false };
  }
  if (existsSync(abs) && readdirSync(abs).length > 0 && !readdirSync(abs).every((f) => f.endsWith('.c') || f.startsWith('.')))
    throw new WorkspaceError(`${abs} is not empty and not a workspace: pick a new folder (\`syscall-katas init DIR\`), or move what is there`);
  const outer = findMarkedFolder(path.dirname(abs));
  mkdirSync(abs, { recursive: true });
  const content: WorkspaceMarker = { course: 'syscall-katas', formatVersion: 1, createdWith: version };
  writeFileSync(marker, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx' });
  const ignore = path.join(abs, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# syscall-katas: build and probe caches, rebuilt on demand\n.cache/\n');
  return { dir: abs, created: true, note: outer ? `it is inside the workspace ${outer}: commands run under ${abs} use the new one` : undefined };
}
