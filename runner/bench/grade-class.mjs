#!/usr/bin/env node
// Prints how long a synthetic class takes to grade at --jobs 1 and at
// --jobs 2, and whether both runs gave the same gradebook and the same
// verdict for every check. Each student's files are a mix of solutions,
// starting files and files that do not compile, each made unique (a comment
// with the student's name) so that every build is a fresh one, as in a real
// class. Include a timing kata to see the gate at work: timing runs are one
// at a time whatever --jobs says, so the verdicts must not differ.
//
//   node runner/bench/grade-class.mjs [students] [katas,…] [budget-scale]
//   e.g. node runner/bench/grade-class.mjs 12 x86-write,x86-errno,x86-cost
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const students = Number(process.argv[2] ?? 12);
const katas = (process.argv[3] ?? 'x86-write,x86-errno,x86-cost').split(',');
const budgetScale = process.argv[4];
const tmp = (p) => mkdtempSync(path.join(os.tmpdir(), `syscall-katas-bench-${p}-`));

const root = tmp('class');
for (let i = 0; i < students; i++) {
  const name = `student-${String(i).padStart(3, '0')}`;
  mkdirSync(path.join(root, name, 'katas'), { recursive: true });
  for (const [j, id] of katas.entries()) {
    const kind = (i + j) % 4;
    const from = path.join(repo, kind === 1 ? 'exercises' : 'solutions', id, 'exercise.c');
    const text = `/* ${name} */\n${readFileSync(from, 'utf8')}${kind === 3 ? '\nthis does not compile\n' : ''}`;
    writeFileSync(path.join(root, name, 'katas', `${id}.c`), text);
  }
}

function grade(jobs) {
  const out = tmp(`out-j${jobs}`);
  // A fresh build cache per run: both runs compile every student.
  const env = { ...process.env, SYSCALL_KATAS_WORKSPACE: tmp(`ws-j${jobs}`), NO_COLOR: '1' };
  const args = ['grade', '--submissions', root, '--katas', katas.join(','), '--format', 'json', '--jobs', String(jobs), '--out', out];
  if (budgetScale) {
    const cfg = path.join(out, '..', `course-j${jobs}.json`);
    writeFileSync(cfg, JSON.stringify({ formatVersion: 1, katas: katas.map((id) => ({ id })), budgetScale: Number(budgetScale) }));
    args.push('--config', cfg);
  }
  const t0 = performance.now();
  try {
    execFileSync('node', [bin, ...args], { cwd: repo, env, stdio: ['ignore', 'ignore', 'ignore'] });
  } catch {
    // exit 2 (a kata not graded here) still leaves the gradebook
  }
  const ms = performance.now() - t0;
  const verdicts = {};
  for (const f of readdirSync(path.join(out, 'students'))) {
    const r = JSON.parse(readFileSync(path.join(out, 'students', f), 'utf8'));
    verdicts[f] = r.katas.map((k) => `${k.id}=${k.status}/${k.score}:${k.checks.map((c) => `${c.name}:${c.status}`).join(',')}`).join(' ');
  }
  return { ms, gradebook: readFileSync(path.join(out, 'gradebook.csv'), 'utf8'), verdicts };
}

const one = grade(1);
const two = grade(2);
const differing = Object.keys(one.verdicts).filter((f) => one.verdicts[f] !== two.verdicts[f]);
console.log(`${students} students × ${katas.length} katas (${katas.join(', ')}) on ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
console.log(`  --jobs 1: ${(one.ms / 1000).toFixed(1)} s`);
console.log(`  --jobs 2: ${(two.ms / 1000).toFixed(1)} s (${(one.ms / two.ms).toFixed(2)}× faster)`);
console.log(`  gradebooks ${one.gradebook === two.gradebook ? 'identical' : 'DIFFER'}; verdicts differ for ${differing.length} student${differing.length === 1 ? '' : 's'}`);
for (const f of differing) console.log(`    ${f}\n      --jobs 1: ${one.verdicts[f]}\n      --jobs 2: ${two.verdicts[f]}`);

