// `syscall-katas doctor`: what this machine has for the course, and the exact
// command that installs what is missing. It exits 1 when grading here would
// lose a defence this user could have on this machine (the addon, the judge's
// seccomp library, Landlock, as root the timed syscall count): CI stops there
// instead of grading student code with less confinement than it expects.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pc } from './style.js';
import type { Arch } from './manifest.js';
import { repoRoot, solutionsDir } from './paths.js';
import { type Features, probeFeatures } from './probe.js';
import { hostArch, installCommand, missingTools, toolchainFor, which } from './targets.js';

interface Finding {
  name: string;
  ok: boolean;
  detail: string;
  /** Tools whose packages fix it. */
  fix?: string;
  /** Not ok means grading here loses a defence (doctor exits 1). */
  defence?: boolean;
}

export interface Diagnosis {
  hostArch: string;
  findings: Finding[];
  install?: string;
  /** The defences grading here would lose: the names of the failed defence findings. */
  lost: string[];
}

function tool(name: string, purpose: string, defence = false): Finding {
  const found = which(name);
  return { name, ok: !!found, detail: found ? `${found} (${purpose})` : `missing: ${purpose}`, fix: found ? undefined : name, defence };
}

/** Where the course's files are, and where the learner's work goes. */
async function whereFindings(): Promise<Finding[]> {
  const { describeWorkspace, isInstalled, locateWorkspace } = await import('./workspace-root.js');
  const w = locateWorkspace();
  const solutions = existsSync(solutionsDir);
  return [
    {
      name: 'course',
      ok: true,
      detail: `${repoRoot} (${isInstalled() ? 'installed package' : 'a clone'}${solutions ? '' : '; no solutions: `verify` and the reference column of `trace` need a clone'})`,
    },
    { name: 'workspace', ok: w.dir !== undefined, detail: describeWorkspace(w) },
  ];
}

/** The native addon: what it adds, or what is lost without it. */
async function addonFinding(): Promise<Finding> {
  const { addonAvailable, addonFile, addonLoadError, buildAddonCommand, launch } = await import('./addon.js');
  if (!addonAvailable())
    return {
      name: 'native addon',
      ok: false,
      defence: true,
      detail: `${addonLoadError()}. Without it learner programs still run isolated (own process group, timeout, capped output), but with no rlimits on CPU, memory or file size, no rusage, no instruction counts and a runner other processes of your uid can trace. Needs python3, make and g++: then \`${buildAddonCommand()}\``,
    };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-doctor-'));
  try {
    const r = await launch({ argv: ['true'], cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdoutPath: path.join(dir, 'o'), stderrPath: path.join(dir, 'e'), timeoutMs: 5000, perf: true });
    const perf = r.perf ? `instruction counts available (${r.perf.instructions} for /bin/true)` : `no instruction counts: perf counters ${r.perfError ?? 'unavailable'}`;
    const file = addonFile() ?? '';
    const kind = file.includes(`${path.sep}prebuilds${path.sep}`) ? 'prebuilt' : 'built';
    return { name: 'native addon', ok: true, defence: true, detail: `${kind} (${path.relative(repoRoot, file)}): rlimits, rusage; ${perf}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the judge's confinement of the agent gives on this machine (docs/architecture.md, threat model). */
function confinementFindings(f: Features): Finding[] {
  const ll = f.landlock ?? 0;
  const root = process.getuid?.() === 0;
  return [
    {
      name: 'Landlock',
      ok: ll >= 1,
      defence: true,
      detail:
        ll >= 6
          ? `ABI ${ll}: the agent writes only its own directory, reads only the system's files, and cannot signal the judge`
          : ll >= 1
            ? `ABI ${ll}: files confined; signals to the judge are refused by seccomp and ${root ? 'a uid of its own' : 'nothing else (Linux >= 6.12 scopes them)'}`
            : 'absent (Linux < 5.13 or disabled): the agent can write what your uid can; grade untrusted code as root (a uid of its own per agent) or in a disposable job',
    },
    {
      name: 'agent uid',
      ok: true,
      detail: root ? 'a fresh uid per agent (the judge runs as root)' : 'your uid (run as root, as CI does, for a uid of its own per agent)',
    },
    {
      // Root can have it (mount tracefs); for other users it is not to be had, so not lost.
      name: 'timed syscalls',
      ok: !!f.tracepoint,
      defence: root,
      detail: f.tracepoint
        ? 'counted by a perf tracepoint during timed runs: code that skips its syscall only while timed fails'
        : `not counted while timed (${root ? 'mount tracefs: `mount -t tracefs nodev /sys/kernel/tracing`' : 'needs root and tracefs'}); the traced runs and the budget floor still decide`,
    },
  ];
}

