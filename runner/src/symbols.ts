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
import type { Arch, Kata } from './manifest.js';
import type { CheckResult } from './result.js';
import type { Toolchain } from './targets.js';
import { runTool } from './tools.js';

/** Calls GCC itself may emit for plain C (struct copies, stack protector). */
const COMPILER_SUPPORT = new Set(['memcpy', 'memset', 'memmove', 'memcmp', '__stack_chk_fail', '__stack_chk_guard', '_GLOBAL_OFFSET_TABLE_']);

/** Run-time symbol lookup: a way around the import check, named as such. */
const DYNAMIC_LOOKUP = new Set(['dlopen', 'dlmopen', 'dlsym', 'dlvsym', 'dladdr', 'dlinfo', 'dl_iterate_phdr']);

/** What the kata's agent.c defines in the learner's unit (kata-agent.h). */
const AGENT_TABLES = new Set(['kata_agent_calls', 'kata_nolibc_main']);

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
  flags: number;
  addr: bigint;
  size: bigint;
}

const SHF_EXECINSTR = 0x4;

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
    const flags = Number(bytes.readBigUInt64LE(at + 8));
    const addr = bytes.readBigUInt64LE(at + 0x10);
    const size = bytes.readBigUInt64LE(at + 0x20);
    let end = strOff + nameOff;
    while (end < strOff + strSize && bytes[end] !== 0) end++;
    sections.push({ name: bytes.subarray(strOff + nameOff, end).toString('latin1'), type, flags, addr, size });
  }
  return sections;
}

/** The names of an object's sections of code (every one: .text, .text.unlikely, any the learner named). */
export function executableSections(bytes: Buffer): string[] {
  return [...new Set(elfSections(bytes).filter((s) => s.flags & SHF_EXECINSTR).map((s) => s.name))];
}

/** Address ranges ("0x…", "0x…") of a linked program's sections, by name. */
export function elfSectionRanges(bytes: Buffer): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const s of elfSections(bytes)) if (s.addr) out.set(s.name, [`0x${s.addr.toString(16)}`, `0x${(s.addr + s.size).toString(16)}`]);
  return out;
}

/**
 * The syscall instructions of the learner's own lines, from the linked
 * agent's debug line table (objdump -d -l on kata_learner_text): the
 * addresses the kernel reports after each (`ip`), all of them (`own`) and
 * those inlined into a probe_* function (`probe`). A syscall the judge sees
 * from any other address (a gadget in agent.c's code, the course's helpers,
 * an instruction hidden in an immediate, code made at run time) is not the
 * learner's; one from their lines outside a probe ran where the probe could
 * not watch its clobbers.
 */
