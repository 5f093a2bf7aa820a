// The judge's records (fd 3): one JSON record per line, each validated
// against schemas/records.schema.json before it is believed.
//
// The judge is a process the learner's code never shares, and fd 3 is never
// open in the agent (native/judge/agent-process.c closes it before exec), so
// nothing the learner's code writes can become a record: a line that is not
// a valid record is a bug in the harness, and nothing after it is read.
import { validate } from './schema.js';

/** One timed operation: ns per call for each epoch, wall and CPU time. */
export interface Series {
  iters: number;
  /** Epochs re-run because the thread was descheduled. */
  rerun: number;
  /** Epochs kept although every retry was disturbed. */
  disturbed: number;
  wallNs: number[];
  cpuNs: number[];
  /** Median user-space instructions per call, where perf counters are allowed. */
  insnPerCall?: number;
}

export interface CountRow {
  name: string;
  compat: boolean;
  n: number;
  elsewhere: number;
  /** Of which returned an error (natively; absent from qemu's log). */
  errors?: number;
  /** Time from entry to exit as the judge's tracer saw it, tracing included (strace -c -w's figure). */
  tracedNs?: number;
}

export type HarnessRecord =
  | { t: 'hello'; v: 2; mode: 'cases' | 'bench' | 'count' | 'trace'; arch: string }
  | { t: 'begin' | 'end'; case: string }
  | { t: 'expect'; case: string; what: string; kind: 'i64' | 'bytes' | 'bool'; expected: string; got: string; detail?: string }
  | { t: 'note'; case: string; text: string }
  | { t: 'error'; case: string; message: string }
  | { t: 'unsupported'; case: string; message: string }
  | { t: 'agent'; case: string; how: 'timeout' | 'exit' | 'signal' | 'closed' | 'protocol' | 'lockdown'; code?: number; signal?: number }
  | { t: 'leftover'; case: string; count: number; pids?: number[] }
  | {
      t: 'bench';
      name: string;
      pinnedCpu: number;
      overheadNs: number;
      roundTripNs?: number;
      /** The agent's syscalls per call while timed (a perf tracepoint), where the kernel counts them. */
      syscallsPerCall?: number;
      /** What was wrong with an answer the learner's code gave while timed (the bench's check). */
      invalid?: string;
      learner: Series;
      reference: Series;
      references: Record<string, number>;
    }
  | {
      t: 'count';
      name: string;
      calls: number;
      traced: boolean;
      total: number;
      elsewhere: number;
      syscalls: CountRow[];
      /** What was wrong with the counted call's answer, or with what the kernel counted meanwhile (the count's check). */
      invalid?: string;
    }
  | { t: 'crash'; case: string; signal: number; addr: string; pc: string; sp: string; learnerOffset?: string; mainThread: boolean; stack?: 'inside' | 'outside' | 'unknown' }
  | { t: 'tables'; cases: string[]; benches: string[]; counts: string[]; benchLoops?: string[]; countLoops?: string[] }
  | { t: 'done' };

export interface ParsedChannel {
  records: HarnessRecord[];
  /** Set when a line is not a record: nothing after it is believed. */
  corrupt?: string;
}

export function parseChannel(text: string): ParsedChannel {
  const records: HarnessRecord[] = [];
  const lines = text.split('\n');
  // After the last newline: nothing, or a line cut off mid-write (the judge was killed), ignored.
  lines.pop();
  for (const [i, line] of lines.entries()) {
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
