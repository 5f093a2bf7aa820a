// The book's and the report's pieces that need no browser: links, kata names,
// checks in words, and the budget history (bounded, validated, never lost).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksInWords } from '../src/book/describe.js';
import { BookLinkError, resolveLink } from '../src/book/links.js';
import { renderMarkdown, renderPlainText } from '../src/book/markdown.js';
import { findKata } from '../src/katas.js';
import { repoRoot } from '../src/paths.js';
import { type Attempt, attemptsOf, bounded, historyFile, MAX_PER_CHECK, readHistory, recordAttempts } from '../src/report/history.js';
import type { KataResult } from '../src/result.js';

const readme = (id: string) => path.join(repoRoot, 'exercises', id, 'README.md');
const ids = new Set(['x86-write', 'x86-clobbers', 'uring-cp']);

describe('links in the book', () => {
  it("rewrites a link to another kata's folder, README or starting file to its page", () => {
    expect(resolveLink(readme('x86-write'), '../x86-clobbers', ids)).toEqual({ href: 'kata-x86-clobbers.html' });
    expect(resolveLink(readme('x86-write'), '../x86-clobbers/README.md#your-task', ids)).toEqual({ href: 'kata-x86-clobbers.html#your-task' });
    expect(resolveLink(readme('x86-write'), '../x86-clobbers/exercise.c', ids)).toEqual({ href: 'kata-x86-clobbers.html#kata-start' });
    expect(resolveLink(readme('x86-write'), '../../docs/grading.md', ids)).toEqual({ href: 'grading.html' });
    expect(resolveLink(readme('x86-write'), 'https://man7.org/', ids)).toEqual({ href: 'https://man7.org/' });
  });

  it('refuses a link to nothing, naming the file', () => {
    expect(() => resolveLink(readme('x86-write'), '../no-such-kata/README.md', ids)).toThrow(BookLinkError);
    expect(() => resolveLink(readme('x86-write'), '../no-such-kata/README.md', ids)).toThrow(/exercises\/x86-write\/README\.md: link "\.\.\/no-such-kata\/README\.md"/);
  });

  it('shows a repository file the book does not carry as its path, not as a link that breaks offline', () => {
    const html = renderMarkdown('See [the schema](../../schemas/kata.schema.json).', { source: readme('x86-write'), kataIds: ids });
    expect(html).not.toContain('href');
    expect(html).toContain('<code>schemas/kata.schema.json</code>');
  });

  it("links a kata's name in prose and code, but not its own, nor inside a link or a file name", () => {
    const ctx = { source: readme('x86-write'), kataIds: ids, selfId: 'x86-write' };
    const html = renderMarkdown('See x86-clobbers, `uring-cp`, x86-write, [the x86-clobbers kata](../x86-clobbers) and `examples/io_uring-cp.c` or io_uring-cp.c.', ctx);
    expect(html.match(/href="kata-x86-clobbers\.html"/g)).toHaveLength(2);
    expect(html).toContain('<a class="kata-ref" href="kata-uring-cp.html"><code>uring-cp</code></a>');
    expect(html).not.toContain('kata-x86-write.html');
    expect(html.match(/kata-uring-cp\.html/g)).toHaveLength(1);
  });

  it('keeps a hint as the terminal prints it: __asm__ and *buf are not emphasis', () => {
    const html = renderPlainText('Shape: __asm__ volatile("syscall" : "=a"(ret)) and *buf; see `x86-clobbers`.', { source: readme('x86-write'), kataIds: ids });
    expect(html).toContain('__asm__ volatile(&quot;syscall&quot;');
    expect(html).toContain('*buf');
    expect(html).toContain('<code>x86-clobbers</code>');
  });

  it("says a kata's checks and budgets in words, from its manifest", () => {
    const words = checksInWords(findKata('x86-cost'));
    expect(words).toMatch(/at most \*\*1\.15 ×\*\* the time of libc syscall\\\(\\\)/);
    expect(words).toMatch(/no less than 0\.5 ×/);
    expect(words).toMatch(/exactly 1 per call/);
    expect(words).toMatch(/`matches-libc`, `after-fork`, `reparented`/);
    expect(checksInWords(findKata('batch-mmsg'))).toMatch(/at most 0\.02 per call \(one in 50 calls\)/);
  });
});

