// Builds a kata for one arch into two programs that never share a process:
//
//  - the judge: the kata's check.c + native/judge/*.c, with the host compiler.
//    It holds the oracle and every observation; no learner code is in it.
//  - the agent: the learner's unit (the kata's agent.c with the learner's
//    file appended, compiled ONCE, with exactly the flags of the build that
//    runs) + native/agent/runtime.c. Every static check reads that one
//    object; the program links the same bytes, its code moved into sections
//    of known names (kata_learner_text, kata_runtime_text) so that the judge,
//    tracing the agent, can tell which code made each syscall.
//
// The learner's text is read once: what is checked is what is compiled. The
// whole outcome, failures included, is cached by content hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arch, Kata } from './manifest.js';
import { displayPath, driverFile, exercisesDir, nativeDir, repoRoot, cacheDir } from './paths.js';
import type { CheckResult } from './result.js';
import { checkInlined, checkInstructions, checkLearnerText, checkPreprocessed, checkSymbols, elfSectionRanges, globalsOf, ownSyscalls } from './symbols.js';
import { hostArch, type Toolchain, toolchainFor, which } from './targets.js';
import { readLearnerSource } from './source.js';
import { runTool } from './tools.js';
import { imagesObject, usesImages } from './vdso-images.js';

/** A suffix for work in progress no other build shares, in this process or another (builds run concurrently). */
let unique = 0;
function nextUnique(): string {
  return `${process.pid}-${++unique}`;
}

/**
 * Moves a finished build of content-addressed files into place. Where another
 * build (this process's or another's) published the same content first, that
 * one stays: removing it could pull files from under a build using them.
 */
