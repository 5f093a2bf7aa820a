// Which architectures this machine can build and run, with which tools, and
// what each missing piece costs. One table of tools -> Debian packages so that
// every "missing" message carries the exact install command.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Arch, Kata } from './manifest.js';

export const hostArch: Arch | undefined =
  process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : undefined;

export interface Toolchain {
  arch: Arch;
  cc: string;
  nm: string;
  objdump: string;
  objcopy: string;
  /** The user-mode emulator that runs this arch here, if it is not the host's. */
  emulator?: string;
  /** Foreign binaries are linked statically so that qemu needs no sysroot. */
  staticLink: boolean;
}

export function toolchainFor(arch: Arch): Toolchain {
  if (arch === hostArch) {
    return { arch, cc: process.env.CC || 'cc', nm: 'nm', objdump: 'objdump', objcopy: 'objcopy', staticLink: false };
  }
  const prefix = `${arch === 'x86_64' ? 'x86_64' : 'aarch64'}-linux-gnu-`;
  return {
    arch,
    cc: `${prefix}gcc`,
    nm: `${prefix}nm`,
    objdump: `${prefix}objdump`,
    objcopy: `${prefix}objcopy`,
    emulator: `qemu-${arch}`,
    staticLink: true,
  };
}

/** Debian package for each tool we look for. */
const packageOf: Record<string, string> = {
  cc: 'gcc',
  gcc: 'gcc',
  nm: 'binutils',
  objdump: 'binutils',
  strace: 'strace',
  'aarch64-linux-gnu-gcc': 'gcc-aarch64-linux-gnu',
  'aarch64-linux-gnu-nm': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-objdump': 'binutils-aarch64-linux-gnu',
  'x86_64-linux-gnu-gcc': 'gcc-x86-64-linux-gnu',
  'x86_64-linux-gnu-nm': 'binutils-x86-64-linux-gnu',
  'x86_64-linux-gnu-objdump': 'binutils-x86-64-linux-gnu',
  'qemu-aarch64': 'qemu-user',
  'qemu-x86_64': 'qemu-user',
};

export function installCommand(tools: string[]): string {
  const pkgs = [...new Set(tools.map((t) => packageOf[t] ?? t))];
  return `sudo apt-get install -y ${pkgs.join(' ')}`;
}

const whichCache = new Map<string, string | undefined>();

/** PATH lookup without spawning a shell (list and next must start fast). */
export function which(cmd: string): string | undefined {
  if (whichCache.has(cmd)) return whichCache.get(cmd);
  let found: string | undefined;
  if (cmd.includes('/')) {
    found = isExecutable(cmd) ? cmd : undefined;
  } else {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const candidate = path.join(dir || '.', cmd);
      if (isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
  }
  whichCache.set(cmd, found);
  return found;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function missingTools(tc: Toolchain): string[] {
  const needed = [tc.cc, tc.nm, tc.objdump, ...(tc.emulator ? [tc.emulator] : [])];
  return needed.filter((t) => !which(t));
}

/** A kata's 'any' means: every arch we can build and run here, host first. */
export function archsOf(kata: Kata): Arch[] {
  if (kata.arch !== 'any') return [kata.arch];
  const all: Arch[] = ['x86_64', 'aarch64'];
  return hostArch ? [hostArch, ...all.filter((a) => a !== hostArch)] : all;
}

export function isEmulated(arch: Arch): boolean {
  return arch !== hostArch;
}
