// Compiles a learner's file for one arch: their object alone (for diagnostics
// and the symbol checks), then the kata program (driver + harness + their
// code). Outcomes are cached by content hash, so a second check of an
// unchanged file does not recompile.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Arch, BuildMode, Kata } from './manifest.js';
import { displayPath, driverFile, nativeDir, workspaceDir } from './paths.js';
import type { CheckResult } from './result.js';
import { checkIncludeHygiene, checkInstructions, checkSymbols } from './symbols.js';
import { hostArch, type Toolchain, toolchainFor, which } from './targets.js';
import { runTool } from './tools.js';

/** Bump when the way programs are built changes, to drop stale caches. */
const BUILD_VERSION = 2;

export const COMMON_CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-fdiagnostics-color=never'];
const FREESTANDING = ['-ffreestanding', '-fno-stack-protector', '-fno-builtin'];
/** Every file under native/ that a kata program can be built from: a change to any rebuilds. */
const HARNESS_DIRS = ['harness', 'include', 'cases'];

function harnessSources(): string[] {
  return HARNESS_DIRS.flatMap((d) =>
    readdirSync(path.join(nativeDir, d), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort(),
  );
}

export interface BuildOutcome {
  /** The program to run, when every build step passed. */
  exe?: string;
  /** compile, symbols, instructions: each pass or fail with the reason. */
  checks: CheckResult[];
  cached: boolean;
}

function buildMode(kata: Kata): BuildMode {
  return kata.build?.mode ?? 'link';
}

function fingerprint(kata: Kata, tc: Toolchain, learnerSource: string): string {
  const h = createHash('sha256');
  const ccPath = which(tc.cc);
  h.update(JSON.stringify({ v: BUILD_VERSION, arch: tc.arch, cc: ccPath, ccTime: ccPath ? statSync(ccPath).mtimeMs : 0 }));
  h.update(JSON.stringify({ build: kata.build, symbols: kata.symbols, insn: kata.forbiddenInstructions }));
  h.update(learnerSource);
  h.update(readFileSync(driverFile(kata.id)));
  for (const f of harnessSources()) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 32);
}

/** Compiler output, trimmed to what a learner reads: the lines that matter first. */
function compilerDetails(stderr: string): string[] {
  const lines = stderr.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.length > 40 ? [...lines.slice(0, 40), `… ${lines.length - 40} more lines`] : lines;
}

function firstError(stderr: string): string | undefined {
  return stderr.split('\n').find((l) => /: (fatal )?error: /.test(l) || /undefined reference/.test(l));
}

/** The harness's own C files, linked into every kata program but -nostdlib ones. */
export const HARNESS_UNITS = ['harness.c', 'hmac.c', 'timing.c', 'references.c', 'rounds.c'];

