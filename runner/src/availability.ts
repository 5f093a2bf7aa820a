// Whether a kata can be checked on this machine, and if not, why, with the
// command that fixes it. A missing feature makes a kata "unavailable", never
// "failed": a learner on Docker (no io_uring) or under qemu (no vDSO) has done
// nothing wrong.
import { existsSync, readFileSync } from 'node:fs';
import type { Arch, Kata } from './manifest.js';
import { archsOf, hostArch, installCommand, isEmulated, missingTools, toolchainFor } from './targets.js';

export interface ArchAvailability {
  arch: Arch;
  emulated: boolean;
  available: boolean;
  reason?: string;
  /** Not run here (a native-only kata on an emulated arch), but compiled, so its branch of the file is checked. */
  compileOnly?: boolean;
}

export interface Availability {
  available: boolean;
  reason?: string;
  archs: ArchAvailability[];
}

/** Clocksources the kernel's vDSO reads without entering the kernel (vdso_clock_mode != NONE). */
const USER_CLOCKSOURCES = new Set(['tsc', 'kvm-clock', 'hyperv_clocksource_tsc_page', 'arch_sys_counter']);

function currentClocksource(): string | undefined {
  try {
    return readFileSync('/sys/devices/system/clocksource/clocksource0/current_clocksource', 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function forArch(kata: Kata, arch: Arch): Promise<ArchAvailability> {
  const emulated = isEmulated(arch);
  const no = (reason: string): ArchAvailability => ({ arch, emulated, available: false, reason });
  if (!hostArch) return no(`this machine's architecture (${process.arch}) is not one the course supports`);
  const requires = kata.requires ?? [];
  const tc = toolchainFor(arch);
  if (emulated && requires.includes('native-arch')) {
    const compilers = missingTools({ ...tc, emulator: undefined });
    if (compilers.length) return no(`runs on a real ${arch} machine; its code is not even compiled here without ${compilers.join(', ')}: ${installCommand(compilers)}`);
    return { arch, emulated, available: false, compileOnly: true, reason: `under emulation timings mean nothing; the checks run on ${hostArch}` };
  }
  const missing = missingTools(tc);
  if (missing.length) return no(`needs ${missing.join(', ')}: ${installCommand(missing)}`);
  if (requires.includes('user-clock') && !emulated) {
    const source = currentClocksource();
    if (source && !USER_CLOCKSOURCES.has(source))
      return no(
        `this machine's clocksource is ${source}, which the vDSO cannot read from user space: its clock_gettime makes the system call itself here (try a machine or VM with the tsc or kvm-clock clocksource)`,
      );
  }
  if (requires.includes('liburing') && !existsSync('/usr/include/liburing.h'))
    return no(`needs liburing's headers: sudo apt-get install -y liburing-dev`);
  if (requires.includes('liburing') && kata.liburingCalls?.length) {
    const { missingLiburingCalls } = await import('./liburing-calls.js'); // compiles a probe: only when needed
    const { missing } = await missingLiburingCalls(kata.liburingCalls);
    if (missing.length) return no(`this machine's liburing lacks ${missing.join(', ')} (the kata needs liburing 2.3 or later: Debian bookworm's liburing-dev)`);
  }
  if (requires.includes('io_uring') || requires.includes('vdso')) {
    const { probeFeatures } = await import('./probe.js'); // compiles a probe: only when needed
    const features = await probeFeatures(arch);
    if (requires.includes('io_uring') && !features.io_uring)
      return no(
        `io_uring is not allowed here (${features.io_uring_error || 'unknown'})${
          emulated ? ': qemu-user does not emulate it' : ': a container seccomp profile or kernel.io_uring_disabled blocks it'
        }`,
      );
    if (requires.includes('vdso') && !features.vdso)
      return no(`this process gets no vDSO (AT_SYSINFO_EHDR is 0)${emulated ? ': qemu-user gives none to guests' : ''}`);
  }
  return { arch, emulated, available: true };
}

export async function availabilityOf(kata: Kata): Promise<Availability> {
  const archs = await Promise.all(archsOf(kata).map((a) => forArch(kata, a)));
  // For 'any', the host arch decides; a foreign arch that is missing is a note.
  const decisive = kata.arch === 'any' ? archs.filter((a) => !a.emulated) : archs;
  const blocked = decisive.find((a) => !a.available);
  return blocked ? { available: false, reason: blocked.reason, archs } : { available: true, archs };
}