function result(checks: KataResult['checks']): KataResult {
  return { version: 1, id: 'x86-cost', title: 't', status: 'pass', file: 'f', archs: ['x86_64'], checks, durationMs: 1 };
}

const timed = (ns: number): KataResult['checks'][number] => ({
  name: 'getppid',
  kind: 'ns-per-call',
  arch: 'x86_64',
  status: 'pass',
  budget: { nsPerCall: ns, referenceNsPerCall: 110, reference: 'libc syscall()', budgetNs: 126, derivation: 'd', spreadPct: 1, unstable: false, busyRatio: 1, epochs: 11, references: {} },
});

describe('the budget history', () => {
  const ws = () => mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-history-'));

  it('keeps the figures of budget and count checks, not of cases', () => {
    const attempts = attemptsOf(
      result([
        { name: 'case pipe', kind: 'case', arch: 'x86_64', status: 'pass' },
        timed(118),
        { name: 'getppid syscall count', kind: 'syscall-count', arch: 'x86_64', status: 'pass', syscalls: { counted: 1000, limit: 1000, rule: 'exactly', calls: 1000, syscalls: ['getppid'] } },
      ]),
    );
    expect(attempts.map((a) => a.kind)).toEqual(['ns-per-call', 'syscall-count']);
    expect(attempts[0]).toMatchObject({ kata: 'x86-cost', check: 'getppid', nsPerCall: 118, budgetNs: 126 });
  });

  it(`keeps the last ${MAX_PER_CHECK} attempts of each check, in order`, () => {
    const a = (check: string, n: number): Attempt => ({ kind: 'syscall-count', at: '2026-01-01T00:00:00Z', kata: 'k', check, arch: 'x86_64', status: 'pass', counted: n, limit: 1, rule: 'at most', calls: 1 });
    const many = [...Array.from({ length: 50 }, (_, i) => a('one', i)), a('two', 7)];
    const kept = bounded(many);
    expect(kept.filter((x) => x.check === 'one').map((x) => (x as { counted: number }).counted)).toEqual(Array.from({ length: MAX_PER_CHECK }, (_, i) => 50 - MAX_PER_CHECK + i));
    expect(kept.at(-1)?.check).toBe('two');
  });

  it('appends across checks, and a check without figures writes nothing', () => {
    const dir = ws();
    recordAttempts(result([{ name: 'case pipe', kind: 'case', arch: 'x86_64', status: 'pass' }]), dir);
    expect(existsSync(historyFile(dir))).toBe(false);
    recordAttempts(result([timed(150)]), dir);
    recordAttempts(result([timed(118)]), dir);
    const { history, problem } = readHistory(historyFile(dir));
    expect(problem).toBeUndefined();
    expect(history.attempts.map((x) => (x as { nsPerCall: number }).nsPerCall)).toEqual([150, 118]);
  });

  it('reads a damaged history as empty, naming the field; the next check keeps the damaged file as a backup', () => {
    const dir = ws();
    const bad = { formatVersion: 1, attempts: [{ kind: 'ns-per-call', at: '2026-01-01T00:00:00Z', kata: 'x86-cost', check: 'getppid', arch: 'x86_64', status: 'pass', nsPerCall: 'fast', referenceNsPerCall: 1, budgetNs: 1, reference: 'r', unstable: false }] };
    writeFileSync(historyFile(dir), JSON.stringify(bad));
    const read = readHistory(historyFile(dir));
    expect(read.history.attempts).toEqual([]);
    expect(read.problem).toMatch(/attempts\[0\]\.nsPerCall: must be number/);
    const note = recordAttempts(result([timed(118)]), dir);
    expect(note).toMatch(/kept as .*\.bad, and a new history begun/);
    const backups = readdirSync(dir).filter((f) => f.endsWith('.bad'));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(dir, backups[0]!), 'utf8'))).toEqual(bad);
    expect(readHistory(historyFile(dir)).history.attempts).toHaveLength(1);
    writeFileSync(historyFile(dir), '{ not json');
    expect(readHistory(historyFile(dir)).problem).toMatch(/is not valid JSON/);
  });
});
