// Where io_uring katas cannot run: the liburing calls each names (the list is
// its solution's, and the probe tells a call this liburing has from one it
// lacks), and an opcode the running kernel lacks, a run-time skip that makes
// the kata unavailable here, never failed.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKatas } from '../src/katas.js';
import { missingLiburingCalls } from '../src/liburing-calls.js';
import { solutionFile } from '../src/paths.js';
import { availabilityOf } from '../src/availability.js';
import { checkKata } from '../src/judge.js';
import { findKata } from '../src/katas.js';

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

describe('an opcode the kernel lacks', () => {
  it('makes the kata unavailable here, with the reason, and measures nothing after it', async (ctx) => {
    const kata = findKata('uring-nop');
    const avail = await availabilityOf(kata);
    if (!avail.available) ctx.skip(`uring-nop cannot run here at all: ${avail.reason}`);
    process.env.SYSCALL_KATAS_PRETEND_KERNEL_LACKS = '0'; // IORING_OP_NOP
    try {
      const r = await checkKata(kata, solutionFile(kata.id));
      expect(r.status).toBe('unavailable');
      expect(r.reason).toContain('lacks IORING_OP_NOP');
      expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(r.checks.filter((c) => c.kind === 'ns-per-call').every((c) => c.status === 'unavailable')).toBe(true);
    } finally {
      delete process.env.SYSCALL_KATAS_PRETEND_KERNEL_LACKS;
    }
  });
});
