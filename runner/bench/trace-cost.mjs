#!/usr/bin/env node
// Prints what tracing costs: the judge's counting run of x86-cost's reference
// solution (every syscall stopped twice by ptrace, read with
// PTRACE_GET_SYSCALL_INFO) at two sizes, so the per-syscall cost is the slope,
// beside the untraced cost of the same syscall; and how long a traced
// correctness run of each kata's reference solution takes. Medians of several
// runs: the machine is shared and noisy.
//
//   node runner/bench/trace-cost.mjs [runs]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// It times the reference solutions, which the npm package does not ship.
if (!(await import('node:fs')).existsSync(path.join(repo, 'solutions'))) {
  console.error(`${path.basename(process.argv[1])} times the reference solutions (solutions/), which the npm package does not ship: run it in a clone of the course. \`syscall-katas bench\` measures this machine anywhere.`);
  process.exit(2);
}
const runs = Number(process.argv[2] ?? 5);
const { buildKata } = await import(path.join(repo, 'runner', 'dist', 'build.js'));
const { findKata, loadKatas } = await import(path.join(repo, 'runner', 'dist', 'katas.js'));
const { checkKata } = await import(path.join(repo, 'runner', 'dist', 'judge.js'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const kata = findKata('x86-cost');
const build = await buildKata(kata, 'x86_64', path.join(repo, 'solutions', 'x86-cost', 'exercise.c'));
const flags = [`--agent=${build.agent}`, `--learner-text=${build.ranges.learner.join('-')}`, `--runtime-text=${build.ranges.runtime.join('-')}`, '--call-timeout-ms=60000'];
const judgeMs = (args) => {
  const t0 = performance.now();
  const r = spawnSync(build.judge, [...flags, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ms: performance.now() - t0, out: r.stdout };
};

const small = [], large = [];
for (let i = 0; i < runs; i++) {
  small.push(judgeMs(['count', '1', 'getppid', '1000']).ms);
  large.push(judgeMs(['count', '1', 'getppid', '21000']).ms);
}
const perSyscallUs = ((median(large) - median(small)) / 20000) * 1000;
const bench = JSON.parse(judgeMs(['bench', '1', 'getppid', '11']).out.split('\n').find((l) => l.includes('"t":"bench"')));
const untraced = median(bench.learner.wallNs);
console.log(`traced getppid (count run, the slope 1000 -> 21000 calls): ${perSyscallUs.toFixed(2)} µs per syscall`);
console.log(`untraced getppid (timed run, same agent):                  ${(untraced / 1000).toFixed(3)} µs per syscall (${(perSyscallUs * 1000 / untraced).toFixed(0)}x)`);
console.log(`a whole counting run of 1000 calls:                         median ${median(small).toFixed(0)} ms`);

console.log('\ntraced correctness runs (cases) of each reference solution, median ms:');
for (const k of loadKatas().katas) {
  const times = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const r = await checkKata(k, path.join(repo, 'solutions', k.id, 'exercise.c'));
    const cases = r.checks.filter((c) => c.kind === 'case');
    if (r.status !== 'pass' && r.status !== 'unavailable') console.log(`  ${k.id}: ${r.status}`);
    times.push(r.durationMs);
    void cases;
  }
  console.log(`  ${k.id.padEnd(16)} ${median(times).toFixed(0).padStart(6)} ms (whole check, build cached)`);
}
