// The shell of every page: head, contents sidebar, main column. Pages are
// static HTML with no script: nothing to load, nothing to fail offline.
import { escapeHtml } from './markdown.js';

export interface NavEntry {
  title: string;
  href: string;
  children?: NavEntry[];
  /** Drawn as a section heading rather than a link. */
  heading?: boolean;
}

export interface PageShell {
  title: string;
  /** Which generator wrote the file: a later run only replaces files that say so. */
  generator: 'syscall-katas book' | 'syscall-katas report';
  body: string;
  nav?: NavEntry[];
  /** The page's own file, marked as current in the contents. */
  current?: string;
  /** Stylesheets beside the page, or CSS to inline (a report is one file). */
  stylesheets?: string[];
  inlineCss?: string;
}

function navList(entries: NavEntry[], current: string | undefined): string {
  const items = entries.map((e) => {
    if (e.heading) return `<li class="section">${escapeHtml(e.title)}</li>`;
    const here = e.href === current ? ' aria-current="page"' : '';
    const link = `<a href="${escapeHtml(e.href)}"${here}>${escapeHtml(e.title)}</a>`;
    return e.children ? `<li class="track">${link}${navList(e.children, current)}</li>` : `<li>${link}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

export function pageHtml(p: PageShell): string {
  const styles = [
    ...(p.stylesheets ?? []).map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`),
    ...(p.inlineCss ? [`<style>${p.inlineCss}</style>`] : []),
  ].join('\n');
  const nav = p.nav ? `<nav class="toc" aria-label="Contents"><a class="book-title" href="index.html">syscall-katas</a>${navList(p.nav, p.current)}</nav>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${p.generator}">
<title>${escapeHtml(p.title)}</title>
${styles}
</head>
<body>
<div class="layout${p.nav ? '' : ' wide'}">
${nav}
<main>
${p.body}
</main>
</div>
</body>
</html>
`;
}

/** Whether an existing file is one this generator wrote (and may be replaced). */
export function writtenBy(html: string, generator: PageShell['generator']): boolean {
  return html.includes(`<meta name="generator" content="${generator}">`);
}
