// `syscall-katas book`: the whole course as a static site. Everything comes
// from exercises/course.json and the validated manifests, so a new kata is in
// the book the next time it is built. One flat folder of HTML, its CSS beside
// it, no script and nothing fetched: it reads the same from file:// as served.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadKatas, type KataSet } from '../katas.js';
import type { Kata } from '../manifest.js';
import { exerciseFile, instructionsFile, repoRoot } from '../paths.js';
import { benchSectionHtml, type MachineFigures, referenceFigures, seedTableHtml } from './costs.js';
import { archNames, checksInWords, checksSummary } from './describe.js';
import { pageHtml, type NavEntry } from './layout.js';
import { docPages, kataPage, trackPage } from './links.js';
import { escapeHtml, highlight, introOf, type MarkdownContext, renderMarkdown, renderPlainText, sectionOf } from './markdown.js';
import { bookCss } from './style.js';

/** Left in the folder: a later build may empty a folder that has it, and no other. */
export const BOOK_MARKER = '.syscall-katas-book';
const STYLESHEETS = ['assets/book.css', 'assets/highlight.css'];

interface Page {
  file: string;
  title: string;
  body: string;
}

const readmePath = path.join(repoRoot, 'README.md');
const gradingPath = path.join(repoRoot, 'docs', 'grading.md');
const architecturePath = path.join(repoRoot, 'docs', 'architecture.md');

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${path.relative(repoRoot, file)}: cannot be read, and the book needs it`);
  }
}

function contents(set: KataSet): NavEntry[] {
  return [
    { title: 'Contents', href: 'index.html' },
    { title: 'Costs on this machine', href: 'costs.html' },
    { title: 'How timing works', href: 'measurement.html' },
    { title: 'Grading', href: 'grading.html' },
    { title: 'Tracks', href: '', heading: true },
    ...set.tracks.map((t) => ({
      title: t.title,
      href: trackPage(t.id),
      children: set.katas.filter((k) => k.track === t.id).map((k) => ({ title: k.id, href: kataPage(k.id) })),
    })),
  ];
}

function kataListHtml(katas: Kata[]): string {
  const items = katas.map(
    (k) =>
      `<li><a href="${kataPage(k.id)}"><strong>${escapeHtml(k.id)}</strong></a> — ${escapeHtml(k.title)} <span class="tag">${archNames[k.arch]}</span><span class="tag">${escapeHtml(checksSummary(k))}</span></li>`,
  );
  return `<ul class="katas">${items.join('')}</ul>`;
}

function pager(prev?: { href: string; title: string }, next?: { href: string; title: string }): string {
  const side = (l: { href: string; title: string } | undefined, label: string) => (l ? `<a href="${l.href}">${label} ${escapeHtml(l.title)}</a>` : '<span></span>');
  return `<nav class="pager" aria-label="Pages">${side(prev, '←')}${side(next, '→')}</nav>`;
}

function indexPage(set: KataSet, ids: ReadonlySet<string>): Page {
  const intro = renderMarkdown(introOf(read(readmePath)), { source: readmePath, kataIds: ids });
  const tracks = set.tracks.map((t) => {
    const katas = set.katas.filter((k) => k.track === t.id);
    return `<h3><a href="${trackPage(t.id)}">${escapeHtml(t.title)}</a> <span class="muted">(${katas.length} kata${katas.length === 1 ? '' : 's'})</span></h3>${kataListHtml(katas)}`;
  });
  return {
    file: 'index.html',
    title: 'syscall-katas: the course',
    body: [
      '<h1>syscall-katas</h1>',
      intro,
      '<h2 id="tracks">The tracks</h2>',
      `<p>${set.katas.length} katas in ${set.tracks.length} tracks, in the order <code>npx syscall-katas next</code> takes them.</p>`,
      ...tracks,
      '<h2 id="more">Also in this book</h2>',
      '<ul><li><a href="costs.html">Costs on this machine</a>: the seed’s figures beside the ones measured where this book was built.</li>',
      '<li><a href="measurement.html">How timing works</a>: what a budget is and how a figure is measured.</li>',
      '<li><a href="grading.html">Grading</a>: points, formats and CI for instructors.</li></ul>',
    ].join('\n'),
  };
}

function trackPages(set: KataSet): Page[] {
  return set.tracks.map((t, i) => {
    const katas = set.katas.filter((k) => k.track === t.id);
    const prev = set.tracks[i - 1];
    const next = set.tracks[i + 1];
    return {
      file: trackPage(t.id),
      title: `${t.title} · syscall-katas`,
      body: [
        `<p class="crumbs"><a href="index.html">Contents</a> › track ${i + 1} of ${set.tracks.length}</p>`,
        `<h1>${escapeHtml(t.title)}</h1>`,
        katas.length ? kataListHtml(katas) : '<p>No katas in this track yet.</p>',
        pager(prev && { href: trackPage(prev.id), title: prev.title }, next && { href: trackPage(next.id), title: next.title }),
      ].join('\n'),
    };
  });
}

function kataPages(set: KataSet, ids: ReadonlySet<string>, here: Record<string, number> | undefined): Page[] {
  return set.katas.map((k, i) => {
    const ctx: MarkdownContext = { source: instructionsFile(k.id), kataIds: ids, selfId: k.id, arch: k.arch };
    const inTrack = set.katas.filter((o) => o.track === k.track);
    const trackIndex = set.tracks.findIndex((t) => t.id === k.track);
    const hints = k.hints.map(
      (h, n) => `<details class="hint"><summary>Hint ${n + 1} of ${k.hints.length}</summary><p>${renderPlainText(h, ctx)}</p></details>`,
    );
    const start = read(exerciseFile(k.id));
    const commands = [`npx syscall-katas check ${k.id}`, `npx syscall-katas hint ${k.id}`];
    if (k.checks.some((c) => c.kind === 'syscall-count')) commands.push(`npx syscall-katas trace ${k.id}`);
    const prev = set.katas[i - 1];
    const next = set.katas[i + 1];
    return {
      file: kataPage(k.id),
      title: `${k.title} · ${k.id} · syscall-katas`,
      body: [
        `<p class="crumbs"><a href="index.html">Contents</a> › <a href="${trackPage(k.track)}">${escapeHtml(k.trackTitle)}</a> › kata ${inTrack.indexOf(k) + 1} of ${inTrack.length} in track ${trackIndex + 1} of ${set.tracks.length} · ${i + 1} of ${set.katas.length} in the course · <code>${escapeHtml(k.id)}</code></p>`,
        renderMarkdown(read(instructionsFile(k.id)), ctx),
        '<section class="glance" aria-labelledby="kata-checks">',
        '<h2 id="kata-checks">What is checked</h2>',
        renderMarkdown(checksInWords(k, here), ctx),
        '</section>',
        '<h2 id="kata-hints">Hints</h2>',
        '<p class="muted">Open them one at a time, as <code>hint</code> gives them.</p>',
        ...hints,
        '<h2 id="kata-start">Your starting file</h2>',
        `<p><code>npx syscall-katas next</code> copies it to <code>workspace/${escapeHtml(k.id)}.c</code>; the pristine one stays in <code>exercises/${escapeHtml(k.id)}/exercise.c</code>.</p>`,
        `<details><summary>exercise.c (${start.split('\n').length} lines)</summary><pre><code class="hljs language-c">${highlight(start, 'c')}</code></pre></details>`,
        `<pre><code class="hljs language-sh">${highlight(commands.join('\n'), 'sh')}</code></pre>`,
        pager(prev && { href: kataPage(prev.id), title: prev.id }, next && { href: kataPage(next.id), title: next.id }),
      ].join('\n'),
    };
  });
}

async function costsPage(machine: MachineFigures): Promise<Page> {
  const body =
    'report' in machine
      ? [
          '<h2 id="seed">The seed’s figures, checked</h2>',
          '<p>The course began from a short text on the kernel boundary. Here is each cost it states beside what <code>syscall-katas bench</code> measured on the machine that built this book.</p>',
          seedTableHtml(machine.report),
          '<h2 id="bench">Every operation</h2>',
          await benchSectionHtml(machine.report),
        ]
      : [`<p><strong>No figures:</strong> ${escapeHtml(machine.problem)}. Run <code>npx syscall-katas bench</code> for this machine’s.</p>`];
  return {
    file: 'costs.html',
    title: 'Costs on this machine · syscall-katas',
    body: ['<h1>Costs on this machine</h1>', ...body].join('\n'),
  };
}

/** The three shapes of `budget` in schemas/kata.schema.json, for a reader rather than an author. */
const BUDGET_KINDS = `## What a budget says