export function ownSyscalls(disassembly: string, shown: string, arch: Arch): { own: string[]; probe: string[] } {
  const insn = arch === 'x86_64' ? /^(syscall|int\s+\$0x80|sysenter)\b/ : /^svc\b/;
  const length = arch === 'x86_64' ? 2 : 4; /* syscall, int $0x80, sysenter: 2 bytes; svc: 4 */
  const isMine = (file: string) => file === shown || file.endsWith(`/${shown}`);
  const own: string[] = [];
  const probe: string[] = [];
  let fn = '';
  let mine = false;
  for (const line of disassembly.split('\n')) {
    const label = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (label) {
      fn = label[1]!;
      mine = false;
      continue;
    }
    const where = /^(\S.*):(\d+)(?: \(discriminator \d+\))?$/.exec(line);
    if (where) {
      mine = isMine(where[1]!);
      continue;
    }
    const at = /^\s+([0-9a-f]+):\s+(.*)$/.exec(line);
    if (!at || !mine || !insn.test(at[2]!.trim())) continue;
    const ip = `0x${(BigInt(`0x${at[1]}`) + BigInt(length)).toString(16)}`;
    own.push(ip);
    if (fn.startsWith('probe_')) probe.push(ip);
  }
  return { own, probe };
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

/** What an object defines with global binding (the kata's timed loops: agent.c compiled alone). */
export async function globalsOf(tc: Toolchain, object: string): Promise<Set<string>> {
  const nm = await runTool(tc.nm, ['-P', object]);
  return new Set(parseNm(nm.stdout).globals.keys());
}

/** `provided`: what the kata's own objects define for the unit (its timed loops): not imports. */
export async function checkSymbols(kata: Kata, tc: Toolchain, object: string, shown: string, provided = new Set<string>()): Promise<CheckResult> {
  const base = { name: 'symbols', kind: 'symbols' as const, arch: tc.arch };
  const nm = await runTool(tc.nm, ['-P', object]);
  if (nm.code !== 0) return { ...base, status: 'error', message: `${tc.nm} could not read the object file`, details: [nm.stderr.trim()] };
  const table = parseNm(nm.stdout);
  const { defined, globals, ifuncs } = table;
  const imported = new Set([...table.imported].filter((n) => !provided.has(n)));
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
    const allowed = new Set(kata.symbols.allow ?? []);
    const libc = [...imported].filter((n) => !COMPILER_SUPPORT.has(n) && !allowed.has(n) && !forbid.includes(n) && !DYNAMIC_LOOKUP.has(n) && !isHarnessSymbol(n));
    const but = allowed.size ? ` but ${[...allowed].map((n) => `${n}()`).join(', ')}` : '';
    if (libc.length) problems.push(`${shown} calls ${libc.map((n) => `${n}()`).join(', ')} from libc; this kata allows no library calls${but}${why}`);
  }
  for (const name of ifuncs)
    problems.push(`${shown} makes ${name} an indirect function (ifunc): its resolver would run while the program loads, before the harness`);
  const asked = new Set(kata.symbols.define);
  for (const [name] of globals) {
    if (asked.has(name) || ifuncs.has(name) || AGENT_TABLES.has(name)) continue;
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
 * The learner's text, before it is compiled: what would change how code that
 * is not theirs is built. Their file comes after the kata's agent.c in one
 * unit, so a macro cannot reach agent.c; a pragma or attribute that changes
 * code generation could still change how their functions inline into its
 * probes, and is refused. Comments and strings are not code.
 */
export function checkLearnerText(source: string, shown: string, arch: Arch): CheckResult | undefined {
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/gm, (m) => m.replace(/[^\n]/g, ' '));
  const problems: string[] = [];
  const lineOf = (at: number) => code.slice(0, at).split('\n').length;
  const rules: [RegExp, string][] = [
    [/^\s*(?:#|%:)\s*pragma\b.*$/gm, 'a #pragma changes how the unit your file is compiled in is built'],
    [/\b_Pragma\s*\(/g, '_Pragma() is a #pragma in disguise'],
    [/\b__attribute__\s*\(\(\s*[^)]*\b(optimize|target|target_clones|__optimize__|__target__)\b/g, 'an optimize or target attribute changes how your code is compiled, not what it does'],
    [/^\s*(?:#|%:)\s*(include|include_next|line|embed)\b(?!\s*<(?!\/)(?:(?!\.\.)[\w.+\/-])+>\s*$).*$/gm, "only system headers (#include <name.h>) may be included: no other file is yours to pull in"],
    [/\b__has_include(_next)?\b/g, 'only system headers (#include <name.h>) may be included'],
  ];
  for (const [re, why] of rules)
    for (const m of code.matchAll(re)) problems.push(`${shown}:${lineOf(m.index ?? 0)}: \`${m[0].trim().slice(0, 60)}\`: ${why}`);
  // In asm strings, which the pass above blanked out:
  for (const m of source.matchAll(/\.(incbin|include)\b/g)) problems.push(`${shown}:${lineOf(m.index ?? 0)}: \`.${m[1]}\` in asm would pull a file into your object: no other file is yours to pull in`);
  if (problems.length === 0) return undefined;
  return { name: 'symbols', kind: 'symbols', arch, status: 'fail', message: problems[0], details: problems.slice(1) };
}

/**
 * The same rules on what the preprocessor made of the unit, which no spelling
 * gets around (a digraph `%:include`, a backslash-newline inside a word, a
 * macro that expands to `_Pragma` or to an attribute): the lines the
 * compiler attributes to the learner's file, and the files it included at
 * the top level of the unit (`gcc -H`: one dot). Only agent.c and system
 * headers may be there.
 */
export function checkPreprocessed(preprocessed: string, includeTree: string, shown: string, agentPath: string, arch: Arch, ownDirs: string[]): CheckResult | undefined {
  const problems: string[] = [];
  for (const m of includeTree.matchAll(/^\. (.+)$/gm)) {
    const file = m[1]!.trim();
    if (file === agentPath) continue;
    // CPATH is the grading machine's own header path (the tests put their fixtures' helpers there).
    const system = file.startsWith('/usr/') || (process.env.CPATH ?? '').split(':').some((d) => d && file.startsWith(`${d}/`));
    const ours = ownDirs.some((d) => file.startsWith(`${d}/`)) && !(process.env.CPATH ?? '').split(':').some((d) => d && file.startsWith(`${d}/`));
    if (ours || !system)
      problems.push(`${shown} includes ${file}: only system headers (#include <name.h>) may be included, no other file is yours to pull in`);
  }
  let mine = false;
  let line = 0;
  for (const text of preprocessed.split('\n')) {
    const marker = /^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d)*)$/.exec(text);
    if (marker) {
      // A marker without flag 1 (entering a file) or 2 (back in one) is a #line
      // directive: in the learner's text, one that would hide what follows.
      const flags = marker[3]!.trim().split(' ');
      if (mine && marker[2] !== shown && !flags.includes('1') && !flags.includes('2'))
        problems.push(`${shown}:${line + 1}: a #line directive (to "${marker[2]!.slice(0, 60)}") would make what follows look like another file's`);
      line = Number(marker[1]) - 1;
      mine = marker[2] === shown || (mine && !flags.includes('1') && !flags.includes('2'));
      continue;
    }
    line++;
    if (!mine) continue;
    if (/^\s*#\s*pragma\b/.test(text)) problems.push(`${shown}:${line}: a pragma (${text.trim().slice(0, 60)}) changes how the unit your file is compiled in is built`);
    if (/\b__attribute__\s*\(\(.*\b(__)?(optimize|target|target_clones)(__)?\b/.test(text)) problems.push(`${shown}:${line}: an optimize or target attribute changes how your code is compiled, not what it does`);
    if (/"[^"\n]*\.(incbin|include)\b/.test(text)) problems.push(`${shown}:${line}: .incbin or .include in asm would pull a file into your object`);
    const course = /\b(kata_\w+|KATA_\w+)/.exec(text);
    if (course) problems.push(`${shown}:${line}: ${course[1]} is the course's own (kata-agent.h, raw-syscall.h): your file may use none of it; write the asm yourself`);
    const probe = /\b(probe_\w+|loop_\w+)/.exec(text);
    if (probe) problems.push(`${shown}:${line}: ${probe[1]}: names that start with probe_ or loop_ are the kata's (its probes and timed loops); name your helpers otherwise`);
  }
  if (problems.length === 0) return undefined;
  return { name: 'symbols', kind: 'symbols', arch, status: 'fail', message: problems[0], details: problems.slice(1) };
}

/**
 * The kata's probes (agent.c's probe_* functions) must have the learner's
 * functions inlined into them: that is how a missing clobber or input shows.
 * A call left in a probe (noinline, noipa, a function too big to inline)
 * hides it, so it is refused by what the compiler did, whatever the cause.
 */
export async function checkInlined(kata: Kata, tc: Toolchain, object: string, shown: string): Promise<CheckResult | undefined> {
  // Raw-syscall katas only: a measure kata's probe may call the learner's code on purpose.
  if (!kata.symbols.noLibc) return undefined;
  const base = { name: 'symbols', kind: 'symbols' as const, arch: tc.arch };
  const dis = await runTool(tc.objdump, ['-dr', '--no-show-raw-insn', object]);
  if (dis.code !== 0) return { ...base, status: 'error', message: `${tc.objdump} could not disassemble the object file`, details: [dis.stderr.trim()] };
  const asked = new Set(kata.symbols.define);
  let fn = '';
  for (const line of dis.stdout.split('\n')) {
    const label = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (label) fn = label[1]!;
    if (!fn.startsWith('probe_')) continue;
    // A call or tail call: to a local function (resolved), or through a call relocation.
    const call = /\t(?:call|jmp|bl|b)\s+[0-9a-f]+ <([A-Za-z_]\w*)>/.exec(line) ?? /R_(?:X86_64_PLT32|AARCH64_CALL26|AARCH64_JUMP26)\s+([A-Za-z_]\w*)/.exec(line);
    const target = call?.[1];
    if (target && asked.has(target))
      return {
        ...base,
        status: 'fail',
        message: `${shown}: ${target}() was not inlined into the kata's probe (${fn}): the probe must see your asm statement to check its clobbers and inputs. Write it as a plain function (no noinline, noipa or optimize attributes)`,
      };
  }
  return undefined;
}
