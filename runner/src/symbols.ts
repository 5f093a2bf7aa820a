// What the learner's object defines and imports (nm), which sections it has
// (its ELF section table) and which instructions it contains (objdump): so a
// "raw syscall" kata cannot quietly call libc, and the learner's code runs
// only when the driver calls it.
//
// Why definitions matter as much as imports: the learner's object is linked
// into the same program as the harness. A global definition of anything else
// (clock_gettime, memcpy, write, main, kata_rand...) would replace the one the
// harness calls; a constructor or destructor (.init_array, .fini_array,
// .ctors, .dtors, .init, .fini) or an ifunc resolver runs before main(), that
// is before the harness has taken its key and forgotten where it came from.
import { readFileSync } from 'node:fs';
import type { Kata } from './manifest.js';
import type { CheckResult } from './result.js';
import type { Toolchain } from './targets.js';
import { runTool } from './tools.js';

/** Calls GCC itself may emit for plain C (struct copies, stack protector). */
const COMPILER_SUPPORT = new Set(['memcpy', 'memset', 'memmove', 'memcmp', '__stack_chk_fail', '__stack_chk_guard', '_GLOBAL_OFFSET_TABLE_']);

/** Run-time symbol lookup: a way around the import check, named as such. */
const DYNAMIC_LOOKUP = new Set(['dlopen', 'dlmopen', 'dlsym', 'dlvsym', 'dladdr', 'dlinfo', 'dl_iterate_phdr']);

/** The harness's own functions (kata.h, kata-timing.h): the driver's to call, never the learner's. */
function isHarnessSymbol(name: string): boolean {
  return /^kata_/.test(name);
}

export interface SymbolTable {
  defined: Set<string>;
  imported: Set<string>;
  /** Every symbol the object defines with global (or weak, or unique) binding, with its nm type. */
  globals: Map<string, string>;
  /** Indirect functions (GNU ifunc): their resolvers run while the program loads. */
  ifuncs: Set<string>;
}

/** Parses `nm -P` ("name type value size" per line). */
export function parseNm(output: string): SymbolTable {
  const defined = new Set<string>();
  const imported = new Set<string>();
  const globals = new Map<string, string>();
  const ifuncs = new Set<string>();
  for (const line of output.split('\n')) {
    const [name, type] = line.trim().split(/\s+/);
    if (!name || !type) continue;
    if (type === 'U' || type === 'w' || type === 'v') imported.add(name);
    else if (/^[TtWi]$/.test(type)) defined.add(name);
    // Upper case: global; V/W weak, u unique global, C common, A absolute, i ifunc.
    if (/^[ABCDGIRSTVWu]$/.test(type)) globals.set(name, type);
    if (type === 'i' || type === 'I') ifuncs.add(name);
  }
  return { defined, imported, globals, ifuncs };
}

/** Section names that hold code run before main() or after it returns. */
const STARTUP_SECTION = /^\.(?:rela?\.)?(?:init_array|fini_array|preinit_array|ctors|dtors|init|fini)(?:\..*)?$/;
/** SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY: the same, whatever the name. */
const STARTUP_TYPES = new Map([
  [14, 'INIT_ARRAY'],
  [15, 'FINI_ARRAY'],
  [16, 'PREINIT_ARRAY'],
]);

export interface Section {
  name: string;
  type: number;
}

/**
 * The section table of an ELF64 little-endian object (x86-64 and aarch64
 * alike), read directly: no per-arch readelf needed, and the section *types*
 * come along with the names. Throws on anything else.
 */
export function elfSections(bytes: Buffer): Section[] {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const shentsize = bytes.readUInt16LE(0x3a);
  let shnum = bytes.readUInt16LE(0x3c);
  let shstrndx = bytes.readUInt16LE(0x3e);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    if (shentsize < 64 || at + 64 > bytes.length) throw new Error('section header out of the file');
    return at;
  };
  if (shoff === 0) return [];
  // Extended numbering: the real count and string-table index live in section 0.
  if (shnum === 0) shnum = Number(bytes.readBigUInt64LE(header(0) + 0x20));
  if (shstrndx === 0xffff) shstrndx = bytes.readUInt32LE(header(0) + 0x28);
  if (shnum > 1_000_000) throw new Error('implausible section count');
  const strtab = header(shstrndx);
  const strOff = Number(bytes.readBigUInt64LE(strtab + 0x18));
  const strSize = Number(bytes.readBigUInt64LE(strtab + 0x20));
  if (strOff + strSize > bytes.length) throw new Error('section names out of the file');
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = header(i);
    const nameOff = bytes.readUInt32LE(at);
    const type = bytes.readUInt32LE(at + 4);
    let end = strOff + nameOff;
    while (end < strOff + strSize && bytes[end] !== 0) end++;
    sections.push({ name: bytes.subarray(strOff + nameOff, end).toString('latin1'), type });
  }
  return sections;
}

/** Sections that would run code outside the driver's calls, each with why. */
export function startupSections(sections: Section[]): string[] {
  const found: string[] = [];
  for (const s of sections) {
    const byType = STARTUP_TYPES.get(s.type);
    if (STARTUP_SECTION.test(s.name) || byType) found.push(byType && !STARTUP_SECTION.test(s.name) ? `${s.name} (type ${byType})` : s.name);
  }
  return found;
}

