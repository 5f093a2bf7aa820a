// A kata's manifest in words, for the book: what the judge checks, what the
// budgets are and what the kata needs. Markdown, rendered with the page's own
// marked so that kata names become links like everywhere else.
import { referenceLabels } from '../budget.js';
import type { CheckSpec, Kata, NsPerCallCheck, Requirement, SyscallCountCheck, TargetArch } from '../manifest.js';
import { DEFAULT_TIMEOUT_MS } from '../manifest.js';
import { EVERY_SYSCALL, expandSyscalls } from '../syscall-groups.js';

/** Timing runs take this many epochs unless the manifest says otherwise (checks/timing.ts). */
const DEFAULT_EPOCHS = 11;

/** Free text from a manifest, safe inside markdown (labels carry `_` and `*`). */
export function mdText(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!<>|~]/g, (c) => `\\${c}`);
}

/** A code span that survives backticks in its text. */
export function mdCode(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${s}${fence.length > 1 ? ' ' : ''}${fence}`;
}

export const archNames: Record<TargetArch, string> = { x86_64: 'x86-64', aarch64: 'ARM64', any: 'x86-64 and ARM64' };

const archWords: Record<TargetArch, string> = {
  x86_64: 'x86-64 only. It runs natively on an x86-64 machine.',
  aarch64:
    'ARM64. On an ARM64 machine it runs natively; on an x86-64 machine it runs under `qemu-aarch64`, where values, effects and syscall counts are checked and ns budgets are not (emulated timings mean nothing).',
  any: 'one source for both architectures: it is checked on every architecture this machine can build and run (the host natively, the other under qemu-user, without ns budgets).',
};

const requirementWords: Record<Requirement, string> = {
  liburing: 'liburing and its headers (`sudo apt-get install -y liburing-dev`)',
  io_uring: 'a kernel that allows io_uring (Docker’s default seccomp profile and `kernel.io_uring_disabled` refuse it; qemu-user does not emulate it)',
  vdso: 'a vDSO in the process (qemu-user gives its guests none)',
  'user-clock':
    'a clocksource the vDSO reads in user space (tsc, kvm-clock, arch_sys_counter); with any other, `clock_gettime` makes the system call itself',
  'native-arch': 'a real machine of its architecture: under emulation its timings would mean nothing',
};

function syscallsInWords(names: string[]): string {
  return names
    .map((n) => {
      if (n === EVERY_SYSCALL) return 'every system call, whatever its name';
      if (!n.startsWith('@')) return mdCode(n);
      return `the ${mdText(n.slice(1))} calls (${expandSyscalls([n]).map(mdCode).join(', ')})`;
    })
    .join(' plus ');
}

function perCallFraction(n: number): string {
  if (n <= 0 || n >= 1) return '';
  const every = 1 / n;
  return ` (one in ${Number.isInteger(every) ? every : `about ${Math.round(every)}`} calls)`;
}

function countInWords(c: SyscallCountCheck): string {
  const what = syscallsInWords(c.syscalls);
  const bound =
    c.perCall !== undefined
      ? `exactly ${c.perCall} per call of your function`
      : c.maxPerCall !== undefined
        ? `at most ${c.maxPerCall} per call${perCallFraction(c.maxPerCall)}`
        : `at most ${c.maxPerRun} in the whole run, however many calls it makes`;
  const graded =
    c.gradedAs === 'correctness'
      ? 'This count is the lesson: it is graded with the cases, all or nothing.'
      : 'Graded as performance, apart from the cases.';
  const origin = c.anyOrigin ? ' Calls made outside your code count as yours here (the vDSO makes the system call itself for a clock it does not serve).' : '';
  return `**Syscall count** (counting run ${mdCode(c.run)}): the judge traces your process and counts ${what}: ${bound}. ${graded}${origin}`;
}

/** The budget in words; with this machine's reference figures, what it comes to here. */
function budgetInWords(c: NsPerCallCheck, here?: Record<string, number>): string {
  const b = c.budget;
  const ref = mdText(c.reference);
  let rule: string;
  if ('ratio' in b) rule = `at most **${b.ratio} ×** the time of ${ref}, measured in the same run`;
  else if (b.scaleBy === 'none') rule = `at most **${b.ns} ns** per call, on any machine`;
  else {
    const label = referenceLabels[b.scaleBy];
    const measured = here?.[b.scaleBy];
    const local = measured ? ` (on the machine this book was built on, the ${label} took ${measured.toFixed(1)} ns: about **${((b.ns * measured) / b.referenceNs).toFixed(1)} ns**)` : '';
    rule = `at most **${b.ns} ns** on the reference machine, where a ${label} took ${b.referenceNs} ns, scaled by what a ${label} takes on yours${local}`;
  }
  const floor =
    'minRatio' in b && b.minRatio !== undefined
      ? ` and no less than ${b.minRatio} × ${ref}: faster than that means the work was not done while timed`
      : '';
  return `**Budget** (${mdText(c.label)}): ${rule}${floor}. The median of ${c.epochs ?? DEFAULT_EPOCHS} epochs, your loop and the reference interleaved; a figure too close to its budget to call at this noise is *inconclusive*, never a coin flip. Runs natively only, once the cases pass.`;
}

export function checkInWords(c: CheckSpec, here?: Record<string, number>): string {
  if (c.kind === 'cases')
    return `**Correctness**: ${c.cases.length} case${c.cases.length > 1 ? 's' : ''}, each in a fresh process of yours, reported in this order: ${c.cases.map(mdCode).join(', ')}. A program that stops early or skips one fails.`;
  if (c.kind === 'ns-per-call') return budgetInWords(c, here);
  return countInWords(c);
}

/** The "what is checked" section as a markdown list. */
export function checksInWords(kata: Kata, here?: Record<string, number>): string {
  const lines: string[] = [];
  lines.push(`- **Architecture**: ${archWords[kata.arch]}`);
  if (kata.requires?.length) lines.push(`- **Needs**: ${kata.requires.map((r) => requirementWords[r]).join('; ')}. Where something is missing the kata shows as *unavailable*, not failed.`);
  const define = kata.symbols.define.map(mdCode).join(', ');
  lines.push(`- **Your file defines**: ${define}.`);
  if (kata.build?.mode === 'nostdlib') lines.push('- **No libc, no runtime**: the program is linked `-nostdlib`; it starts at the course’s `_start`, with nothing of libc’s.');
  if (kata.symbols.noLibc) lines.push(`- **No library calls**: your object may import nothing but compiler support routines${kata.symbols.allow?.length ? `, and ${kata.symbols.allow.map(mdCode).join(', ')}` : ''}${kata.symbols.forbidReason ? `: ${mdText(kata.symbols.forbidReason)}` : ''}.`);
  if (kata.symbols.forbid?.length)
    lines.push(`- **Not allowed**: ${kata.symbols.forbid.map(mdCode).join(', ')}${kata.symbols.forbidReason ? `: ${mdText(kata.symbols.forbidReason)}` : ''}.`);
  for (const f of kata.forbiddenInstructions ?? []) lines.push(`- **Forbidden instruction** (${mdCode(f.pattern)} in the disassembly): ${mdText(f.why)}`);
  for (const c of kata.checks) lines.push(`- ${checkInWords(c, here)}`);
  lines.push(`- **Time limit**: ${((kata.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000).toFixed(1)} s per run.`);
  return lines.join('\n');
}

/** "3 cases · 1 budget · 2 counts", for the contents. */
export function checksSummary(kata: Kata): string {
  const cases = kata.checks.reduce((n, c) => n + (c.kind === 'cases' ? c.cases.length : 0), 0);
  const budgets = kata.checks.filter((c) => c.kind === 'ns-per-call').length;
  const counts = kata.checks.filter((c) => c.kind === 'syscall-count').length;
  const part = (n: number, one: string, many: string) => (n ? [`${n} ${n === 1 ? one : many}`] : []);
  return [...part(cases, 'case', 'cases'), ...part(budgets, 'budget', 'budgets'), ...part(counts, 'count', 'counts')].join(' · ');
}
