// Where each page of the book lives, and what a link in the course's markdown
// becomes there. The book is one flat folder, so every link between pages is
// a bare file name and works from file:// wherever the folder is copied.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.js';

export const kataPage = (id: string) => `kata-${id}.html`;
export const trackPage = (id: string) => `track-${id}.html`;

/** Repository files that are pages of the book of their own. */
export const docPages: Record<string, string> = {
  'README.md': 'index.html',
  'docs/grading.md': 'grading.html',
};

export class BookLinkError extends Error {
  constructor(readonly file: string, readonly href: string, problem: string) {
    super(`${path.relative(repoRoot, file)}: link "${href}" ${problem}`);
    this.name = 'BookLinkError';
  }
}

export type Resolved = { href: string } | { repoPath: string };

/**
 * A relative link in `source` (a markdown file of the repository): the page
 * it becomes in the book, or, for a file of the repository the book does not
 * carry, its path (shown as text: a link out of the book would break offline).
 */
export function resolveLink(source: string, href: string, kataIds: ReadonlySet<string>): Resolved {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) return { href };
  const [target = '', hash] = href.split('#', 2);
  // A page of the book itself (the book's own texts link costs.html): the browser test checks it is there.
  if (/^[\w.-]+\.html$/.test(target)) return { href };
  const anchor = hash ? `#${hash}` : '';
  const abs = path.resolve(path.dirname(source), decodeURI(target));
  const rel = path.relative(repoRoot, abs).split(path.sep).join('/');
  if (rel.startsWith('..')) throw new BookLinkError(source, href, 'points outside the repository');
  const kata = /^exercises\/([^/]+)(?:\/(.*))?$/.exec(rel);
  if (kata?.[1] && kataIds.has(kata[1])) {
    const [, id, file] = kata;
    // The README is the page itself; any other file of the kata is shown there as its starting file.
    const where = !file || file === 'README.md' ? anchor : file === 'exercise.c' ? '#kata-start' : anchor;
    return { href: `${kataPage(id)}${where}` };
  }
  const doc = docPages[rel];
  if (doc) return { href: `${doc}${anchor}` };
  if (!existsSync(abs)) throw new BookLinkError(source, href, `points to ${rel}, which does not exist`);
  return { repoPath: rel };
}
