// The learner's workspace: their copy of each starting file, backups made
// before anything overwrites one, and what they have passed. Pristine files
// in exercises/ are never written.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kata } from './manifest.js';
import { exerciseFile, learnerFile, workspaceDir } from './paths.js';

export type Progress = 'done' | 'failing' | 'not-started';

interface KataState {
  /** Hash of the file as it was when it last passed. */
  passedHash?: string;
  /** Hash and verdict of the last check. */
  checkedHash?: string;
  lastStatus?: string;
  hintsShown?: number;
  /** `next` has shown this kata's instructions once: later runs show the verdict alone. */
  instructionsShown?: boolean;
}

interface State {
  version: 1;
  katas: Record<string, KataState>;
}

function stateFile(): string {
  return path.join(workspaceDir(), '.state.json');
}

function hashFile(p: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(p)).digest('hex');
  } catch {
    return undefined;
  }
}

export function readState(): State {
  try {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as State;
    if (s.version === 1 && s.katas) return s;
  } catch {
    /* first run, or a damaged file: start over (files are untouched) */
  }
  return { version: 1, katas: {} };
}

function writeState(s: State): void {
  mkdirSync(workspaceDir(), { recursive: true });
  const tmp = `${stateFile()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(tmp, stateFile());
}

function update(id: string, change: (k: KataState) => void): void {
  const s = readState();
  const k = (s.katas[id] ??= {});
  change(k);
  writeState(s);
}

/** The learner's file for a kata, copied from the pristine one on first use. */
export function ensureLearnerFile(kata: Kata): string {
  const file = learnerFile(kata.id);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(exerciseFile(kata.id), file);
  }
  return file;
}

export function progressOf(kata: Kata, state = readState()): Progress {
  const file = learnerFile(kata.id);
  const current = hashFile(file);
  if (!current || current === hashFile(exerciseFile(kata.id))) return 'not-started';
  return state.katas[kata.id]?.passedHash === current ? 'done' : 'failing';
}

export function recordCheck(kata: Kata, file: string, status: string): void {
  const hash = hashFile(file);
  update(kata.id, (k) => {
    k.checkedHash = hash;
    k.lastStatus = status;
    if (status === 'pass') k.passedHash = hash;
  });
}

/** Restores the starting file; the learner's version is kept as a backup. */
export function resetLearnerFile(kata: Kata): { file: string; backup?: string } {
  const file = learnerFile(kata.id);
  let backup: string | undefined;
  if (existsSync(file)) {
    const dir = path.join(workspaceDir(), '.backup');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    backup = path.join(dir, `${kata.id}.${stamp}.c`);
    copyFileSync(file, backup);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(exerciseFile(kata.id), file);
  update(kata.id, (k) => {
    delete k.passedHash;
    delete k.checkedHash;
    delete k.lastStatus;
  });
  return { file, backup };
}

/** Hints are revealed one at a time; returns the index of the one to show. */
export function nextHintIndex(kata: Kata): number {
  let shown = 0;
  update(kata.id, (k) => {
    shown = Math.min(k.hintsShown ?? 0, kata.hints.length - 1);
    k.hintsShown = Math.min((k.hintsShown ?? 0) + 1, kata.hints.length);
  });
  return shown;
}

/** True the first time a kata is met (its instructions are due), and records that they were shown. */
export function firstMeeting(kata: Kata): boolean {
  if (readState().katas[kata.id]?.instructionsShown) return false;
  update(kata.id, (k) => {
    k.instructionsShown = true;
  });
  return true;
}
