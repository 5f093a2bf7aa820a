#!/usr/bin/env node
// The io_uring track's figures, measured here: for each kata, the reference
// solution and the naive loop it replaces (its wrong fixture), checked by the
// runner (`check --file … --json`): io_uring_enter and read/write calls per
// run, ns per operation and the ratio to the reference timed in the same run.
// Then the NOP curve (native/bench/uring-nops.c): ns per request at each batch
// size against a null syscall. Medians of several runs: the machine is shared
// and noisy, so ratios matter more than absolute times.
//
//   node runner/bench/uring-cost.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const runs = Number(process.argv[2] ?? 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const check = (id, file) => {
  const r = spawnSync(process.execPath, [cli, 'check', id, '--file', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { status: 'error', checks: [] };
  }
};
const solution = (id) => path.join(repo, 'solutions', id, 'exercise.c');
const fixture = (id, name) => path.join(repo, 'runner', 'test', 'fixtures', 'wrong', id, name, 'exercise.c');

/** What one submission does: each count's figure, each bench's ns/op and ratio. */
function figures(id, file) {
  const counts = new Map(), benches = new Map();
  let status;
  for (let i = 0; i < runs; i++) {
    const r = check(id, file);
    status = r.status;
    for (const c of r.checks ?? []) {
      if (c.status === 'unavailable') status = `unavailable (${c.message})`;
      if (c.kind === 'syscall-count' && c.syscalls) {
        const key = `${c.syscalls.syscalls.join('+')} (${c.name.match(/\(([^)]+)\)$/)?.[1] ?? 'run'})`;
        counts.set(key, [...(counts.get(key) ?? []), c.syscalls.counted / c.syscalls.calls]);
      }
      if (c.kind === 'ns-per-call' && c.budget) {
        const b = benches.get(c.name) ?? { ns: [], ref: [], ratio: [], reference: c.budget.reference };
        b.ns.push(c.budget.nsPerCall);
        b.ref.push(c.budget.referenceNsPerCall);
        b.ratio.push(c.budget.nsPerCall / c.budget.referenceNsPerCall);
        benches.set(c.name, b);
      }
    }
  }
  return { status, counts, benches };
}

const katas = [
  ['uring-read', 'naive-loop'],
  ['uring-batch', 'naive-loop'],
  ['uring-cp', 'naive-loop'],
  ['uring-raw', 'naive-loop'],
  ['uring-fixed', 'plain-read'],
  ['uring-sqpoll', 'naive-loop'],
  ['uring-nop', 'submit-then-wait'],
];

console.log(`io_uring track, medians of ${runs} runs (reference solution; naive = the wrong fixture it replaces)\n`);
for (const [id, naive] of katas) {
  for (const [who, file] of [['reference', solution(id)], ...(naive ? [[`naive (${naive})`, fixture(id, naive)]] : [])]) {
    const f = figures(id, file);
    console.log(`${id} · ${who}: ${f.status}`);
    for (const [key, perCall] of f.counts) console.log(`    ${key}: ${median(perCall).toFixed(4)} per operation`);
    for (const [name, b] of f.benches)
      console.log(`    ${name}: ${median(b.ns).toFixed(1)} ns vs ${b.reference} ${median(b.ref).toFixed(1)} ns (ratio ${median(b.ratio).toFixed(3)}, range ${Math.min(...b.ratio).toFixed(3)}–${Math.max(...b.ratio).toFixed(3)})`);
  }
}

// The NOP curve: trusted code, built here with the system's compiler and liburing.
const dir = mkdtempSync(path.join(os.tmpdir(), 'uring-nops-'));
try {
  const exe = path.join(dir, 'uring-nops');
  const cc = spawnSync('gcc', ['-O2', path.join(repo, 'native', 'bench', 'uring-nops.c'), '-luring', '-o', exe], { encoding: 'utf8' });
  if (cc.status !== 0) console.log(`\nthe NOP curve could not be built: ${cc.stderr.trim() || cc.error?.message}`);
  else {
    const r = spawnSync(exe, [String(Math.max(3, runs))], { encoding: 'utf8' });
    console.log(`\nThe per-operation cost of batching (native/bench/uring-nops.c):\n${r.stdout}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
