// The results channel (fd 3): one JSON record per line from the harness,
// each validated against schemas/records.schema.json before it is believed.
import { validate } from './schema.js';

/** One timed operation: ns per call for each epoch, wall and thread CPU time. */
export interface Series {
  iters: number;
  /** Epochs re-run because the thread was descheduled. */
  rerun: number;
  /** Epochs kept although every retry was disturbed. */
  disturbed: number;
  wallNs: number[];
  cpuNs: number[];
}

export type HarnessRecord =
  | { t: 'hello'; v: 1; mode: 'cases' | 'bench' | 'count'; arch: string }
  | { t: 'begin' | 'end'; case: string }
  | { t: 'expect'; case: string; what: string; kind: 'i64' | 'bytes' | 'bool'; expected: string; got: string; detail?: string }
  | { t: 'note'; case: string; text: string }
  | {
      t: 'bench';
      name: string;
      pinnedCpu: number;
      overheadNs: number;
      learner: Series;
      reference: Series;
      references: Record<string, number>;
    }
  | { t: 'done' };

export interface ParsedChannel {
  records: HarnessRecord[];
  /** Set when a line is not a record the harness writes: nothing after it is believed. */
  corrupt?: string;
}

export function parseChannel(text: string): ParsedChannel {
  const records: HarnessRecord[] = [];
  const lines = text.split('\n');
  // A last line without its newline was cut off mid-write (a crash): ignore it.
  if (lines.length && !text.endsWith('\n')) lines.pop();
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return { records, corrupt: `line ${i + 1} is not JSON` };
    }
    const checked = validate<HarnessRecord>('records.schema.json', data);
    if (!checked.ok) return { records, corrupt: `line ${i + 1}: ${checked.error}` };
    records.push(checked.value);
  }
  return { records };
}
