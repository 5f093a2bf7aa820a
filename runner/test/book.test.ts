// The book and the report as a reader sees them: built by the CLI into a temp
// folder, opened from file:// in headless Chromium (Debian's `chromium`,
// driven by puppeteer-core: no browser download). Every page reachable from
// the contents loads with no console error, no page error and no request
// that leaves the folder; every link inside it leads to a file that exists
// and an anchor that is there. Screenshots of a kata page and of the report
// go to artifacts/ (or $SYSCALL_KATAS_ARTIFACTS), and the test prints where.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(repo, 'runner', 'bin', 'syscall-katas.js');
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
const artifacts = path.resolve(process.env.SYSCALL_KATAS_ARTIFACTS ?? path.join(repo, 'artifacts'));

if (!chromium) console.warn('book.test.ts: skipped: no Chromium at /usr/bin/chromium (sudo apt-get install -y chromium; or set CHROMIUM_PATH)');

async function cli(args: string[], workspace: string): Promise<string> {
  const { stdout } = await run('node', [bin, ...args], { cwd: repo, env: { ...process.env, SYSCALL_KATAS_WORKSPACE: workspace, NO_COLOR: '1' } });
  return stdout;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A learner part-way through: two katas passed, one edited and failing, and budget figures over attempts. */
function syntheticWorkspace(): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-report-'));
  const katas: Record<string, { passedHash?: string }> = {};
  for (const id of ['x86-exit', 'x86-write', 'x86-errno']) {
    const file = path.join(ws, `${id}.c`);
    writeFileSync(file, readFileSync(path.join(repo, 'solutions', id, 'exercise.c')));
    katas[id] = id === 'x86-errno' ? {} : { passedHash: sha256(file) };
  }
  writeFileSync(path.join(ws, '.state.json'), JSON.stringify({ version: 1, katas }));
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 12, 9, minute)).toISOString();
  const timing = (kata: string, check: string, reference: string, rows: [number, number, number][], from: number) =>
    rows.map(([ns, ref, budget], i) => ({
      kind: 'ns-per-call', at: at(from + i), kata, check, arch: 'x86_64', status: ns <= budget ? 'pass' : 'fail',
      nsPerCall: ns, referenceNsPerCall: ref, budgetNs: budget, reference, unstable: false,
    }));
  const attempts = [
    ...timing('x86-cost', 'getppid', 'libc syscall()', [[182, 116, 133], [151, 117, 134], [129, 115, 132], [118, 116, 133]], 0),
    ...[72011, 4100, 18, 2].map((counted, i) => ({
      kind: 'syscall-count', at: at(10 + i), kata: 'batch-buffered', check: 'bytes syscall count', arch: 'x86_64',
      status: counted <= 2 ? 'pass' : 'fail', counted, limit: 2, rule: 'at most', calls: 1,
    })),
    ...timing('batch-buffered', 'out_byte() ns/byte', 'the judge’s 4 KiB buffer', [[146, 1.3, 1.9], [3.1, 1.25, 1.9], [1.4, 1.24, 1.86]], 20),
  ];
  writeFileSync(path.join(ws, '.history.json'), JSON.stringify({ formatVersion: 1, attempts }));
  return ws;
}

interface Visit {
  ids: Set<string>;
  links: string[];
}

