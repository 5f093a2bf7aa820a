// The course config an instructor grades with (schemas/course-config.schema.json),
// with its defaults filled in.
import { readFileSync } from 'node:fs';
import { findKata, KataSetError, loadKatas } from '../katas.js';
import type { Kata } from '../manifest.js';
import { validate } from '../schema.js';

interface CourseConfigFile {
  formatVersion: 1;
  katas?: { id: string; points?: number; performanceShare?: number }[];
  budgetScale?: number;
  timeoutMs?: number;
  kataTimeoutMs?: number;
  showMessages?: boolean;
}

export interface GradedKataSpec {
  kata: Kata;
  points: number;
  performanceShare: number;
}

export interface GradeConfig {
  katas: GradedKataSpec[];
  budgetScale?: number;
  timeoutMs?: number;
  kataTimeoutMs: number;
  showMessages: boolean;
}

const DEFAULT_POINTS = 10;
const DEFAULT_PERFORMANCE_SHARE = 0.3;

function hasBudgets(kata: Kata): boolean {
  return kata.checks.some((c) => c.kind === 'ns-per-call' || c.kind === 'syscall-count');
}

export function loadGradeConfig(file?: string, onlyIds?: string[]): GradeConfig {
  let cfg: CourseConfigFile = { formatVersion: 1 };
  if (file) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new KataSetError(file, `cannot be read as JSON: ${(e as Error).message}`);
    }
    const checked = validate<CourseConfigFile>('course-config.schema.json', data);
    if (!checked.ok) throw new KataSetError(file, checked.error);
    cfg = checked.value;
  }
  const entries: NonNullable<CourseConfigFile['katas']> = cfg.katas ?? loadKatas().katas.map((k) => ({ id: k.id }));
  const specs = entries.map((e, i) => {
    let kata: Kata;
    try {
      kata = findKata(e.id);
    } catch (err) {
      throw new KataSetError(file ?? 'course config', `katas[${i}].id: ${(err as Error).message}`);
    }
    return { kata, points: e.points ?? DEFAULT_POINTS, performanceShare: e.performanceShare ?? (hasBudgets(kata) ? DEFAULT_PERFORMANCE_SHARE : 0) };
  });
  return {
    katas: onlyIds?.length ? onlyIds.map((id) => specs.find((s) => s.kata.id === id) ?? { kata: findKata(id), points: DEFAULT_POINTS, performanceShare: hasBudgets(findKata(id)) ? DEFAULT_PERFORMANCE_SHARE : 0 }) : specs,
    budgetScale: cfg.budgetScale,
    timeoutMs: cfg.timeoutMs,
    kataTimeoutMs: cfg.kataTimeoutMs ?? 120_000,
    showMessages: cfg.showMessages ?? true,
  };
}
