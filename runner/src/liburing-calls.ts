// Whether the installed liburing has the calls a kata's task needs. Debian
// bookworm ships 2.3; a distribution with an older one lacks, say,
// io_uring_sqe_set_data64, and a learner would meet that as a compile error
// in their own file. Probed once per liburing.h by compiling and linking a
// file that takes each function's address (each macro is checked by name),
// cached in the workspace.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir as cacheDirOf } from './paths.js';
import { readCache } from './schema.js';
import { hostArch, toolchainFor } from './targets.js';
import { runTool } from './tools.js';

const HEADER = '/usr/include/liburing.h';

/** The probe's source: one line per name, a macro by #ifdef, anything else by its address. */
function probeSource(names: string[]): string {
  const lines = names.map((n, i) => `#ifndef ${n}\nvoid *kata_probe_${i}(void) { return (void *)&${n}; }\n#endif`);
  return `#include <liburing.h>\n${lines.join('\n')}\nint main(void) { return 0; }\n`;
}

/** Names the compiler or the linker did not find, from their messages (not its "did you mean" suggestions). */
function namesMissing(names: string[], stderr: string): string[] {
  return names.filter((n) => new RegExp(`[‘'\`]${n}[’'] undeclared|undefined reference to [‘'\`]${n}[’']`).test(stderr));
}

let courseProbe: Promise<{ missing: string[]; error?: string }> | undefined;

/**
 * The calls of `names` this machine's liburing lacks. Every call the course
 * names is probed at once (one compile, one cache file, however many katas
 * ask), and the answer is filtered to `names`.
 */
export async function missingLiburingCallsOf(names: string[]): Promise<{ missing: string[]; error?: string }> {
  courseProbe ??= import('./katas.js').then(({ loadKatas }) => missingLiburingCalls(loadKatas().katas.flatMap((k) => k.liburingCalls ?? [])));
  const all = await courseProbe;
  return { missing: all.missing.filter((n) => names.includes(n)), error: all.error };
}

/** The calls of `names` that this machine's liburing lacks ([] when it has them all). */
export async function missingLiburingCalls(names: string[]): Promise<{ missing: string[]; error?: string }> {
  if (names.length === 0) return { missing: [] };
  if (!existsSync(HEADER) || !hostArch) return { missing: names, error: `no ${HEADER}` };
  const wanted = [...new Set(names)].sort();
  const key = createHash('sha256').update(`${statSync(HEADER).mtimeMs} ${wanted.join(' ')}`).digest('hex').slice(0, 16);
  const cacheDir = cacheDirOf();
  const cacheFile = path.join(cacheDir, `liburing-${key}.json`);
  // The learner can write the cache: an answer that does not match the schema is probed again.
  const cached = readCache<{ missing: string[] }>('probe-cache.schema.json', cacheFile);
  if (cached && 'missing' in cached) return { missing: cached.missing };
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(path.join(cacheDir, 'liburing-probe-'));
  try {
    const src = path.join(dir, 'probe.c');
    writeFileSync(src, probeSource(wanted));
    const r = await runTool(toolchainFor(hostArch).cc, [src, '-luring', '-o', path.join(dir, 'probe')]);
    const missing = r.code === 0 ? [] : namesMissing(wanted, r.stderr);
    if (r.code !== 0 && missing.length === 0) return { missing: [], error: `the liburing probe did not build: ${r.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
    writeFileSync(path.join(dir, 'answer.json'), JSON.stringify({ missing }));
    renameSync(path.join(dir, 'answer.json'), cacheFile); // whole or not at all, for a reader in another process
    return { missing };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
