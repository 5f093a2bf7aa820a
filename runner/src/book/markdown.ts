// The course's markdown as HTML pages: marked, code highlighted at build time
// by highlight.js (no script in the page), headings with GitHub's ids, links
// rewritten to the book's pages, and every mention of a kata by its name made
// a link to that kata.
import hljs from 'highlight.js/lib/core';
import armasm from 'highlight.js/lib/languages/armasm';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import x86asm from 'highlight.js/lib/languages/x86asm';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked, type Token, type Tokens } from 'marked';
import { gfmHeadingId } from 'marked-gfm-heading-id';
import { markedHighlight } from 'marked-highlight';
import type { TargetArch } from '../manifest.js';
import { kataPage, resolveLink } from './links.js';

for (const [name, lang] of Object.entries({ armasm, bash, c, json, plaintext, x86asm, yaml })) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });
hljs.registerAliases(['h'], { languageName: 'c' });

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Highlighted HTML for one block of code; `asm` follows the page's architecture. */
export function highlight(code: string, lang: string, arch?: TargetArch): string {
  const name = lang === 'asm' ? (arch === 'aarch64' ? 'armasm' : 'x86asm') : hljs.getLanguage(lang) ? lang : 'plaintext';
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}

export interface MarkdownContext {
  /** The repository file the text comes from: relative links are resolved from it. */
  source: string;
  kataIds: ReadonlySet<string>;
  /** The kata whose page this is: its own name is left as it is. */
  selfId?: string;
  arch?: TargetArch;
}

type Marked_ = Token & { bookNoAutoLink?: boolean; bookRepoPath?: string };

function kataNamePattern(ids: ReadonlySet<string>): RegExp | undefined {
  if (ids.size === 0) return undefined;
  const alternatives = [...ids].sort((a, b) => b.length - a.length).map((id) => id.replace(/[-]/g, '\\-'));
  // A whole name only: not part of a longer word, a path or a file name (io_uring-cp.c).
  return new RegExp(`(?<![\\w./-])(${alternatives.join('|')})(?![\\w-]|\\.\\w)`, 'g');
}

function markNoAutoLink(tokens: Token[] | undefined): void {
  for (const t of tokens ?? []) {
    (t as Marked_).bookNoAutoLink = true;
    if ('tokens' in t) markNoAutoLink(t.tokens);
  }
}

/** Text already escaped for HTML, with each kata name (but the page's own) linked. */
function linkKataNames(html: string, ctx: MarkdownContext, pattern: RegExp | undefined): string {
  if (!pattern) return html;
  return html.replace(pattern, (name: string) => (name === ctx.selfId ? name : `<a class="kata-ref" href="${kataPage(name)}">${name}</a>`));
}

function markdownFor(ctx: MarkdownContext): Marked {
  const names = kataNamePattern(ctx.kataIds);
  const marked = new Marked(
    markedHighlight({ emptyLangClass: 'hljs', langPrefix: 'hljs language-', highlight: (code, lang) => highlight(code, lang, ctx.arch) }),
    gfmHeadingId(),
  );
  marked.use({
    walkTokens(token) {
      if (token.type !== 'link') return;
      const link = token as Tokens.Link & Marked_;
      markNoAutoLink(link.tokens);
      const resolved = resolveLink(ctx.source, link.href, ctx.kataIds);
      if ('href' in resolved) link.href = resolved.href;
      else link.bookRepoPath = resolved.repoPath;
    },
    renderer: {
      link(token) {
        const repoPath = (token as Tokens.Link & Marked_).bookRepoPath;
        if (!repoPath) return false;
        return `${this.parser.parseInline(token.tokens)} (<code>${escapeHtml(repoPath)}</code> in the repository)`;
      },
      codespan(token) {
        if ((token as Marked_).bookNoAutoLink || !ctx.kataIds.has(token.text) || token.text === ctx.selfId) return false;
        return `<a class="kata-ref" href="${kataPage(token.text)}"><code>${token.text}</code></a>`;
      },
      text(token) {
        if ('tokens' in token && token.tokens) return false;
        const html = 'escaped' in token && token.escaped ? token.text : escapeHtml(token.text);
        return (token as Marked_).bookNoAutoLink ? html : linkKataNames(html, ctx, names);
      },
    },
  });
  return marked;
}

export function renderMarkdown(markdown: string, ctx: MarkdownContext): string {
  return markdownFor(ctx).parse(markdown, { async: false });
}

/**
 * A hint or other manifest string: plain text as the terminal prints it (its
 * `__asm__` and `*buf` are not emphasis), with `code` spans and kata names.
 */
export function renderPlainText(text: string, ctx: MarkdownContext): string {
  const names = kataNamePattern(ctx.kataIds);
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : linkKataNames(escapeHtml(part), ctx, names)))
    .join('');
}

/** The tokens of one section of a markdown file: from its heading to the next of the same depth or higher. */
export function sectionOf(markdown: string, heading: string): string | undefined {
  const tokens = new Marked().lexer(markdown);
  const start = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).text === heading);
  if (start < 0) return undefined;
  const depth = (tokens[start] as Tokens.Heading).depth;
  const end = tokens.findIndex((t, i) => i > start && t.type === 'heading' && (t as Tokens.Heading).depth <= depth);
  return tokens.slice(start, end < 0 ? undefined : end).map((t) => t.raw).join('');
}

/** A markdown file up to its first heading of the given depth (an introduction). */
export function introOf(markdown: string, depth = 2): string {
  const tokens = new Marked().lexer(markdown);
  const end = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).depth <= depth && (t as Tokens.Heading).depth > 1);
  return tokens
    .slice(0, end < 0 ? undefined : end)
    .filter((t) => !(t.type === 'heading' && (t as Tokens.Heading).depth === 1))
    .map((t) => t.raw)
    .join('');
}