describe.skipIf(!chromium)('the book and the report in headless Chromium', () => {
  let browser: Browser;
  let bookDir: string;
  let reportFile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-book-'));
    bookDir = path.join(tmp, 'book');
    const ws = syntheticWorkspace();
    reportFile = path.join(tmp, 'report.html');
    await Promise.all([cli(['book', '--out', bookDir], ws), cli(['report', '--html', reportFile], ws)]);
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page, failing on console errors, page errors, failed loads and anything fetched from outside file://. */
  async function open(file: string): Promise<{ page: Page; visit: Visit }> {
    const page = await browser.newPage();
    const where = path.relative(path.dirname(bookDir), file);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${where}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${where}: page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => problems.push(`${where}: could not load ${r.url()}`));
    await page.setRequestInterception(true);
    page.on('request', (r) => {
      if (r.url().startsWith('file:') || r.url().startsWith('data:')) return void r.continue();
      problems.push(`${where}: fetches ${r.url()} (the book must work offline)`);
      void r.abort();
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const visit = await page.evaluate(() => ({
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
    }));
    return { page, visit: { ids: new Set(visit.ids), links: visit.links } };
  }

  it('every page reachable from the contents loads cleanly, and every link in it resolves', async () => {
    const visits = new Map<string, Visit>();
    const queue = [path.join(bookDir, 'index.html')];
    const anchors: { from: string; file: string; id: string }[] = [];
    while (queue.length) {
      const file = queue.shift()!;
      if (visits.has(file)) continue;
      const { page, visit } = await open(file);
      visits.set(file, visit);
      await page.close();
      for (const href of visit.links) {
        const url = new URL(href);
        if (url.protocol !== 'file:') continue; // a link out of the book: not followed
        const target = fileURLToPath(url);
        const from = path.basename(file);
        if (!existsSync(target)) {
          problems.push(`${from}: broken link to ${path.relative(bookDir, target)}`);
          continue;
        }
        if (url.hash) anchors.push({ from, file: target, id: decodeURIComponent(url.hash.slice(1)) });
        if (target.endsWith('.html') && !visits.has(target)) queue.push(target);
      }
    }
    for (const a of anchors) {
      if (!visits.get(a.file)?.ids.has(a.id)) problems.push(`${a.from}: link to ${path.basename(a.file)}#${a.id}, an anchor that is not there`);
    }
    const built = readdirSync(bookDir).filter((f) => f.endsWith('.html'));
    const unreachable = built.filter((f) => !visits.has(path.join(bookDir, f)));
    expect(problems).toEqual([]);
    expect(unreachable).toEqual([]);
    // One page per kata and per track, each kata linked from its neighbours and from the contents.
    const course = JSON.parse(readFileSync(path.join(repo, 'exercises', 'course.json'), 'utf8')) as { tracks: { id: string }[]; order: string[] };
    for (const id of course.order) expect(built).toContain(`kata-${id}.html`);
    for (const t of course.tracks) expect(built).toContain(`track-${t.id}.html`);
  });

  it('a kata page shows the instructions, the checks in words, folded hints and highlighted code; screenshot', async () => {
    const { page } = await open(path.join(bookDir, 'kata-batch-writev.html'));
    const facts = await page.evaluate(() => ({
      h1: document.querySelector('h1')?.textContent ?? '',
      checks: document.querySelector('#kata-checks')?.parentElement?.textContent ?? '',
      hints: document.querySelectorAll('details.hint').length,
      openHints: document.querySelectorAll('details.hint[open]').length,
      highlighted: document.querySelectorAll('pre code.hljs span[class^="hljs-"]').length,
      kataLinks: [...document.querySelectorAll('a.kata-ref')].map((a) => a.getAttribute('href')),
    }));
    expect(facts.h1.length).toBeGreaterThan(3);
    expect(facts.checks).toMatch(/1\.3 ×/);
    expect(facts.checks).toMatch(/exactly 1 per call/);
    expect(facts.hints).toBeGreaterThanOrEqual(2);
    expect(facts.openHints).toBe(0);
    expect(facts.highlighted).toBeGreaterThan(0);
    expect(facts.kataLinks).toContain('kata-batch-short-writes.html');
    mkdirSync(artifacts, { recursive: true });
    const shot = path.join(artifacts, 'book-kata-batch-writev.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    console.log(`screenshot of a kata page: ${shot}`);
    expect(problems).toEqual([]);
  });

  it('the report draws progress, budgets over attempts and the bench table as SVG; screenshot', async () => {
    const { page } = await open(reportFile);
    const facts = await page.evaluate(() => ({
      heading: document.querySelector('#progress')?.textContent ?? '',
      svgs: document.querySelectorAll('.chart svg').length,
      captions: [...document.querySelectorAll('figcaption')].map((f) => f.textContent ?? ''),
      benchRows: document.querySelectorAll('table.bench tbody tr').length,
    }));
    expect(facts.heading).toMatch(/^2 of \d+ katas done$/);
    expect(facts.captions.some((c) => c.includes('x86-cost') && c.includes('getppid'))).toBe(true);
    expect(facts.captions.some((c) => c.includes('bytes syscall count'))).toBe(true);
    // progress + three histories + bench
    expect(facts.svgs).toBe(5);
    expect(facts.benchRows).toBeGreaterThanOrEqual(5);
    mkdirSync(artifacts, { recursive: true });
    const shot = path.join(artifacts, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    console.log(`screenshot of the report: ${shot}`);
    expect(problems).toEqual([]);
  });
});
