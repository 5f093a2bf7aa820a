// What the learner's object defines and imports (nm), and which instructions
// it contains (objdump): so a "raw syscall" kata cannot quietly call libc.
import type { Kata } from './manifest.js';
import type { CheckResult } from './result.js';
import type { Toolchain } from './targets.js';
import { runTool } from './tools.js';

/** Calls GCC itself may emit for plain C (struct copies, stack protector). */
const COMPILER_SUPPORT = new Set(['memcpy', 'memset', 'memmove', 'memcmp', '__stack_chk_fail', '__stack_chk_guard', '_GLOBAL_OFFSET_TABLE_']);

export interface SymbolTable {
  defined: Set<string>;
  imported: Set<string>;
}

/** Parses `nm -P` ("name type value size" per line). */
export function parseNm(output: string): SymbolTable {
  const defined = new Set<string>();
  const imported = new Set<string>();
  for (const line of output.split('\n')) {
    const [name, type] = line.trim().split(/\s+/);
    if (!name || !type) continue;
    if (type === 'U' || type === 'w' || type === 'v') imported.add(name);
    else if (/^[TtWi]$/.test(type)) defined.add(name);
  }
  return { defined, imported };
}

export async function checkSymbols(kata: Kata, tc: Toolchain, object: string, shown: string): Promise<CheckResult> {
  const base = { name: 'symbols', kind: 'symbols' as const, arch: tc.arch };
  const nm = await runTool(tc.nm, ['-P', object]);
  if (nm.code !== 0) return { ...base, status: 'error', message: `${tc.nm} could not read the object file`, details: [nm.stderr.trim()] };
  const { defined, imported } = parseNm(nm.stdout);
  const problems: string[] = [];
  for (const name of kata.symbols.define) {
    if (!defined.has(name)) problems.push(`${shown} must define ${name}() (see the TODO in the file)`);
  }
  const why = kata.symbols.forbidReason ? `: ${kata.symbols.forbidReason}` : '';
  for (const name of kata.symbols.forbid ?? []) {
    if (imported.has(name)) problems.push(`${shown} calls ${name}(), which this kata forbids${why}`);
  }
  if (kata.symbols.noLibc) {
    const libc = [...imported].filter((n) => !COMPILER_SUPPORT.has(n) && !(kata.symbols.forbid ?? []).includes(n));
    if (libc.length) problems.push(`${shown} calls ${libc.map((n) => `${n}()`).join(', ')} from libc; this kata allows no library calls${why}`);
  }
  if (problems.length === 0) return { ...base, status: 'pass' };
  return { ...base, status: 'fail', message: problems[0], details: problems.slice(1) };
}

export async function checkInstructions(kata: Kata, tc: Toolchain, object: string, shown: string): Promise<CheckResult | undefined> {
  const rules = kata.forbiddenInstructions ?? [];
  if (rules.length === 0) return undefined;
  const base = { name: 'instructions', kind: 'instructions' as const, arch: tc.arch };
  const dis = await runTool(tc.objdump, ['-d', '--no-show-raw-insn', object]);
  if (dis.code !== 0) return { ...base, status: 'error', message: `${tc.objdump} could not disassemble the object file`, details: [dis.stderr.trim()] };
  let fn = '';
  for (const line of dis.stdout.split('\n')) {
    const label = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (label) fn = label[1]!;
    for (const rule of rules) {
      if (new RegExp(rule.pattern).test(line)) {
        const insn = line.split('\t').slice(1).join(' ').trim() || line.trim();
        return { ...base, status: 'fail', message: `${shown}: ${fn}() uses \`${insn}\`: ${rule.why}` };
      }
    }
  }
  return { ...base, status: 'pass' };
}