A kata's manifest states each ns/call budget in one of three ways:

- **a ratio** to the kata's own reference, timed in the same run (\`1.15 × libc syscall()\`): how fast the machine is cancels out;
- **ns on a reference machine**, scaled by what one of the harness's reference operations (a function call, a null syscall, a vDSO \`clock_gettime\`) takes on yours;
- **ns, not scaled**, where no reference would mean anything.

A *floor* (\`minRatio\`) fails a figure too fast to be true: code that skipped its work while it was timed. Budgets are checked natively only, once the cases pass; under qemu they are *not enforced*. Syscall counts are budgets too: the kernel's count of what your code called, exactly or at most so many per call or per run. [Costs on this machine](costs.html) has the reference operations' figures where this book was built.
`;

function measurementPage(set: KataSet, ids: ReadonlySet<string>): Page {
  const parts: string[] = ['<h1>How timing works</h1>'];
  const budgets = sectionOf(read(readmePath), 'How budgets are measured');
  if (budgets) parts.push(renderMarkdown(budgets, { source: readmePath, kataIds: ids }));
  const judge = sectionOf(read(architecturePath), "Timing without trusting the agent's clock");
  if (judge) parts.push(renderMarkdown(judge, { source: architecturePath, kataIds: ids }));
  const timed = set.katas.filter((k) => k.checks.some((c) => c.kind === 'ns-per-call'));
  parts.push(renderMarkdown(BUDGET_KINDS, { source: path.join(repoRoot, 'schemas', 'kata.schema.json'), kataIds: ids }));
  parts.push('<h2 id="budget-katas">The katas with a budget</h2>');
  parts.push(`<p>${timed.length} of the ${set.katas.length} katas have an ns/call budget; each one’s page says it in words.</p>`);
  parts.push(timed.length ? kataListHtml(timed) : '<p>None yet.</p>');
  return { file: 'measurement.html', title: 'How timing works · syscall-katas', body: parts.join('\n') };
}

function gradingPage(ids: ReadonlySet<string>): Page {
  return { file: docPages['docs/grading.md']!, title: 'Grading · syscall-katas', body: renderMarkdown(read(gradingPath), { source: gradingPath, kataIds: ids }) };
}

/** Empties `out` if it is a book built before; refuses a folder with anything else in it. */
function prepareOut(out: string): void {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length && !entries.includes(BOOK_MARKER))
      throw new Error(`${out} exists and is not a book this command built (no ${BOOK_MARKER}): choose another --out, or empty it`);
    for (const e of entries) rmSync(path.join(out, e), { recursive: true, force: true });
  }
  mkdirSync(path.join(out, 'assets'), { recursive: true });
}

export interface BookResult {
  out: string;
  pages: string[];
}

export async function buildBook(out: string, machine: MachineFigures): Promise<BookResult> {
  const set = loadKatas();
  const ids = new Set(set.katas.map((k) => k.id));
  // Render everything before touching the folder: a broken link leaves the old book as it was.
  const pages = [
    indexPage(set, ids),
    ...trackPages(set),
    ...kataPages(set, ids, referenceFigures(machine)),
    await costsPage(machine),
    measurementPage(set, ids),
    gradingPage(ids),
  ];
  const nav = contents(set);
  prepareOut(out);
  for (const p of pages) {
    const html = pageHtml({ title: p.title, generator: 'syscall-katas book', body: p.body, nav, current: p.file, stylesheets: STYLESHEETS });
    writeFileSync(path.join(out, p.file), html);
  }
  writeFileSync(path.join(out, 'assets', 'book.css'), bookCss);
  copyFileSync(createRequire(import.meta.url).resolve('highlight.js/styles/github.css'), path.join(out, 'assets', 'highlight.css'));
  writeFileSync(path.join(out, BOOK_MARKER), 'Built by `syscall-katas book`; the next build empties this folder.\n');
  return { out, pages: pages.map((p) => p.file) };
}