export async function checkSymbols(kata: Kata, tc: Toolchain, object: string, shown: string): Promise<CheckResult> {
  const base = { name: 'symbols', kind: 'symbols' as const, arch: tc.arch };
  const nm = await runTool(tc.nm, ['-P', object]);
  if (nm.code !== 0) return { ...base, status: 'error', message: `${tc.nm} could not read the object file`, details: [nm.stderr.trim()] };
  const { defined, imported, globals, ifuncs } = parseNm(nm.stdout);
  const problems: string[] = [];
  for (const name of kata.symbols.define) {
    if (!defined.has(name)) problems.push(`${shown} must define ${name}() (see the TODO in the file)`);
  }
  const why = kata.symbols.forbidReason ? `: ${kata.symbols.forbidReason}` : '';
  const forbid = kata.symbols.forbid ?? [];
  for (const name of forbid) {
    if (imported.has(name)) problems.push(`${shown} calls ${name}(), which this kata forbids${why}`);
  }
  const harness = [...imported].filter(isHarnessSymbol);
  for (const name of harness)
    problems.push(`${shown} calls ${name}(), the harness's own: observations come from the kata's driver, never from your code`);
  if (kata.symbols.noLibc) {
    const lookups = [...imported].filter((n) => DYNAMIC_LOOKUP.has(n) && !forbid.includes(n));
    if (lookups.length)
      problems.push(
        `${shown} calls ${lookups.map((n) => `${n}()`).join(', ')}, which ${lookups.length > 1 ? 'find' : 'finds'} functions at run time: this kata allows no library calls, linked or looked up${why}`,
      );
    const libc = [...imported].filter((n) => !COMPILER_SUPPORT.has(n) && !forbid.includes(n) && !DYNAMIC_LOOKUP.has(n) && !isHarnessSymbol(n));
    if (libc.length) problems.push(`${shown} calls ${libc.map((n) => `${n}()`).join(', ')} from libc; this kata allows no library calls${why}`);
  }
  for (const name of ifuncs)
    problems.push(`${shown} makes ${name} an indirect function (ifunc): its resolver would run while the program loads, before the harness`);
  const asked = new Set(kata.symbols.define);
  for (const [name] of globals) {
    if (asked.has(name) || ifuncs.has(name)) continue;
    problems.push(
      `${shown} defines ${name}, which the kata does not ask for: it could replace the harness's own (make a helper \`static\`)`,
    );
  }
  let sections: Section[] = [];
  try {
    sections = elfSections(readFileSync(object));
  } catch (e) {
    return { ...base, status: 'error', message: `could not read the sections of the object file: ${(e as Error).message}` };
  }
  for (const name of startupSections(sections))
    problems.push(
      `${shown} has a constructor or destructor (section ${name}): code that runs before main() or after it ends is not allowed, only the functions the kata calls`,
    );
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

/**
 * In `include` mode the learner's file is #included into check.c: a macro it
 * defines rewrites every line of the driver after the #include, and
 * `#pragma GCC optimize` (or target, push_options...) changes how the driver
 * is compiled. Both are rejected: a macro only when the driver uses its name
 * after the include (so `#define SYS_read 63` for the learner's own use stays
 * fine), a code-generation pragma always.
 */
export async function checkIncludeHygiene(tc: Toolchain, learnerPath: string, driverPath: string, cflags: string[], shown: string): Promise<CheckResult | undefined> {
  const base = { name: 'symbols', kind: 'symbols' as const, arch: tc.arch };
  const pre = await runTool(tc.cc, [...cflags, '-E', '-dD', learnerPath]);
  if (pre.code !== 0) return undefined; // the compile step reports it
  const driver = readFileSync(driverPath, 'utf8');
  const at = driver.search(/^\s*#\s*include\s+KATA_LEARNER\b.*$/m);
  const after = at < 0 ? driver : driver.slice(at).replace(/^.*$/m, '');
  // Identifiers only: comments and string or character literals are not rewritten by a macro.
  const code = after.replace(/\/\*[\s\S]*?\*\/|\/\/.*$|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/gm, ' ');
  const used = new Set(code.match(/[A-Za-z_]\w*/g) ?? []);
  const problems: string[] = [];
  let ours = false; // is the current line from the learner's own text (not a system header)?
  for (const line of pre.stdout.split('\n')) {
    const marker = /^# \d+ "((?:[^"\\]|\\.)*)"((?: \d)*)$/.exec(line);
    if (marker) {
      const file = marker[1]!;
      const flags = marker[2]!.trim().split(' ');
      ours = !flags.includes('3') && file !== '<built-in>' && file !== '<command-line>';
      continue;
    }
    if (!ours) continue;
    const def = /^#\s*(define|undef)\s+([A-Za-z_]\w*)/.exec(line);
    if (def && used.has(def[2]!))
      problems.push(
        `${shown} ${def[1] === 'define' ? 'defines' : 'undefines'} the macro ${def[2]}, which would rewrite the kata's driver: check.c uses ${def[2]} after including your file`,
      );
    const pragma = /^#\s*pragma\s+GCC\s+(optimize|target|push_options|pop_options|reset_options)\b/.exec(line);
    if (pragma) problems.push(`${shown} uses #pragma GCC ${pragma[1]}, which would change how the kata's driver is compiled`);
  }
  if (problems.length === 0) return undefined;
  return { ...base, status: 'fail', message: problems[0], details: problems.slice(1) };
}
