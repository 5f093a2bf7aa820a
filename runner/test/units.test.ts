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
  it('counts strace -f -o lines and qemu -d strace lines by name', () => {
    const strace = '1234 getppid() = 1\n1234 getppid() = 1\n1235 getpid() = 7\n';
    const qemu = '2551 getppid() = 1\n2551 brk(NULL) = 0x498000\n';
    expect(countSyscalls(strace, ['getppid'])).toBe(2);
    expect(countSyscalls(qemu, ['getppid', 'brk'])).toBe(2);
  });
  it('does not count a "resumed" half twice', () => {
    expect(countSyscalls('12 read(3, <unfinished ...>\n12 <... read resumed>"x", 1) = 1\n', ['read'])).toBe(1);
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
  });
});

describe('parseChannel', () => {
  it('believes records that match the schema', () => {
    const p = parseChannel('{"t":"hello","v":1,"mode":"cases","arch":"x86_64"}\n{"t":"begin","case":"a"}\n');
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
