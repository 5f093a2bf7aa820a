// `npm pack` / `npm publish` (the prepack script): what the package needs that
// is not in git. The compiled runner (runner/dist, built afresh so nothing
// stale ships, without source maps since the TypeScript is not shipped), and
// the native addon prebuilt for linux-x64 and linux-arm64 (N-API: one build
// per arch serves every Node >= 20), so that an install needs no compiler for
// it. The arch that is not this machine's is cross-built (g++-aarch64-linux-gnu
// or g++-x86-64-linux-gnu). Fails loudly: a package without them is broken.
// Everything goes to stderr: stdout is `npm pack --json`'s.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { addonDir, nodeGypRebuild, repo } from './node-gyp.mjs';

const say = (line) => console.error(`syscall-katas prepack: ${line}`);
function die(line) {
  say(line);
  process.exit(1);
}

// 1. runner/dist from scratch.
const dist = path.join(repo, 'runner', 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(path.join(repo, 'package.json')).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', path.join(repo, 'tsconfig.json')], { cwd: repo, stdio: ['ignore', 2, 2] });
if (built.status !== 0) die('tsc failed (above)');
say('runner/dist compiled');

// 2. The prebuilt addons.
const targets = [
  { arch: 'x64', elf: 62, triple: 'x86_64-linux-gnu' },
  { arch: 'arm64', elf: 183, triple: 'aarch64-linux-gnu' },
];
const prebuilds = path.join(addonDir, 'prebuilds');
rmSync(prebuilds, { recursive: true, force: true });

/** e_machine of an ELF file. */
function elfMachine(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(20);
  readSync(fd, b, 0, 20, 0);
  closeSync(fd);
  return b.toString('latin1', 1, 4) === 'ELF' ? b.readUInt16LE(18) : -1;
}

/** The newest glibc symbol version the file needs: what it loads on. */
function glibcNeeded(file, triple) {
  for (const objdump of [`${triple}-objdump`, 'objdump']) {
    const r = spawnSync(objdump, ['-T', file], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const versions = [...r.stdout.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const v = versions.at(-1);
    return v ? `${v[0]}.${v[1]}` : 'none';
  }
  return 'unknown (no objdump)';
}

for (const t of targets) {
  const native = os.arch() === t.arch;
  const cxx = native ? 'g++' : `${t.triple}-g++`;
  const cc = native ? 'gcc' : `${t.triple}-gcc`;
  if (spawnSync(cxx, ['--version']).status !== 0)
    die(`${cxx} is missing: it builds the ${t.arch} prebuilt addon (Debian/Ubuntu: apt-get install g++-${t.triple.replace(/_/g, '-')})`);
  // A copy, so the maintainer's own native/addon/build is left alone.
  const work = mkdtempSync(path.join(os.tmpdir(), `syscall-katas-prebuild-${t.arch}-`));
  cpSync(path.join(addonDir, 'binding.gyp'), path.join(work, 'binding.gyp'));
  cpSync(path.join(addonDir, 'src'), path.join(work, 'src'), { recursive: true });
  // libstdc++ stays shared: node itself needs it, and linking it in would pull
  // in symbols of this machine's newest glibc (arc4random, 2.36). Shared, the
  // addon needs glibc >= 2.32 and GLIBCXX_3.4.21 (GCC 5).
  const env = { CC: cc, CXX: cxx, LINK: cxx };
  const r = nodeGypRebuild({ dir: work, arch: t.arch, env, logFile: path.join(work, 'build-error.log') });
  if (!r.ok) die(`the ${t.arch} addon did not build:\n    ${r.cause.join('\n    ')}${r.log ? `\n  the whole log: ${r.log}` : ''}`);
  if (elfMachine(r.file) !== t.elf) die(`${r.file} is not a ${t.arch} ELF file (e_machine ${elfMachine(r.file)})`);
  const dest = path.join(prebuilds, `linux-${t.arch}`, 'launch.napi.glibc.node');
  mkdirSync(path.dirname(dest), { recursive: true });
  copyFileSync(r.file, dest);
  rmSync(work, { recursive: true, force: true });
  if (native) {
    const mod = createRequire(import.meta.url)(dest);
    if (typeof mod.launch !== 'function') die(`${dest} loads but has no launch()`);
  }
  say(`${path.relative(repo, dest)}: ${r.seconds.toFixed(1)} s, needs glibc >= ${glibcNeeded(dest, t.triple)}${native ? ', loads here' : ''}`);
}
if (!existsSync(prebuilds)) die('no prebuilds');
