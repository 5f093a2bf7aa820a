// Kernel features a kata may need (io_uring allowed, vDSO present), probed by
// a tiny C program for the target arch and cached per kernel release.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Arch } from './manifest.js';
import { cacheDir, nativeDir } from './paths.js';
import { runProgram } from './sandbox.js';
import { readCache } from './schema.js';
import { toolchainFor } from './targets.js';
import { runTool } from './tools.js';

export interface Features {
  io_uring: boolean;
  io_uring_error: string;
  vdso: boolean;
  /** Landlock's ABI version (0: none): the judge confines the agent's files with it. */
  landlock?: number;
  /** A perf tracepoint counter is allowed: timed runs are syscall-counted. */
  tracepoint?: boolean;
}

/**
 * One probe per arch and cache at a time: `list` asks for every kata at
 * once, and two probes building the same executable made one of them run a
 * half-written file and report io_uring and the vDSO missing.
 */
const probing = new Map<string, Promise<Features>>();

export function probeFeatures(arch: Arch): Promise<Features> {
  const key = `${cacheDir()} ${arch}`;
  let p = probing.get(key);
  if (!p) {
    p = probeOnce(arch).finally(() => probing.delete(key));
    probing.set(key, p);
  }
  return p;
}

async function probeOnce(arch: Arch): Promise<Features> {
  const dir = cacheDir();
  const cacheFile = path.join(dir, `features-${arch}.json`);
  // tracefs may be mounted later than the kernel booted: part of the answer.
  const key = `${os.hostname()} ${os.release()} ${existsSync('/sys/kernel/tracing/events') ? 'tracefs' : ''}`;
  // The learner can write the cache: an answer that does not match the schema is probed again.
  const cached = readCache<{ key: string; features: Features }>('probe-cache.schema.json', cacheFile);
  if (cached && 'features' in cached && cached.key === key) return cached.features;
  const tc = toolchainFor(arch);
  mkdirSync(dir, { recursive: true });
  // Its own name per build: another process (a second `check`, a grader's job) may be probing too.
  const exe = path.join(dir, `features-${arch}.${process.pid}.${Date.now()}`);
  const built = await runTool(tc.cc, [
    '-O2',
    ...(tc.staticLink ? ['-static'] : []),
    path.join(nativeDir, 'probes', 'features.c'),
    '-o',
    exe,
  ]);
  const unknown: Features = { io_uring: false, io_uring_error: `probe did not build: ${built.stderr.trim()}`, vdso: false };
  if (built.code !== 0) return unknown;
  const ran = await runProgram({ argv: tc.emulator ? [tc.emulator, exe] : [exe], timeoutMs: 10_000, emulated: !!tc.emulator }).finally(() =>
    rmSync(exe, { force: true }),
  );
  let features: Features;
  try {
    features = JSON.parse(ran.stdout) as Features;
  } catch {
    return { ...unknown, io_uring_error: 'probe gave no answer' };
  }
  const tmp = `${exe}.json`;
  writeFileSync(tmp, JSON.stringify({ key, features }));
  renameSync(tmp, cacheFile); // whole or not at all, for a reader in another process
  return features;
}