export function publishDir(tmp: string, dir: string): void {
  try {
    renameSync(tmp, dir);
  } catch (e) {
    if (!existsSync(dir)) throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where built programs and objects are cached: the build folder of the cache (workspace-root.ts). */
export function buildCacheDir(): string {
  return path.join(cacheDir(), 'build');
}

/** Bump when the way programs are built changes, to drop stale caches. */
const BUILD_VERSION = 4;

export const COMMON_CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-fdiagnostics-color=never'];
const FREESTANDING = ['-ffreestanding', '-fno-stack-protector', '-fno-builtin'];
/** No libc means no libc the compiler brings in either: GCC turns loops into memset/strlen calls otherwise. */
const NO_LIBC_CALLS = ['-fno-builtin', '-fno-tree-loop-distribute-patterns'];
/** The learner's static inline functions keep an out-of-line copy: the symbol checks see them. */
const KEEP_FUNCTIONS = ['-fkeep-inline-functions', '-fkeep-static-functions'];
/**
 * Line tables: the judge tells the learner's own syscall instructions by them (code is unchanged by -g).
 * DWARF 4: with GCC 12's DWARF 5, objdump -l names the unit (file 0) instead of the #line file for code
 * at the very start of .text, and the learner's first function would not be theirs.
 */
const DEBUG = ['-gdwarf-4'];
/** Every file under native/ a kata program can be built from: a change to any rebuilds. */
const NATIVE_DIRS = ['judge', 'agent', 'include', 'cases', 'vdso'];

function nativeSources(): string[] {
  return NATIVE_DIRS.flatMap((d) =>
    readdirSync(path.join(nativeDir, d), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort(),
  );
}

export function agentFile(id: string): string {
  return path.join(exercisesDir, id, 'agent.c');
}

/** Whether a kata's agent.c (or a shared file it includes) has timed loops to build apart. */
function hasTimedLoops(id: string): boolean {
  const seen = new Set<string>();
  const look = (file: string): boolean => {
    if (seen.has(file) || !existsSync(file)) return false;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    if (/\bKATA_AGENT_LOOPS\b/.test(text)) return true;
    return [...text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)].some((m) => look(path.join(nativeDir, m[1]!)) || look(path.join(path.dirname(file), m[1]!)));
  };
  return look(agentFile(id));
}

/** Where, in the agent program, the learner's unit and the runtime keep their code. */
export interface CodeRanges {
  learner: [string, string];
  runtime?: [string, string];
  /** The addresses after the learner's own syscall instructions, and those inlined into probes. */
  ownSyscalls?: string[];
  probeSyscalls?: string[];
}

export interface BuildOutcome {
  /** The judge and the agent, when every build step passed. */
  judge?: string;
  agent?: string;
  ranges?: CodeRanges;
  nostdlib?: boolean;
  /** The driver's tables, as the judge lists them. */
  tables?: { cases: string[]; benches: string[]; counts: string[]; benchLoops?: string[]; countLoops?: string[] };
  /** compile, symbols, instructions: each pass or fail with the reason. */
  checks: CheckResult[];
  cached: boolean;
}

function fingerprint(kata: Kata, tc: Toolchain, learnerSource: string): string {
  const h = createHash('sha256');
  const ccPath = which(tc.cc);
  h.update(JSON.stringify({ v: BUILD_VERSION, arch: tc.arch, cc: ccPath, ccTime: ccPath ? statSync(ccPath).mtimeMs : 0 }));
  h.update(JSON.stringify({ build: kata.build, symbols: kata.symbols, insn: kata.forbiddenInstructions, checks: kata.checks }));
  h.update(learnerSource);
  h.update(readFileSync(driverFile(kata.id)));
  h.update(readFileSync(agentFile(kata.id)));
  for (const f of nativeSources()) h.update(readFileSync(f));
  for (const f of RUNNER_CHECKS) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 32);
}

/** The runner's own code that decides a build's outcome: a change to it is a new build. */
const RUNNER_CHECKS = ['build', 'symbols'].map((f) => fileURLToPath(new URL(`${f}${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url)));

/** Compiler output, trimmed to what a learner reads: the lines that matter first. */
function compilerDetails(stderr: string): string[] {
  const lines = stderr.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.length > 40 ? [...lines.slice(0, 40), `… ${lines.length - 40} more lines`] : lines;
}

function firstError(stderr: string): string | undefined {
  const lines = stderr.split('\n');
  return (
    lines.find((l) => /: (fatal )?error: /.test(l) || /undefined reference/.test(l)) ??
    // the assembler's, on a temporary file of the compiler's: the message is what matters
    lines.find((l) => /: Error: /.test(l))?.replace(/^.*?: Error: /, 'the assembler: ')
  );
}

/** The judge's own C files, linked into every judge. */
export const JUDGE_UNITS = ['judge.c', 'records.c', 'agent-process.c', 'confine.c', 'timing.c', 'references.c', 'rounds.c', 'syscall-names.c', 'vdso-image.c', 'uring-info.c', 'uring-trace.c', 'cached-file.c', 'driver-fds.c'];

/** The host's syscall numbers as a table for syscall-names.c, from the system's own headers. */
async function syscallTable(tc: Toolchain): Promise<string> {
  const headers = tc.arch === 'x86_64' ? [['asm/unistd_64.h', 'KATA_SC'], ['asm/unistd_32.h', 'KATA_SC32']] : [['asm/unistd.h', 'KATA_SC']];
  const lines: string[] = [];
  for (const [header, macro] of headers) {
    const r = await runTool(tc.cc, ['-dM', '-E', '-x', 'c', '-'], { input: `#include <${header}>\n` });
    for (const m of r.stdout.matchAll(/^#define __NR_(\w+) (\d+)$/gm)) lines.push(`${macro}(${m[1]}, ${m[2]})`);
  }
  return `${lines.join('\n')}\n`;
}

/** Compiles the judge library once per host and content; judge builds reuse the objects. */
export async function judgeObjects(tc: Toolchain, cacheRoot: string): Promise<{ objs?: string[]; error?: string }> {
  const h = createHash('sha256').update(tc.cc).update(JSON.stringify(COMMON_CFLAGS));
  for (const f of nativeSources()) h.update(readFileSync(f));
  const dir = path.join(cacheRoot, `judge-${tc.arch}-${h.digest('hex').slice(0, 16)}`);
  const objs = JUDGE_UNITS.map((u) => path.join(dir, u.replace(/\.c$/, '.o')));
  if (objs.every((o) => existsSync(o))) return { objs };
  const tmp = `${dir}.${nextUnique()}.tmp`;
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'syscall-table.h'), await syscallTable(tc));
  const built = await Promise.all(
    JUDGE_UNITS.map((u) =>
      runTool(tc.cc, [...COMMON_CFLAGS, '-I', path.join(nativeDir, 'include'), '-I', tmp, '-c', path.join(nativeDir, 'judge', u), '-o', path.join(tmp, u.replace(/\.c$/, '.o'))]),
    ),
  );
  const failed = built.find((r) => r.code !== 0);
  if (failed) {
    rmSync(tmp, { recursive: true, force: true });
    return { error: failed.stderr };
  }
  publishDir(tmp, dir);
  return { objs };
}

/** Renames every executable section of an object to `name` (same bytes, a known place in the program). */
async function placeCode(tc: Toolchain, object: string, out: string, name: string): Promise<string | undefined> {
  const sections = (await import('./symbols.js')).executableSections(readFileSync(object));
  const r = await runTool(tc.objcopy, [...sections.flatMap((s) => ['--rename-section', `${s}=${name}`]), object, out]);
  return r.code === 0 ? undefined : r.stderr;
}

/** The agent runtime for an arch, compiled and placed once per content. */
async function runtimeObject(tc: Toolchain, cacheRoot: string): Promise<{ obj?: string; error?: string }> {
  const src = path.join(nativeDir, 'agent', 'runtime.c');
  const h = createHash('sha256').update(tc.cc).update(readFileSync(src));
  for (const f of nativeSources()) h.update(readFileSync(f));
  const obj = path.join(cacheRoot, `runtime-${tc.arch}-${h.digest('hex').slice(0, 16)}.o`);
  if (existsSync(obj)) return { obj };
  mkdirSync(cacheRoot, { recursive: true });
  const me = nextUnique();
  const raw = `${obj}.${me}.raw.o`;
  const r = await runTool(tc.cc, [...COMMON_CFLAGS, '-I', path.join(nativeDir, 'include'), '-c', src, '-o', raw]);
  if (r.code !== 0) return { error: r.stderr };
  const placed = await placeCode(tc, raw, `${obj}.${me}.tmp`, 'kata_runtime_text');
  rmSync(raw, { force: true });
  if (placed) return { error: placed };
  renameSync(`${obj}.${me}.tmp`, obj);
  return { obj };
}

export async function buildKata(kata: Kata, arch: Arch, learnerPath: string): Promise<BuildOutcome> {
  const tc = toolchainFor(arch);
  const cacheRoot = buildCacheDir();
  const read = readLearnerSource(learnerPath);
  if ('problem' in read)
    return { checks: [{ name: 'compile', kind: 'compile', arch: tc.arch, status: 'fail', message: read.problem }], cached: false };
  const source = read.text;
  const key = fingerprint(kata, tc, source) + path.basename(learnerPath);
  const dir = path.join(cacheRoot, createHash('sha256').update(key).digest('hex').slice(0, 32));
  const outcomeFile = path.join(dir, 'outcome.json');
  if (existsSync(outcomeFile)) {
    const outcome = JSON.parse(readFileSync(outcomeFile, 'utf8')) as BuildOutcome;
    if (!outcome.agent || (existsSync(outcome.agent) && existsSync(outcome.judge!))) return { ...outcome, cached: true };
  }
  mkdirSync(cacheRoot, { recursive: true });
  const work = `${dir}.${nextUnique()}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const outcome = await buildFresh(kata, tc, learnerPath, source, work, cacheRoot);
  // Publish atomically: a concurrent check never sees half a build.
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  const moved = (p?: string) => p && path.join(dir, path.basename(p));
  const published: BuildOutcome = { ...outcome, judge: moved(outcome.judge), agent: moved(outcome.agent) };
  writeFileSync(outcomeFile, JSON.stringify(published));
  pruneBuilds(cacheRoot);
  return published;
}

/** Builds kept in the cache: every save of a learner's file makes one. */
const KEPT_BUILDS = 300;

/** Drops the least recently made builds past KEPT_BUILDS (shared objects stay). */
function pruneBuilds(cacheRoot: string): void {
  const builds = readdirSync(cacheRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{32}$/.test(e.name))
    .map((e) => ({ dir: path.join(cacheRoot, e.name), time: statSync(path.join(cacheRoot, e.name)).mtimeMs }));
  if (builds.length <= KEPT_BUILDS) return;
  builds.sort((a, b) => b.time - a.time);
  for (const old of builds.slice(KEPT_BUILDS)) rmSync(old.dir, { recursive: true, force: true });
}

/** Builds the judge for a kata (host compiler) and lists its tables. */
async function buildJudge(kata: Kata, agentArch: Arch, work: string, cacheRoot: string): Promise<{ exe?: string; error?: string; tables?: BuildOutcome['tables'] }> {
  if (!hostArch) return { error: `no judge for ${process.arch}` };
  const host = toolchainFor(hostArch);
  const [lib, images] = await Promise.all([
    judgeObjects(host, cacheRoot),
    usesImages(driverFile(kata.id)) ? imagesObject(agentArch, cacheRoot) : Promise.resolve({ obj: undefined, error: undefined }),
  ]);
  if (!lib.objs) return { error: lib.error };
  if (images.error) return { error: images.error };
  const exe = path.join(work, 'judge');
  // The kata's libraries too: a judge's references may use them (uring-fixed's plain-READ ring uses liburing).
  const libs = kata.build?.libs ?? [];
  const r = await runTool(host.cc, [...COMMON_CFLAGS, '-I', path.join(nativeDir, 'include'), '-I', nativeDir, driverFile(kata.id), ...lib.objs, ...(images.obj ? [images.obj] : []), '-lseccomp', ...libs, '-o', exe]);
  if (r.code !== 0) return { error: r.stderr };
  const list = await runTool(exe, ['list']);
  try {
    const t = JSON.parse(list.stdout.trim()) as NonNullable<BuildOutcome['tables']>;
    return { exe, tables: { cases: t.cases, benches: t.benches, counts: t.counts, benchLoops: t.benchLoops, countLoops: t.countLoops } };
  } catch {
    return { error: `the judge does not list its tables: ${list.stderr.trim() || list.stdout.trim()}` };
  }
}

/** The manifest and the driver must name the same cases, benches and counts: a mismatch is a course error. */
function tableMismatch(kata: Kata, t: NonNullable<BuildOutcome['tables']>): string | undefined {
  for (const spec of kata.checks) {
    if (spec.kind === 'cases') {
      const missing = spec.cases.filter((c) => !t.cases.includes(c));
      const extra = t.cases.filter((c) => !spec.cases.includes(c));
      if (missing.length) return `kata.json lists case${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that check.c does not have`;
      if (extra.length) return `check.c has case${extra.length > 1 ? 's' : ''} ${extra.join(', ')} that kata.json does not list (a failing case there would go unseen)`;
    }
    if (spec.kind === 'ns-per-call' && !t.benches.includes(spec.bench)) return `kata.json times bench '${spec.bench}', which check.c does not have`;
    if (spec.kind === 'syscall-count' && !t.counts.includes(spec.run)) return `kata.json counts run '${spec.run}', which check.c does not have`;
  }
  return undefined;
}

async function buildFresh(kata: Kata, tc: Toolchain, learnerPath: string, source: string, work: string, cacheRoot: string): Promise<BuildOutcome> {
  const arch = tc.arch;
  const nostdlib = kata.build?.mode === 'nostdlib';
  const shown = displayPath(learnerPath);
  const checks: CheckResult[] = [];
  const courseError = (message: string, details?: string[]): BuildOutcome => ({
    checks: [...checks, { name: 'compile', kind: 'compile', arch, status: 'error', message, details }],
    cached: false,
  });

  // The text first: what would reach code that is not the learner's.
  const text = checkLearnerText(source, shown, arch);
  // One unit: the kata's agent.c, then the learner's text (nothing it #defines reaches agent.c).
  const unit = path.join(work, 'unit.c');
  writeFileSync(unit, `#include "${agentFile(kata.id)}"\n#line 1 "${shown.replace(/["\\]/g, '\\$&')}"\n${source}`);
  const extra = kata.build?.cflags ?? [];
  const flags = [...COMMON_CFLAGS, ...extra, ...(nostdlib ? FREESTANDING : []), ...(kata.symbols.noLibc ? NO_LIBC_CALLS : []), ...KEEP_FUNCTIONS, ...DEBUG];
  // -iquote: agent.c's "kata-agent.h" is found, a learner's <kata-agent.h> (the only kind of include
  // their text may have) is not: the course's own headers are not theirs to use.
  const include = ['-iquote', path.join(nativeDir, 'include'), '-iquote', nativeDir];
  const unitObj = path.join(work, 'unit.o');
  // The timed loops: agent.c alone (no learner text in it), calling theirs as externals.
  const loopsObj = !nostdlib && hasTimedLoops(kata.id) ? path.join(work, 'loops.o') : undefined;
  const preprocessed = path.join(work, 'unit.i');
  const [compiled, pre, loops, judge, runtime] = await Promise.all([
    containedCompile(tc, kata, learnerPath, work, [...flags, ...include, '-c', unit, '-o', unitObj]),
    containedCompile(tc, kata, learnerPath, work, [...flags, ...include, '-E', '-H', unit, '-o', preprocessed]),
    !loopsObj ? Promise.resolve({ code: 0, stdout: '', stderr: '' }) : runTool(tc.cc, [...flags, ...include, '-DKATA_AGENT_LOOPS', '-c', agentFile(kata.id), '-o', loopsObj]),
    buildJudge(kata, arch, work, cacheRoot),
    nostdlib ? Promise.resolve({ obj: undefined, error: undefined }) : runtimeObject(tc, cacheRoot),
  ]);
  if (compiled.code !== 0) {
    checks.push({
      name: 'compile',
      kind: 'compile',
      arch,
      status: 'fail',
      message: `${shown} does not compile: ${firstError(compiled.stderr) ?? 'see the compiler output'}`,
      details: compilerDetails(compiled.stderr),
    });
    return { checks, cached: false };
  }
  if (judge.error || !judge.exe) return courseError("the kata's judge does not build (a bug in the course, not in your code)", compilerDetails(judge.error ?? ''));
  if (runtime.error) return courseError('the agent runtime does not build (a bug in the course, not in your code)', compilerDetails(runtime.error));
  if (loops.code !== 0) return courseError("the kata's timed loops do not build (a bug in the course, not in your code)", compilerDetails(loops.stderr));
  const mismatch = tableMismatch(kata, judge.tables!);
  if (mismatch) return courseError(`${mismatch} (a bug in the course, not in your code)`);
  const warnings = compiled.stderr.trim();
  checks.push({
    name: 'compile',
    kind: 'compile',
    arch,
    status: 'pass',
    message: warnings ? `compiles, with warnings worth reading` : undefined,
    details: warnings ? compilerDetails(compiled.stderr) : undefined,
  });

  // What the preprocessor made of their text: no spelling gets around these.
  // The course's files and the folder of the learner's (a workspace or a submission) are never system headers.
  const seen = checkPreprocessed(existsSync(preprocessed) ? readFileSync(preprocessed, 'utf8') : '', pre.stderr, shown, agentFile(kata.id), arch, [repoRoot, path.dirname(path.resolve(learnerPath))]);
  // Every static check reads the one object that is linked.
  const provided = loopsObj ? await globalsOf(tc, loopsObj) : new Set<string>();
  const [symbols, instructions, inlined] = await Promise.all([
    checkSymbols(kata, tc, unitObj, shown, provided),
    checkInstructions(kata, tc, unitObj, shown),
    checkInlined(kata, tc, unitObj, shown),
  ]);
  const problems = [text, seen, symbols, inlined].filter((c): c is CheckResult => !!c && c.status !== 'pass');
  if (problems.length) checks.push({ ...problems[0]!, details: [...(problems[0]!.details ?? []), ...problems.slice(1).flatMap((p) => [p.message ?? '', ...(p.details ?? [])])] });
  else checks.push(symbols);
  if (instructions) checks.push(instructions);

  const placed = path.join(work, 'unit-placed.o');
  const placeError = await placeCode(tc, unitObj, placed, 'kata_learner_text');
  if (placeError) return courseError('could not place your code in the agent program', compilerDetails(placeError));
  const agent = path.join(work, 'agent');
  const link = nostdlib
    ? [...COMMON_CFLAGS, ...FREESTANDING, '-nostdlib', '-static', placed, path.join(nativeDir, 'agent', `start-${arch}.S`), '-o', agent]
    : [...COMMON_CFLAGS, placed, ...(loopsObj ? [loopsObj] : []), runtime.obj!, ...(tc.staticLink ? ['-static'] : ['-no-pie']), ...(kata.build?.libs ?? []), '-o', agent];
  const linked = await runTool(tc.cc, link, { cwd: work });
  if (linked.code !== 0) {
    const undefinedRef = /undefined reference to [`'"]([^`'"]+)/.exec(linked.stderr)?.[1];
    checks.push({
      name: 'link',
      kind: 'compile',
      arch,
      status: 'fail',
      message: undefinedRef
        ? `does not link: nothing defines \`${undefinedRef}\`${nostdlib ? ' (this program has no libc at all)' : ''}`
        : `does not build with the kata's agent: ${firstError(linked.stderr) ?? 'see the compiler output'}`,
      details: compilerDetails(linked.stderr),
    });
    return { checks, cached: false };
  }
  const ranges = elfSectionRanges(readFileSync(agent));
  const learner = ranges.get('kata_learner_text');
  if (!learner) return courseError('the agent program has no kata_learner_text section (a bug in the course)');
  const dis = await runTool(tc.objdump, ['-d', '-l', '--no-show-raw-insn', '-j', 'kata_learner_text', agent]);
  const own = ownSyscalls(dis.stdout, shown, arch);
  if (own.own.length > 4000)
    return { checks: [...checks, { name: 'symbols', kind: 'symbols', arch, status: 'fail', message: `${shown} has ${own.own.length} syscall instructions: a kata needs a handful` }], cached: false };
  // A forbidden instruction fails the kata but the cases still run: seeing
  // *why* it is wrong (int $0x80 truncating a pointer) is the lesson. Code
  // that imports what it must not never runs: it could pass by cheating.
  const blocked = checks.some((c) => c.kind !== 'instructions' && c.status !== 'pass');
  return {
    judge: blocked ? undefined : judge.exe,
    agent: blocked ? undefined : agent,
    ranges: { learner, runtime: ranges.get('kata_runtime_text'), ownSyscalls: own.own, probeSyscalls: own.probe },
    nostdlib,
    tables: judge.tables,
    checks,
    cached: false,
  };
}

/** The supervisor every untrusted run goes through (see native/judge/supervise.c). */
export const SUPERVISOR_SOURCE = path.join(nativeDir, 'judge', 'supervise.c');

type Tool = Promise<{ path?: string; error?: string }>;
const tools = new Map<string, Tool>();

/**
 * Builds one of our own small host programs (native/judge/<name>.c) with the
 * host compiler, once per content and compiler, into the build cache; later
 * calls reuse the same promise. Resolves with the error when it cannot be
 * built (no host compiler).
 */
function hostTool(name: string): Tool {
  const cached = tools.get(name);
  const fresh = () => {
    const p = buildHostTool(name);
    tools.set(name, p);
    return p;
  };
  if (!cached) return fresh();
  return cached.then((got) => (got.path && !existsSync(got.path) ? fresh() : got)); // the cache was cleared since
}

async function buildHostTool(name: string): Promise<{ path?: string; error?: string }> {
  if (!hostArch) return { error: `no ${name} for ${process.arch}` };
  const tc = toolchainFor(hostArch);
  const ccPath = which(tc.cc);
  if (!ccPath) return { error: `no host compiler (${tc.cc}) to build the ${name} program with` };
  const sourceFile = path.join(nativeDir, 'judge', `${name}.c`);
  const h = createHash('sha256').update(readFileSync(sourceFile)).update(ccPath).update(String(statSync(ccPath).mtimeMs));
  // The headers it may include (landlock.h, proc-stat.h): a change to one is a new program.
  for (const f of readdirSync(path.join(nativeDir, 'judge')).filter((f) => f.endsWith('.h')).sort()) h.update(readFileSync(path.join(nativeDir, 'judge', f)));
  const dir = buildCacheDir();
  const exe = path.join(dir, `${name}-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(exe)) return { path: exe };
  mkdirSync(dir, { recursive: true });
  const tmp = `${exe}.${nextUnique()}.tmp`;
  const built = await runTool(tc.cc, ['-O2', '-std=gnu11', '-Wall', '-Wextra', sourceFile, '-o', tmp]);
  if (built.code !== 0) {
    rmSync(tmp, { force: true });
    return { error: `native/judge/${name}.c does not build: ${firstError(built.stderr) ?? built.stderr.trim().split('\n')[0]}` };
  }
  renameSync(tmp, exe);
  return { path: exe };
}

/** The supervisor (native/judge/supervise.c): without it, programs run in a process group only, and say so. */
export function supervisorProgram(): Tool {
  return hostTool('supervise');
}

/**
 * The compiler, on a unit with the learner's text in it, contained
 * (native/judge/contain.c): it reads the system's files, the kata's own and
 * the course's headers, and writes the build directory, nothing else; so no
 * include, computed include or .incbin can reach the solutions, other
 * students' files or /dev/zero, whatever its spelling.
 */
async function containedCompile(tc: Toolchain, kata: Kata, learnerPath: string, work: string, args: string[]) {
  const contain = await hostTool('contain');
  if (!contain.path) return { code: 1, stdout: '', stderr: `the compiler cannot be contained here: ${contain.error}` };
  // The learner's own file too: GCC reads it again to quote its lines in diagnostics.
  const readable = [path.join(nativeDir, 'include'), path.join(nativeDir, 'cases'), path.join(exercisesDir, kata.id), path.resolve(learnerPath), ...(process.env.CPATH ?? '').split(':').filter(Boolean)];
  return runTool(contain.path, [...readable.flatMap((d) => ['--ro', d]), '--rw', work, '--', tc.cc, ...args], { env: { TMPDIR: work } });
}
