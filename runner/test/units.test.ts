import { describe, expect, it } from 'vitest';
import { countSyscalls } from '../src/judge.js';
import { parseChannel } from '../src/protocol.js';
import { withErrnoName } from '../src/signals.js';
import { median, spreadPct } from '../src/stats.js';
import { parseNm } from '../src/symbols.js';

describe('parseNm', () => {
  it('separates what an object defines from what it imports', () => {
    const t = parseNm('raw_write T 0000000000000000 0000000000000012\nwrite U\nhelper t 10 4\n');
    expect([...t.defined]).toEqual(['raw_write', 'helper']);
    expect([...t.imported]).toEqual(['write']);
  });
});

describe('countSyscalls', () => {
  const rows = [
    { name: 'getppid', compat: false, n: 1000, elsewhere: 0 },
    { name: 'write', compat: false, n: 3, elsewhere: 3 },
    { name: 'write', compat: true, n: 2, elsewhere: 0 },
  ];
  it('adds up the rows the judge counted, by name, on the 64-bit ABI', () => {
    expect(countSyscalls(rows, ['getppid'])).toMatchObject({ n: 1000, elsewhere: 0 });
    expect(countSyscalls(rows, ['getppid', 'write'])).toMatchObject({ n: 1003, elsewhere: 3 });
  });
  it('counts a group as all of its members, so a sibling call cannot dodge the budget', () => {
    const siblings = [
      { name: 'write', compat: false, n: 10, elsewhere: 0 },
      { name: 'writev', compat: false, n: 4, elsewhere: 0 },
      { name: 'pwrite64', compat: false, n: 1, elsewhere: 0 },
      { name: 'read', compat: false, n: 7, elsewhere: 0 },
    ];
    const counted = countSyscalls(siblings, ['@write-like']);
    expect(counted.n).toBe(15);
    expect([...counted.by.keys()].sort()).toEqual(['pwrite64', 'write', 'writev']);
  });
  it('says how many of them came from outside the learner\'s code', () => {
    expect(countSyscalls(rows, ['write']).elsewhere).toBe(3);
  });
});

describe('stats', () => {
  it('takes the median and a spread that one outlier cannot blow up', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(spreadPct([100, 100, 100, 100, 500])).toBe(0);
    expect(spreadPct([90, 100, 110])).toBeCloseTo(10);
  });
});

describe('withErrnoName', () => {
  it('names kernel error returns and leaves other numbers alone', () => {
    expect(withErrnoName('-9')).toBe('-9 (EBADF)');
    expect(withErrnoName('-4096')).toBe('-4096');
    expect(withErrnoName('42')).toBe('42');
    // -1 is libc's "failed", not an errno: the message says so
    expect(withErrnoName('-1')).toContain(`libc's "failed, see errno", not an errno`);
  });
});

describe('parseChannel', () => {
  it('believes records that match the schema', () => {
    const p = parseChannel('{"t":"hello","v":2,"mode":"cases","arch":"x86_64"}\n{"t":"begin","case":"a"}\n');
    expect(p.corrupt).toBeUndefined();
    expect(p.records).toHaveLength(2);
  });
  it('stops believing at the first line the harness would never write', () => {
    const p = parseChannel('{"t":"begin","case":"a"}\n{"t":"pass"}\n{"t":"done"}\n');
    expect(p.records).toHaveLength(1);
    expect(p.corrupt).toMatch(/line 2/);
  });
  it('drops a last line cut off by a crash', () => {
    const p = parseChannel('{"t":"begin","case":"a"}\n{"t":"exp');
    expect(p.corrupt).toBeUndefined();
    expect(p.records).toHaveLength(1);
  });
});

describe('the syscall groups', () => {
  it('are the same in the runner and in the judge library (native/judge/syscall-names.c)', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { expandSyscalls } = await import('../src/syscall-groups.js');
    const c = readFileSync(path.join(import.meta.dirname, '..', '..', 'native', 'judge', 'syscall-names.c'), 'utf8');
    const list = (name: string) => [...(new RegExp(`${name}\\[\\] = \\{([^}]*)\\}`).exec(c)?.[1] ?? '').matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
    expect(list('write_like')).toEqual(expandSyscalls(['@write-like']).sort());
    expect(list('read_like')).toEqual(expandSyscalls(['@read-like']).sort());
  });
});
