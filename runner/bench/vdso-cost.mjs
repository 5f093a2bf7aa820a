#!/usr/bin/env node
// The vDSO track's figures, measured here: the reference solution of
// vdso-clock (the learner's function through the vDSO) against glibc's
// clock_gettime(), both timed by the judge in one run; the machine's own
// vDSO and raw-syscall clock (`syscall-katas bench`); and the syscall counts
// the clock katas enforce. Medians of several runs: the machine is shared and
// noisy, so ratios matter more than absolute times.
//
//   node runner/bench/vdso-cost.mjs [runs]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// It times the reference solutions, which the npm package does not ship.
if (!(await import('node:fs')).existsSync(path.join(repo, 'solutions'))) {
  console.error(`${path.basename(process.argv[1])} times the reference solutions (solutions/), which the npm package does not ship: run it in a clone of the course. \`syscall-katas bench\` measures this machine anywhere.`);
  process.exit(2);
}
const cli = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const runs = Number(process.argv[2] ?? 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const json = (args) => {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(r.stdout);
};
const solution = (id) => path.join(repo, 'solutions', id, 'exercise.c');
const native = (checks) => checks.filter((c) => c.arch === 'x86_64' || c.arch === process.arch);

const learner = [], glibc = [], spread = [], vdso = [], raw = [], checkMs = [];
const counts = new Map();
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const clock = json(['check', 'vdso-clock', '--file', solution('vdso-clock')]);
  checkMs.push(performance.now() - t0);
  for (const c of native(clock.checks)) {
    if (c.kind === 'ns-per-call' && c.budget) {
      learner.push(c.budget.nsPerCall);
      glibc.push(c.budget.referenceNsPerCall);
      spread.push(c.budget.spreadPct);
    }
  }
  const fallback = json(['check', 'vdso-fallback', '--file', solution('vdso-fallback')]);
  for (const c of native([...clock.checks, ...fallback.checks]))
    if (c.kind === 'syscall-count' && c.syscalls) counts.set(`${c.name}`, `${c.syscalls.counted} for ${c.syscalls.calls} calls`);
  const machine = json(['bench']);
  for (const b of machine.benchmarks) {
    if (b.name === 'vdso-clock') vdso.push(b.real_time);
    if (b.name === 'raw-clock') raw.push(b.real_time);
  }
}

const f = (x) => x.toFixed(1);
console.log(`vDSO clock_gettime(CLOCK_MONOTONIC), ${runs} runs, medians (ns per call):`);
console.log(`  learner's vdso_clock_gettime (vdso-clock solution)  ${f(median(learner))}   spread ${f(median(spread))}%`);
console.log(`  glibc clock_gettime(), same run, same CPU            ${f(median(glibc))}`);
console.log(`  ratio learner / glibc                                ${(median(learner) / median(glibc)).toFixed(3)} (budget 1.10, floor 0.50)`);
console.log(`  the machine's vDSO clock (bench)                     ${f(median(vdso))}`);
console.log(`  the same clock through the syscall instruction       ${f(median(raw))}   (${(median(raw) / median(vdso)).toFixed(1)}x the vDSO)`);
console.log('syscall counts (the judge, traced):');
for (const [name, v] of counts) console.log(`  ${name}: ${v}`);
console.log(`check vdso-clock (both arches, warm cache): ${f(median(checkMs))} ms median`);
