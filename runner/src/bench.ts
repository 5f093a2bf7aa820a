// `syscall-katas bench`: the seed's table, live. Builds native/bench/boundary.c
// with the harness's measuring engine, runs it in a child, and reports ns/call
// of each reference operation, the syscall/call ratio, what 10k and 1M
// syscalls per second cost a core, the mitigations in force and the
// clocksource. --json gives a shape close to Google Benchmark's.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCacheDir, COMMON_CFLAGS, judgeObjects } from './build.js';
import { nativeDir } from './paths.js';
import { bar } from './bars.js';
import { runProgram } from './sandbox.js';
import { spreadPct, median } from './stats.js';
import { pc, terminalWidth } from './style.js';
import { hostArch, toolchainFor } from './targets.js';
import { runTool } from './tools.js';

interface RawBenchmark {
  name: string;
  label: string;
  iters: number;
  rerun: number;
  disturbed: number;
  wallNs: number[];
  cpuNs: number[];
  insnPerCall?: number;
}

export interface BenchReport {
  context: {
    date: string;
    host_name: string;
    executable: string;
    num_cpus: number;
    arch: string;
    kernel: string;
    clocksource: string;
    mitigations: Record<string, string>;
    pinned_cpu: number;
    loop_overhead_ns: number;
    library_build_type: 'release';
  };
  benchmarks: {
    name: string;
    label: string;
    run_name: string;
    run_type: 'aggregate';
    aggregate_name: 'median';
    iterations: number;
    repetitions: number;
    real_time: number;
    cpu_time: number;
    time_unit: 'ns';
    spread_pct: number;
    rerun_epochs: number;
    disturbed_epochs: number;
    /** User-space instructions per call, where perf counters are allowed. */
    instructions_per_call?: number;
  }[];
  derived: {
    syscall_over_call: number;
    core_share_10k_per_s_pct: number;
    core_share_1m_per_s_pct: number;
    vdso_saves_ns: number;
  };
}

function readSys(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function mitigations(): Record<string, string> {
  const dir = '/sys/devices/system/cpu/vulnerabilities';
  try {
    return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readSys(path.join(dir, f))]));
  } catch {
    return {};
  }
}

export async function runBench(epochs: number): Promise<BenchReport> {
  if (!hostArch) throw new Error(`bench runs on x86-64 or AArch64, not ${process.arch}`);
  const tc = toolchainFor(hostArch);
  const cache = buildCacheDir();
  const judge = await judgeObjects(tc, cache);
  if (!judge.objs) throw new Error(`the measuring engine does not compile:\n${judge.error}`);
  const exe = path.join(cache, `boundary-${hostArch}`);
  const objs = judge.objs.filter((o) => /\/(timing|references)\.o$/.test(o)); // the engine and the references, not the judge
  const built = await runTool(tc.cc, [...COMMON_CFLAGS, '-I', path.join(nativeDir, 'include'), path.join(nativeDir, 'bench', 'boundary.c'), ...objs, '-o', exe]);
  if (built.code !== 0) throw new Error(`native/bench/boundary.c does not compile:\n${built.stderr}`);
  const out = await runProgram({ argv: [exe, String(epochs)], timeoutMs: 120_000 });
  if (out.code !== 0) throw new Error(`the benchmark did not finish (${out.signal ?? `status ${out.code}`}): ${out.stderr}`);
  const raw = JSON.parse(out.stdout) as { pinnedCpu: number; overheadNs: number; benchmarks: RawBenchmark[] };
  const benchmarks = raw.benchmarks.map((b) => ({
    name: b.name,
    label: b.label,
    run_name: b.name,
    run_type: 'aggregate' as const,
    aggregate_name: 'median' as const,
    iterations: b.iters,
    repetitions: b.wallNs.length,
    real_time: Math.max(median(b.wallNs) - raw.overheadNs, 0),
    cpu_time: Math.max(median(b.cpuNs) - raw.overheadNs, 0),
    time_unit: 'ns' as const,
    spread_pct: spreadPct(b.wallNs),
    rerun_epochs: b.rerun,
    disturbed_epochs: b.disturbed,
    ...(b.insnPerCall !== undefined ? { instructions_per_call: b.insnPerCall } : {}),
  }));
  const ns = (name: string) => benchmarks.find((b) => b.name === name)?.real_time ?? NaN;
  return {
    context: {
      date: new Date().toISOString(),
      host_name: os.hostname(),
      executable: exe,
      num_cpus: os.cpus().length,
      arch: hostArch,
      kernel: os.release(),
      clocksource: readSys('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
      mitigations: mitigations(),
      pinned_cpu: raw.pinnedCpu,
      loop_overhead_ns: raw.overheadNs,
      library_build_type: 'release',
    },
    benchmarks,
    derived: {
      syscall_over_call: ns('raw-syscall') / Math.max(ns('function-call'), 0.01),
      core_share_10k_per_s_pct: (ns('raw-syscall') * 10_000) / 1e9 * 100,
      core_share_1m_per_s_pct: (ns('raw-syscall') * 1_000_000) / 1e9 * 100,
      vdso_saves_ns: ns('raw-clock') - ns('vdso-clock'),
    },
  };
}

export function renderBench(r: BenchReport): string {
  const width = Math.min(terminalWidth() - 62, 40);
  const max = Math.max(...r.benchmarks.map((b) => b.real_time));
  const lines = [pc.bold(`The kernel boundary on this machine (${r.context.arch}, ${r.context.num_cpus} CPUs, kernel ${r.context.kernel})`), ''];
  for (const b of r.benchmarks) {
    const spread = b.spread_pct >= 5 ? pc.yellow(` ±${b.spread_pct.toFixed(1)}% unstable`) : pc.dim(` ±${b.spread_pct.toFixed(1)}%`);
    const insns = b.instructions_per_call !== undefined ? pc.dim(` ${b.instructions_per_call.toFixed(0)} insn`) : '';
    lines.push(`  ${b.label.padEnd(40)} ${b.real_time.toFixed(1).padStart(7)} ns ${bar(b.real_time, max, width)}${spread}${insns}`);
  }
  const d = r.derived;
  lines.push(
    '',
    `  a raw syscall costs ${pc.bold(d.syscall_over_call.toFixed(0))}× a function call`,
    `  10,000 syscalls/s cost ${d.core_share_10k_per_s_pct.toFixed(2)}% of one core; 1,000,000/s cost ${pc.bold(`${d.core_share_1m_per_s_pct.toFixed(1)}%`)}`,
    `  the vDSO saves ${d.vdso_saves_ns.toFixed(0)} ns per clock_gettime`,
    '',
    pc.dim(`  medians of ${r.benchmarks[0]?.repetitions ?? 0} epochs ≥ 1 ms, loop overhead ${r.context.loop_overhead_ns.toFixed(2)} ns subtracted, pinned to CPU ${r.context.pinned_cpu}`),
    pc.dim(`  clocksource: ${r.context.clocksource}`),
    ...(r.benchmarks.some((b) => b.instructions_per_call !== undefined) ? [] : [pc.dim('  instruction counts: perf counters are not available here')]),
    pc.dim('  mitigations:'),
    ...Object.entries(r.context.mitigations).map(([k, v]) => pc.dim(`    ${k.padEnd(28)} ${v}`)),
  );
  return lines.join('\n');
}