/** The liburing calls the io_uring katas name (kata.json `liburingCalls`), against the installed liburing. */
async function liburingCallsFinding(): Promise<Finding> {
  const { loadKatas } = await import('./katas.js');
  const { missingLiburingCalls } = await import('./liburing-calls.js');
  const needs = loadKatas().katas.filter((k) => k.liburingCalls?.length);
  const { missing, error } = await missingLiburingCalls(needs.flatMap((k) => k.liburingCalls!));
  const short = needs.filter((k) => k.liburingCalls!.some((c) => missing.includes(c))).map((k) => k.id);
  const count = new Set(needs.flatMap((k) => k.liburingCalls!)).size;
  return {
    name: 'liburing calls',
    ok: missing.length === 0 && !error,
    detail: error ?? (missing.length ? `missing ${missing.join(', ')} (needed by ${short.join(', ')}): liburing 2.3 or later has them` : `all ${count} the io_uring katas use are declared and link`),
  };
}

export async function diagnose(): Promise<Diagnosis> {
  const findings: Finding[] = [];
  const host = hostArch;
  if (!host) return { hostArch: process.arch, findings: [{ name: 'architecture', ok: false, defence: true, detail: `${process.arch} is not supported (x86_64 or aarch64)` }], lost: ['architecture'] };
  findings.push(...(await whereFindings()));
  const foreign: Arch = host === 'x86_64' ? 'aarch64' : 'x86_64';
  const native = toolchainFor(host);
  const cross = toolchainFor(foreign);
  findings.push(tool(native.cc, `C compiler for ${host} katas`, true));
  findings.push(tool(cross.cc, `cross compiler for ${foreign} katas`));
  findings.push(tool(cross.emulator!, `runs ${foreign} katas on this ${host} machine`));
  const liburing = existsSync('/usr/include/liburing.h');
  findings.push({ name: 'liburing', ok: liburing, detail: liburing ? '/usr/include/liburing.h' : 'missing: headers and library for the io_uring katas', fix: liburing ? undefined : 'liburing-dev' });
  if (liburing) findings.push(await liburingCallsFinding());
  const feature = (arch: Arch, f: Features) => {
    const where = arch === host ? 'natively' : `under ${toolchainFor(arch).emulator}`;
    findings.push({ name: `io_uring (${arch})`, ok: f.io_uring, detail: f.io_uring ? `allowed ${where}` : `not available ${where}: ${f.io_uring_error}` });
    findings.push({
      name: `vDSO (${arch})`,
      ok: f.vdso,
      detail: f.vdso
        ? `present ${where}`
        : `absent ${where} (AT_SYSINFO_EHDR is 0)${arch === host ? '' : ': the vDSO katas hand it the course\'s test image instead, and check it there'}`,
    });
  };
  findings.push(await addonFinding());
  const seccomp = existsSync('/usr/include/seccomp.h');
  findings.push({ name: 'libseccomp', ok: seccomp, defence: true, detail: seccomp ? 'the judge builds its filter for the agent with it' : 'missing: the judge cannot be built without it', fix: seccomp ? undefined : 'libseccomp-dev' });
  if (missingTools(native).length === 0) {
    const f = await probeFeatures(host);
    feature(host, f);
    findings.push(...confinementFindings(f));
  }
  if (missingTools(cross).length === 0) feature(foreign, await probeFeatures(foreign));
  const fixes = findings.flatMap((f) => (f.fix ? [f.fix] : []));
  const lost = findings.filter((f) => f.defence && !f.ok).map((f) => f.name);
  return { hostArch: host, findings, install: fixes.length ? installCommand(fixes) : undefined, lost };
}

export function renderDiagnosis(d: Diagnosis): string {
  const lines = [`${pc.bold('syscall-katas doctor')} — this machine is ${d.hostArch}`, ''];
  for (const f of d.findings) lines.push(`  ${f.ok ? pc.green('✓') : pc.yellow('✗')} ${f.name.padEnd(22)} ${f.detail}`);
  lines.push('');
  if (d.install) lines.push(`Install what is missing with:\n  ${pc.cyan(d.install)}`);
  if (d.lost.length) lines.push(pc.red(`Grading here would lose a defence (${d.lost.join(', ')}): fix it before grading anyone's code (doctor exits 1).`));
  else if (!d.install) lines.push(pc.green('Everything the course uses is here.'));
  const kernelOnly = d.findings.filter((f) => !f.ok && !f.fix);
  if (kernelOnly.length) lines.push(pc.dim('Katas that need a missing kernel feature show as "unavailable", not failed.'));
  return lines.join('\n');
}