/** Compiles the harness once per arch and content; kata builds reuse the objects. */
export async function harnessObjects(tc: Toolchain, cacheRoot: string): Promise<{ objs?: string[]; error?: string }> {
  const h = createHash('sha256').update(tc.cc).update(JSON.stringify(COMMON_CFLAGS));
  for (const f of harnessSources()) h.update(readFileSync(f));
  const dir = path.join(cacheRoot, `harness-${tc.arch}-${h.digest('hex').slice(0, 16)}`);
  const objs = HARNESS_UNITS.map((u) => path.join(dir, u.replace(/\.c$/, '.o')));
  if (objs.every((o) => existsSync(o))) return { objs };
  const tmp = `${dir}.${process.pid}.tmp`;
  mkdirSync(tmp, { recursive: true });
  const built = await Promise.all(
    HARNESS_UNITS.map((u) =>
      runTool(tc.cc, [...COMMON_CFLAGS, '-I', path.join(nativeDir, 'include'), '-c', path.join(nativeDir, 'harness', u), '-o', path.join(tmp, u.replace(/\.c$/, '.o'))]),
    ),
  );
  const failed = built.find((r) => r.code !== 0);
  if (failed) {
    rmSync(tmp, { recursive: true, force: true });
    return { error: failed.stderr };
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { objs };
}

export async function buildKata(kata: Kata, arch: Arch, learnerPath: string): Promise<BuildOutcome> {
  const tc = toolchainFor(arch);
  const cacheRoot = path.join(workspaceDir(), '.cache', 'build');
  const source = readFileSync(learnerPath, 'utf8');
  const key = fingerprint(kata, tc, source) + path.basename(learnerPath);
  const dir = path.join(cacheRoot, createHash('sha256').update(key).digest('hex').slice(0, 32));
  const outcomeFile = path.join(dir, 'outcome.json');
  if (existsSync(outcomeFile)) {
    const outcome = JSON.parse(readFileSync(outcomeFile, 'utf8')) as BuildOutcome;
    if (!outcome.exe || existsSync(outcome.exe)) return { ...outcome, cached: true };
  }
  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const outcome = await buildFresh(kata, tc, learnerPath, work, cacheRoot);
  // Publish atomically: a concurrent check never sees half a build.
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  const published: BuildOutcome = { ...outcome, exe: outcome.exe && path.join(dir, path.basename(outcome.exe)) };
  writeFileSync(outcomeFile, JSON.stringify(published));
  pruneBuilds(cacheRoot);
  return published;
}

/** Builds kept in the cache: every save of a learner's file makes one. */
const KEPT_BUILDS = 300;

/** Drops the least recently made builds past KEPT_BUILDS (harness objects stay). */
function pruneBuilds(cacheRoot: string): void {
  const builds = readdirSync(cacheRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{32}$/.test(e.name))
    .map((e) => ({ dir: path.join(cacheRoot, e.name), time: statSync(path.join(cacheRoot, e.name)).mtimeMs }));
  if (builds.length <= KEPT_BUILDS) return;
  builds.sort((a, b) => b.time - a.time);
  for (const old of builds.slice(KEPT_BUILDS)) rmSync(old.dir, { recursive: true, force: true });
}

async function buildFresh(kata: Kata, tc: Toolchain, learnerPath: string, work: string, cacheRoot: string): Promise<BuildOutcome> {
  const arch = tc.arch;
  const mode = buildMode(kata);
  const shown = displayPath(learnerPath);
  // native/include for kata.h; native/ itself for shared case sets (cases/*.c).
  const include = ['-I', path.join(nativeDir, 'include'), '-I', nativeDir];
  const extra = kata.build?.cflags ?? [];
  const freestanding = mode === 'nostdlib' ? FREESTANDING : [];
  const keepInline = mode === 'include' ? ['-fkeep-static-functions', '-fkeep-inline-functions'] : [];
  const learnerObj = path.join(work, 'learner.o');
  const checks: CheckResult[] = [];

  const [compiled, harness] = await Promise.all([
    runTool(tc.cc, [...COMMON_CFLAGS, ...extra, ...freestanding, ...keepInline, '-c', shown, '-o', learnerObj]),
    mode === 'nostdlib' ? Promise.resolve({ objs: [], error: undefined }) : harnessObjects(tc, cacheRoot),
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
  if (harness.error) {
    checks.push({ name: 'compile', kind: 'compile', arch, status: 'error', message: 'the shared harness does not compile (a bug in the course, not in your code)', details: compilerDetails(harness.error) });
    return { checks, cached: false };
  }
  const warnings = compiled.stderr.trim();
  checks.push({
    name: 'compile',
    kind: 'compile',
    arch,
    status: 'pass',
    message: warnings ? `compiles, with warnings worth reading` : undefined,
    details: warnings ? compilerDetails(compiled.stderr) : undefined,
  });

  const exe = path.join(work, 'prog');
  const driver = driverFile(kata.id);
  const staticFlag = tc.staticLink || mode === 'nostdlib' ? ['-static'] : [];
  const libs = kata.build?.libs ?? [];
  let linkArgs: string[];
  if (mode === 'link') linkArgs = [...COMMON_CFLAGS, ...extra, ...include, driver, ...harness.objs!, learnerObj, ...staticFlag, ...libs, '-o', exe];
  else if (mode === 'include')
    linkArgs = [...COMMON_CFLAGS, ...extra, ...include, `-DKATA_LEARNER="${path.resolve(learnerPath)}"`, driver, ...harness.objs!, ...staticFlag, ...libs, '-o', exe];
  else
    linkArgs = [...COMMON_CFLAGS, ...extra, ...FREESTANDING, '-nostdlib', ...include, driver, learnerObj, path.join(nativeDir, 'harness', `start-${arch}.S`), '-static', '-o', exe];

  const [symbols, hygiene, instructions, linked] = await Promise.all([
    checkSymbols(kata, tc, learnerObj, shown),
    mode === 'include' ? checkIncludeHygiene(tc, shown, driver, [...COMMON_CFLAGS, ...extra, ...freestanding], shown) : Promise.resolve(undefined),
    checkInstructions(kata, tc, learnerObj, shown),
    runTool(tc.cc, linkArgs, { cwd: work }),
  ]);
  // One "symbols" check: what the learner's file defines, imports and contains.
  if (hygiene && symbols.status === 'pass') checks.push(hygiene);
  else if (hygiene) checks.push({ ...symbols, details: [...(symbols.details ?? []), hygiene.message!, ...(hygiene.details ?? [])] });
  else checks.push(symbols);
  if (instructions) checks.push(instructions);
  if (linked.code !== 0) {
    const undefinedRef = /undefined reference to [`'"]([^`'"]+)/.exec(linked.stderr)?.[1];
    checks.push({
      name: 'link',
      kind: 'compile',
      arch,
      status: 'fail',
      message: undefinedRef
        ? `does not link: nothing defines \`${undefinedRef}\`${mode === 'nostdlib' ? ' (this program has no libc at all)' : ''}`
        : `does not build with the kata's driver: ${firstError(linked.stderr) ?? 'see the compiler output'}`,
      details: compilerDetails(linked.stderr),
    });
    return { checks, cached: false };
  }
  // A forbidden instruction fails the kata but the cases still run: seeing
  // *why* it is wrong (int $0x80 truncating a pointer) is the lesson. Code
  // that imports what it must not never runs: it could pass by cheating.
  const blocked = checks.some((c) => c.kind !== 'instructions' && c.status !== 'pass');
  return { exe: blocked ? undefined : exe, checks, cached: false };
}

/** The supervisor every untrusted run goes through (see native/harness/supervise.c). */
export const SUPERVISOR_SOURCE = path.join(nativeDir, 'harness', 'supervise.c');

let supervisor: Promise<{ path?: string; error?: string }> | undefined;

/**
 * Builds native/harness/supervise.c with the host compiler, once per content
 * and compiler, into the build cache; later calls reuse the same promise.
 * Resolves with the error when it cannot be built (no host compiler): the
 * sandbox then runs programs without it, and says so.
 */
export async function supervisorProgram(): Promise<{ path?: string; error?: string }> {
  const got = await (supervisor ??= buildSupervisor());
  if (got.path && !existsSync(got.path)) {
    // The cache was cleared (or the workspace moved) since: build it again.
    supervisor = buildSupervisor();
    return supervisor;
  }
  return got;
}

async function buildSupervisor(): Promise<{ path?: string; error?: string }> {
  if (!hostArch) return { error: `no supervisor for ${process.arch}` };
  const tc = toolchainFor(hostArch);
  const ccPath = which(tc.cc);
  if (!ccPath) return { error: `no host compiler (${tc.cc}) to build the supervisor with` };
  const source = readFileSync(SUPERVISOR_SOURCE);
  const h = createHash('sha256').update(source).update(ccPath).update(String(statSync(ccPath).mtimeMs));
  const dir = path.join(workspaceDir(), '.cache', 'build');
  const exe = path.join(dir, `supervise-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(exe)) return { path: exe };
  mkdirSync(dir, { recursive: true });
  const tmp = `${exe}.${process.pid}.tmp`;
  const built = await runTool(tc.cc, ['-O2', '-std=gnu11', '-Wall', '-Wextra', SUPERVISOR_SOURCE, '-o', tmp]);
  if (built.code !== 0) {
    rmSync(tmp, { force: true });
    return { error: `the supervisor does not build: ${firstError(built.stderr) ?? built.stderr.trim().split('\n')[0]}` };
  }
  renameSync(tmp, exe);
  return { path: exe };
}
