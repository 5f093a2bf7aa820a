// The course's test vDSO images (native/vdso/): built for the agent's arch
// with that arch's compiler, once per content, and linked into the judge of
// every kata whose driver includes kata-vdso.h (as bytes: the judge loads and
// rearranges its own copy, native/judge/vdso-image.c).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Arch } from './manifest.js';
import { nativeDir } from './paths.js';
import { hostArch, toolchainFor } from './targets.js';
import { runTool } from './tools.js';
import { publishDir } from './build.js';

/** The variants the judge knows (enum kata_image_variant): hash tables, and two versions of the clock. */
const VARIANTS = [
  { symbol: 'sysv', hash: 'sysv', two: false },
  { symbol: 'gnu', hash: 'gnu', two: false },
  { symbol: 'both', hash: 'both', two: false },
  { symbol: 'sysv_two', hash: 'sysv', two: true },
  { symbol: 'gnu_two', hash: 'gnu', two: true },
] as const;

const imageDir = path.join(nativeDir, 'vdso');

/** Whether a driver (or a shared file it includes) uses the images. */
export function usesImages(driver: string): boolean {
  const seen = new Set<string>();
  const look = (file: string): boolean => {
    if (seen.has(file) || !existsSync(file)) return false;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    if (/^\s*#\s*include\s+"kata-vdso\.h"/m.test(text)) return true;
    return [...text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)].some((m) => look(path.join(nativeDir, m[1]!)) || look(path.join(path.dirname(file), m[1]!)));
  };
  return look(driver);
}

/**
 * Builds the images for `arch` and an object (for the host, where the judge
 * runs) that holds them as kata_image_<variant>[] .. kata_image_<variant>_end[].
 */
export async function imagesObject(arch: Arch, cacheRoot: string): Promise<{ obj?: string; error?: string }> {
  if (!hostArch) return { error: `no judge for ${process.arch}` };
  const tc = toolchainFor(arch);
  const host = toolchainFor(hostArch);
  const h = createHash('sha256').update(tc.cc).update(host.cc);
  for (const f of readdirSync(imageDir).sort()) h.update(readFileSync(path.join(imageDir, f)));
  h.update(readFileSync(path.join(nativeDir, 'include', 'kata-vdso-image.h')));
  const dir = path.join(cacheRoot, `vdso-images-${arch}-${h.digest('hex').slice(0, 16)}`);
  const obj = path.join(dir, 'images.o');
  if (existsSync(obj)) return { obj };
  const tmp = `${dir}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const built = await Promise.all(
    VARIANTS.map((v) =>
      runTool(tc.cc, [
        '-O2', '-fPIC', '-shared', '-nostdlib', '-ffreestanding', '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
        ...(v.two ? ['-DKATA_IMAGE_TWO_VERSIONS'] : []),
        '-I', path.join(nativeDir, 'include'),
        `-Wl,-T,${path.join(imageDir, 'image.lds')}`,
        `-Wl,--version-script=${path.join(imageDir, `versions-${arch}.map`)}`,
        `-Wl,--hash-style=${v.hash}`,
        '-Wl,-soname=linux-vdso.so.1', '-Wl,--build-id=none', '-Wl,-z,norelro', '-Wl,-Bsymbolic',
        path.join(imageDir, 'image.c'),
        '-o', path.join(tmp, `${v.symbol}.so`),
      ]),
    ),
  );
  const failed = built.find((r) => r.code !== 0);
  if (failed) {
    rmSync(tmp, { recursive: true, force: true });
    return { error: `the test vDSO images do not build with ${tc.cc}: ${failed.stderr.trim()}` };
  }
  const asm = VARIANTS.map(
    (v) => `\t.globl kata_image_${v.symbol}, kata_image_${v.symbol}_end\n\t.balign 16\nkata_image_${v.symbol}:\n\t.incbin "${v.symbol}.so"\nkata_image_${v.symbol}_end:\n`,
  ).join('');
  writeFileSync(path.join(tmp, 'images.S'), `\t.section .rodata\n${asm}\t.section .note.GNU-stack,"",@progbits\n`);
  const r = await runTool(host.cc, ['-c', 'images.S', '-o', 'images.o'], { cwd: tmp });
  if (r.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    return { error: r.stderr };
  }
  publishDir(tmp, dir);
  return { obj };
}
