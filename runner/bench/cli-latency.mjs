#!/usr/bin/env node
// Prints how fast the CLI answers: `list` start-up, `check` cold (empty build
// cache) and warm (unchanged file), and what the budget kata measures for the
// reference solution and for libc. Medians over several runs; the machine is
// shared and noisy, so read ratios and medians, not single runs.
//
//   node runner/bench/cli-latency.mjs [runs]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// It times the reference solutions, which the npm package does not ship.
if (!(await import('node:fs')).existsSync(path.join(repo, 'solutions'))) {
  console.error(`${path.basename(process.argv[1])} times the reference solutions (solutions/), which the npm package does not ship: run it in a clone of the course. \`syscall-katas bench\` measures this machine anywhere.`);
  process.exit(2);
}
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const runs = Number(process.argv[2] ?? 7);
const workspace = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-bench-'));
const env = { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace, NO_COLOR: '1' };

function cli(args) {
  const t0 = performance.now();
  let out = '';
  try {
    out = execFileSync('node', [bin, ...args], { cwd: repo, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    out = e.stdout ?? '';
  }
  return { ms: performance.now() - t0, out };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const row = (name, xs, unit = 'ms', target = '') => console.log(`${name.padEnd(34)} median ${median(xs).toFixed(0).padStart(6)} ${unit}   range ${spread(xs)} ${unit}${target ? `   target ${target}` : ''}`);

const solution = (id) => path.join(repo, 'solutions', id, 'exercise.c');
const cacheDir = path.join(workspace, '.cache', 'build');

cli(['list']); // first run creates the workspace
row('list', Array.from({ length: runs }, () => cli(['list']).ms), 'ms', '≤ 250 ms');

const empty = [];
for (let i = 0; i < runs; i++) {
  rmSync(cacheDir, { recursive: true, force: true });
  empty.push(cli(['check', 'x86-write', '--file', solution('x86-write')]).ms);
}
row('check x86-write (empty cache)', empty, 'ms', '≤ 2500 ms');
// The usual cold case: the learner saved a change; harness and supervisor are cached.
const edited = path.join(workspace, 'edited.c');
const changed = [];
for (let i = 0; i < runs; i++) {
  writeFileSync(edited, `${readFileSync(solution('x86-write'), 'utf8')}\n/* edit ${i} ${Date.now()} */\n`);
  changed.push(cli(['check', 'x86-write', '--file', edited]).ms);
}
row('check x86-write (file changed)', changed, 'ms', '≤ 2500 ms');
row('check x86-write (warm cache)', Array.from({ length: runs }, () => cli(['check', 'x86-write', '--file', solution('x86-write')]).ms), 'ms', '≤ 1000 ms');

const a64 = [];
for (let i = 0; i < runs; i++) {
  rmSync(cacheDir, { recursive: true, force: true });
  a64.push(cli(['check', 'a64-write', '--file', solution('a64-write')]).ms);
}
row('check a64-write (cold, qemu)', a64);

const learner = [];
const reference = [];
const spreads = [];
const counts = [];
for (let i = 0; i < runs; i++) {
  const { out } = cli(['check', 'x86-cost', '--json', '--file', solution('x86-cost')]);
  const result = JSON.parse(out);
  const budget = result.checks.find((c) => c.kind === 'ns-per-call')?.budget;
  const count = result.checks.find((c) => c.kind === 'syscall-count')?.syscalls;
  if (budget) {
    learner.push(budget.nsPerCall);
    reference.push(budget.referenceNsPerCall);
    spreads.push(budget.spreadPct);
  }
  if (count) counts.push(`${count.counted}/${count.calls}`);
}
row('x86-cost raw getppid (solution)', learner, 'ns/call');
row('x86-cost libc syscall(getppid)', reference, 'ns/call');
console.log(`${'x86-cost ratio solution/libc'.padEnd(34)} median ${(median(learner.map((l, i) => l / reference[i]))).toFixed(3)}   per-run spread (MAPE) median ${median(spreads).toFixed(1)}%`);
console.log(`${'x86-cost getppid syscalls/calls'.padEnd(34)} ${counts.join(' ')}`);
rmSync(workspace, { recursive: true, force: true });
