// The results channel (fd 3): one JSON record per line from the harness,
// each validated against schemas/records.schema.json before it is believed.
//
// Authentication: the runner draws a fresh random key for every run
// (newRunKey) and hands it to the harness in a file the harness reads,
// unlinks and forgets the path of before any learner code runs. Each record
// the harness writes then ends with its sequence number and an HMAC-SHA256 of
// the line up to the MAC (see native/harness/harness.c):
//   {"t":"begin","case":"pipe","seq":1,"mac":"<32 hex digits>"}
// parseChannel(text, key) believes a line only if its MAC matches and its
// sequence number is the next one due; the first line that fails stops the
// parse, and `corrupt` says why. Without a key (a channel written by hand, or
// by an older harness) only the schema is checked.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /** Median user-space instructions per call, where perf counters are allowed. */
  insnPerCall?: number;
}

/** Present on every record of an authenticated channel. */
interface Sealed {
  seq?: number;
  mac?: string;
}

export type HarnessRecord = Sealed &
  (
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
    | { t: 'crash'; case: string; signal: number; addr: string; pc: string; sp: string; stack: 'inside' | 'outside' | 'unknown' }
    | { t: 'done' }
  );

export interface ParsedChannel {
  records: HarnessRecord[];
  /** Set when a line is not a record the harness wrote: nothing after it is believed. */
  corrupt?: string;
}

/** Bytes of key per run. */
export const RUN_KEY_BYTES = 32;

/** A fresh key for one run. */
export function newRunKey(): Buffer {
  return randomBytes(RUN_KEY_BYTES);
}

const MAC_FIELD = ',"mac":"';
/** The MAC is the first 128 bits of the HMAC, in hex. */
const MAC_HEX_CHARS = 32;

/** The MAC the harness puts on a line whose text before ',"mac":' is `signed`. */
export function recordMac(key: Buffer, signed: string): string {
  return createHmac('sha256', key).update(signed, 'utf8').digest('hex').slice(0, MAC_HEX_CHARS);
}

/** Why a line's MAC cannot be believed, or undefined when it is good. */
function macProblem(line: string, key: Buffer): string | undefined {
  const at = line.lastIndexOf(MAC_FIELD);
  if (at < 0) return 'it carries no MAC: the harness did not write it';
  const mac = line.slice(at + MAC_FIELD.length, -2);
  if (!line.endsWith('"}') || !/^[0-9a-f]{32}$/.test(mac)) return 'its MAC is malformed: the harness did not write it';
  const want = Buffer.from(recordMac(key, line.slice(0, at)), 'hex');
  if (!timingSafeEqual(want, Buffer.from(mac, 'hex'))) return 'its MAC does not match: the harness did not write it';
  return undefined;
}

export function parseChannel(text: string, key?: Buffer): ParsedChannel {
  const records: HarnessRecord[] = [];
  const lines = text.split('\n');
  // After the last newline: nothing, or a line cut off mid-write (a crash), ignored.
  lines.pop();
  for (const [i, line] of lines.entries()) {
    if (line === '') {
      // The harness never writes an empty line; only a forger (or a truncation) does.
      if (key) return { records, corrupt: `line ${i + 1} is empty` };
      continue;
    }
    if (key) {
      const bad = macProblem(line, key);
      if (bad) return { records, corrupt: `line ${i + 1}: ${bad}` };
    }
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return { records, corrupt: `line ${i + 1} is not JSON` };
    }
    const checked = validate<HarnessRecord>('records.schema.json', data);
    if (!checked.ok) return { records, corrupt: `line ${i + 1}: ${checked.error}` };
    if (key) {
      const seq = checked.value.seq;
      if (seq !== records.length)
        return {
          records,
          corrupt:
            seq === undefined
              ? `line ${i + 1} has no sequence number`
              : `line ${i + 1} is out of sequence (record ${seq} where ${records.length} was due): records were repeated, dropped or reordered`,
        };
    }
    records.push(checked.value);
  }
  return { records };
}
