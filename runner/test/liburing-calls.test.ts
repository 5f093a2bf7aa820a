// The liburing calls each io_uring kata names: the list is its solution's, and
// the probe tells a call this liburing has from one it lacks.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKatas } from '../src/katas.js';
import { missingLiburingCalls } from '../src/liburing-calls.js';
import { solutionFile } from '../src/paths.js';

const withLiburing = loadKatas().katas.filter((k) => (k.requires ?? []).includes('liburing'));

describe('liburingCalls', () => {
  it.each(withLiburing.map((k) => [k.id, k] as const))('%s names exactly the liburing calls its solution makes', (_id, kata) => {
    const src = readFileSync(solutionFile(kata.id), 'utf8');
    const called = [...new Set([...src.matchAll(/\b(io_uring_[a-z0-9_]+)\s*\(/g)].map((m) => m[1]!))].filter((n) => n !== 'io_uring_enter').sort();
    expect([...(kata.liburingCalls ?? [])].sort()).toEqual(called);
  });

  it.runIf(existsSync('/usr/include/liburing.h'))('the probe finds what liburing has and names what it lacks', async () => {
    const { missing } = await missingLiburingCalls(['io_uring_queue_init', 'io_uring_for_each_cqe', 'io_uring_prep_nop', 'io_uring_no_such_call']);
    expect(missing).toEqual(['io_uring_no_such_call']);
  });
});
