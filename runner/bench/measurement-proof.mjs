#!/usr/bin/env node
// Proof that the ns/call figures can be trusted, printed as figures:
//  1. fidelity: the engine's null syscall (libc syscall(SYS_getppid)) against
//     `perf bench syscall basic` (glibc getppid) in the same run: ratio 0.95-1.05;
//  2. stability: every budget kata checked N times against its reference
//     solution (all pass) and against the naive code it replaces (all fail),
//     with the spread of the medians across runs (target <= 3%);
//  3. contention: the budget kata checked with a busy loop pinned to every
//     CPU: figures within 10% of the quiet ones, or reported unstable or
//     inconclusive, never silently wrong.
//
//   node runner/bench/measurement-proof.mjs [runs=20]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
const runs = Number(process.argv[2] ?? 20);
const workspace = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-proof-'));
const env = { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace, NO_COLOR: '1' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mape = (xs) => {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m) / m)) * 100;
};

function cli(args) {
  try {
    return JSON.parse(execFileSync('node', [bin, ...args], { cwd: repo, env, encoding: 'utf8', maxBuffer: 1 << 26 }));
  } catch (e) {
    return JSON.parse(e.stdout);
  }
}

// 1. Fidelity
console.log('1. Fidelity: engine null syscall vs perf bench syscall basic (glibc getppid)');
let perfOk = true;
const ratios = [];
for (let i = 0; i < 3; i++) {
  const ours = cli(['bench', '--json']).benchmarks.find((b) => b.name === 'null-syscall').real_time;
  let perfNs;
  try {
    const out = execFileSync('perf', ['bench', 'syscall', 'basic'], { encoding: 'utf8' });
    perfNs = Number(/([\d.]+) usecs\/op/.exec(out)[1]) * 1000;
  } catch {
    perfOk = false;
    break;
  }
  ratios.push(ours / perfNs);
  console.log(`   run ${i + 1}: engine ${ours.toFixed(1)} ns, perf ${perfNs.toFixed(1)} ns, ratio ${(ours / perfNs).toFixed(3)}`);
}
console.log(perfOk ? `   median ratio ${median(ratios).toFixed(3)} (target 0.95-1.05)` : '   perf bench is not available here (apt-get install linux-perf)');

// 2. Stability
const budgetKatas = cli(['list', '--json'])
  .map((k) => k.id)
  .filter((id) => JSON.parse(readFileSync(path.join(repo, 'exercises', id, 'kata.json'), 'utf8')).checks.some((c) => c.kind === 'ns-per-call'))
  .filter((id) => !id.startsWith('a64-')); // emulated: budgets not enforced
const naiveDir = path.join(repo, 'runner', 'bench', 'naive');
console.log(`\n2. Stability: ${runs} checks per budget kata (${budgetKatas.join(', ')})`);
function budgetOf(result) {
  return result.checks.find((c) => c.kind === 'ns-per-call');
}
for (const id of budgetKatas) {
  const solution = path.join(repo, 'solutions', id, 'exercise.c');
  const figures = [];
  let pass = 0;
  const verdicts = {};
  for (let i = 0; i < runs; i++) {
    const r = cli(['check', id, '--json', '--file', solution]);
    const b = budgetOf(r);
    if (r.status === 'pass') pass++;
    verdicts[b?.status ?? r.status] = (verdicts[b?.status ?? r.status] ?? 0) + 1;
    if (b?.budget) figures.push(b.budget.nsPerCall);
  }
  console.log(`   ${id} solution: ${pass}/${runs} pass; ns/call median ${median(figures).toFixed(1)}, spread of medians ${mape(figures).toFixed(2)}% (target <= 3%) ${JSON.stringify(verdicts)}`);
  for (const naive of readdirSync(naiveDir).filter((f) => f.startsWith(id))) {
    let fail = 0;
    const nf = [];
    for (let i = 0; i < runs; i++) {
      const r = cli(['check', id, '--json', '--file', path.join(naiveDir, naive)]);
      const b = budgetOf(r);
      if (b?.status === 'fail') fail++;
      if (b?.budget) nf.push(b.budget.nsPerCall / b.budget.budgetNs);
    }
    console.log(`   ${id} naive ${naive}: budget failed ${fail}/${runs}; median ${median(nf).toFixed(2)}x the budget`);
  }
}

// 3. Contention
console.log('\n3. Contention: a busy loop pinned to every CPU while checking');
const id = budgetKatas.find((k) => k === 'x86-cost') ?? budgetKatas[0];
if (id) {
  const solution = path.join(repo, 'solutions', id, 'exercise.c');
  const quiet = median(Array.from({ length: 5 }, () => budgetOf(cli(['check', id, '--json', '--file', solution]))?.budget?.nsPerCall ?? NaN));
  const hogs = os.cpus().map((_, cpu) => spawn('taskset', ['-c', String(cpu), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }));
  try {
    const rows = [];
    for (let i = 0; i < Math.min(runs, 10); i++) {
      const r = cli(['check', id, '--json', '--file', solution]);
      const b = budgetOf(r);
      const ns = b?.budget?.nsPerCall ?? NaN;
      const off = ((ns - quiet) / quiet) * 100;
      const flagged = b?.status === 'inconclusive' || b?.budget?.unstable || (b?.budget?.busyRatio ?? 1) > 1.2;
      const ok = Math.abs(off) <= 10 || flagged;
      rows.push(ok);
      console.log(`   run ${i + 1}: ${ns.toFixed(1)} ns (${off >= 0 ? '+' : ''}${off.toFixed(1)}% from quiet ${quiet.toFixed(1)}), verdict ${b?.status}${b?.budget?.unstable ? ', unstable' : ''}, wall/CPU ${(b?.budget?.busyRatio ?? NaN).toFixed(2)} ${ok ? 'ok' : 'SILENTLY WRONG'}`);
    }
    console.log(`   ${rows.filter(Boolean).length}/${rows.length} within 10% or flagged`);
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
  }
}
rmSync(workspace, { recursive: true, force: true });
