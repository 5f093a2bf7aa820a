// The learner's budget history: after each check of their workspace file, the
// figures of its budget checks (ns/call, syscall counts) are appended to
// workspace/.history.json, so that `report` can draw them over attempts. The
// file is the learner's to edit, so it is validated (ajv) whenever it is read,
// and kept short: the last MAX_PER_CHECK attempts of each check.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Arch } from '../manifest.js';
import { displayPath, workspaceDir } from '../paths.js';
import type { CheckStatus, KataResult } from '../result.js';
import { validate } from '../schema.js';

export const MAX_PER_CHECK = 30;
/** schemas/history.schema.json's maxItems: what the file may hold whatever it says. */
export const MAX_ATTEMPTS = 2000;

interface AttemptBase {
  at: string;
  kata: string;
  /** The check's name in the result, e.g. "getppid ns/call". */
  check: string;
  arch: Arch;
  status: CheckStatus;
}
export interface TimingAttempt extends AttemptBase {
  kind: 'ns-per-call';
  nsPerCall: number;
  referenceNsPerCall: number;
  budgetNs: number;
  reference: string;
  unstable: boolean;
}
export interface CountAttempt extends AttemptBase {
  kind: 'syscall-count';
  counted: number;
  limit: number;
  rule: 'exactly' | 'at most';
  calls: number;
}
export type Attempt = TimingAttempt | CountAttempt;

export interface History {
  formatVersion: 1;
  attempts: Attempt[];
}

export const historyFile = (workspace = workspaceDir()) => path.join(workspace, '.history.json');

export type HistoryRead = { history: History; problem?: string };

/** The history, or an empty one and what was wrong with the file (naming the field). */
export function readHistory(file = historyFile()): HistoryRead {
  const empty: History = { formatVersion: 1, attempts: [] };
  if (!existsSync(file)) return { history: empty };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { history: empty, problem: `${displayPath(file)} is not valid JSON (${(e as Error).message})` };
  }
  const checked = validate<History>('history.schema.json', data);
  if (!checked.ok) return { history: empty, problem: `${displayPath(file)}: ${checked.error}` };
  return { history: checked.value };
}

/** The figures a result carries, as history entries. Checks without figures (cases, skipped budgets) leave none. */
export function attemptsOf(result: KataResult, at = new Date()): Attempt[] {
  const base = (c: KataResult['checks'][number]) => ({ at: at.toISOString(), kata: result.id, check: c.name.slice(0, 200), arch: c.arch, status: c.status });
  return result.checks.flatMap((c): Attempt[] => {
    if (c.kind === 'ns-per-call' && c.budget)
      return [
        {
          kind: 'ns-per-call',
          ...base(c),
          nsPerCall: c.budget.nsPerCall,
          referenceNsPerCall: c.budget.referenceNsPerCall,
          budgetNs: c.budget.budgetNs,
          reference: c.budget.reference.slice(0, 200),
          unstable: c.budget.unstable,
        },
      ];
    if (c.kind === 'syscall-count' && c.syscalls)
      return [{ kind: 'syscall-count', ...base(c), counted: c.syscalls.counted, limit: c.syscalls.limit, rule: c.syscalls.rule, calls: c.syscalls.calls }];
    return [];
  });
}

/** Keeps the last MAX_PER_CHECK attempts of each (kata, check, arch), oldest first. */
export function bounded(attempts: Attempt[]): Attempt[] {
  const seen = new Map<string, number>();
  const kept: Attempt[] = [];
  for (let i = attempts.length - 1; i >= 0 && kept.length < MAX_ATTEMPTS; i--) {
    const a = attempts[i]!;
    const key = `${a.kata}\0${a.check}\0${a.arch}`;
    const n = seen.get(key) ?? 0;
    if (n >= MAX_PER_CHECK) continue;
    seen.set(key, n + 1);
    kept.push(a);
  }
  return kept.reverse();
}

/**
 * Appends a check's figures. A history that does not validate is moved aside
 * (never silently overwritten: it is the learner's file) and a new one begun;
 * the returned string says so.
 */
export function recordAttempts(result: KataResult, workspace = workspaceDir()): string | undefined {
  const fresh = attemptsOf(result);
  if (fresh.length === 0) return undefined;
  const file = historyFile(workspace);
  const { history, problem } = readHistory(file);
  let note: string | undefined;
  if (problem) {
    const backup = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bad`;
    copyFileSync(file, backup);
    note = `${problem}: kept as ${displayPath(backup)}, and a new history begun`;
  }
  const next: History = { formatVersion: 1, attempts: bounded([...history.attempts, ...fresh]) };
  mkdirSync(workspace, { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next)}\n`);
  renameSync(tmp, file);
  return note;
}
