// Loads the kata set: exercises/course.json (the order) and every
// exercises/<id>/kata.json, each validated against its schema. A broken file
// fails loudly, naming the file and the field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CourseFile, Kata, KataManifest } from './manifest.js';
import { isKnownGroup } from './syscall-groups.js';
import { courseFile, exercisesDir, manifestFile, repoRoot } from './paths.js';
import { validate } from './schema.js';

export class KataSetError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${path.relative(process.cwd(), file) || file}: ${problem}`);
    this.name = 'KataSetError';
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KataSetError(file, 'cannot be read (missing?)');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KataSetError(file, `is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadManifest(file: string, expectedId?: string): KataManifest {
  const checked = validate<KataManifest>('kata.schema.json', readJson(file));
  if (!checked.ok) throw new KataSetError(file, checked.error);
  const m = checked.value;
  if (expectedId !== undefined && m.id !== expectedId)
    throw new KataSetError(file, `id: "${m.id}" must match its folder name "${expectedId}"`);
  for (const [i, check] of m.checks.entries()) {
    if (check.kind !== 'cases' && m.build?.mode === 'nostdlib')
      throw new KataSetError(file, `checks[${i}].kind: a nostdlib kata's agent has no runtime to serve timing or counting runs; only cases apply`);
    if (check.kind === 'syscall-count') {
      const unknown = check.syscalls.find((n) => !isKnownGroup(n));
      if (unknown) throw new KataSetError(file, `checks[${i}].syscalls: "${unknown}" is no group the runner knows (runner/src/syscall-groups.ts)`);
    }
  }
  for (const [i, f] of (m.forbiddenInstructions ?? []).entries()) {
    try {
      new RegExp(f.pattern);
    } catch {
      throw new KataSetError(file, `forbiddenInstructions[${i}].pattern: not a valid regular expression`);
    }
  }
  return m;
}

export interface KataSet {
  katas: Kata[];
  byId: Map<string, Kata>;
  tracks: CourseFile['tracks'];
}

let cached: KataSet | undefined;

/** The whole set, in course order. */
export function loadKatas(): KataSet {
  if (cached) return cached;
  const checked = validate<CourseFile>('course.schema.json', readJson(courseFile));
  if (!checked.ok) throw new KataSetError(courseFile, checked.error);
  const course = checked.value;
  const tracks = new Map(course.tracks.map((t) => [t.id, t]));
  const katas: Kata[] = course.order.map((id, i) => {
    const file = manifestFile(id);
    if (!existsSync(file)) throw new KataSetError(courseFile, `order[${i}]: "${id}" has no ${path.relative(repoRoot, file)}`);
    const m = loadManifest(file, id);
    const track = tracks.get(m.track);
    if (!track) throw new KataSetError(file, `track: "${m.track}" is not one of the tracks in exercises/course.json`);
    return { ...m, trackTitle: track.title, dir: path.dirname(file) };
  });
  const listed = new Set(course.order);
  for (const entry of readdirSync(exercisesDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !listed.has(entry.name))
      throw new KataSetError(courseFile, `order: exercises/${entry.name} exists but is not listed`);
  }
  cached = { katas, byId: new Map(katas.map((k) => [k.id, k])), tracks: course.tracks };
  return cached;
}

export function findKata(id: string): Kata {
  const set = loadKatas();
  const kata = set.byId.get(id);
  if (!kata) {
    const near = set.katas.filter((k) => k.id.includes(id) || id.includes(k.id)).map((k) => k.id);
    throw new Error(`No kata "${id}".${near.length ? ` Did you mean ${near.join(', ')}?` : ''} \`syscall-katas list\` shows them all.`);
  }
  return kata;
}
