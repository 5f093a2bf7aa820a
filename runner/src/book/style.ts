// The book's and the report's stylesheet: one file beside the pages, nothing
// fetched from elsewhere. highlight.js's own theme is copied next to it.
export const bookCss = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; --accent: #0969da;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); min-height: 100vh; }
.layout.wide { grid-template-columns: minmax(0, 1fr); }
nav.toc { border-right: 1px solid var(--line); background: var(--bg-soft); padding: 1rem 1rem 3rem; font-size: 0.9rem; position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; }
nav.toc .book-title { font-weight: 700; font-size: 1.05rem; display: block; margin-bottom: 0.75rem; color: var(--fg); }
nav.toc ul { list-style: none; margin: 0; padding: 0; }
nav.toc li { margin: 0.1rem 0; }
nav.toc ul ul { padding-left: 0.9rem; margin-bottom: 0.5rem; }
nav.toc .track > a { font-weight: 600; color: var(--fg); }
nav.toc a[aria-current="page"] { font-weight: 700; color: var(--fg); background: #ddf4ff; border-radius: 4px; padding: 0 0.25rem; }
nav.toc .section { margin-top: 1rem; text-transform: uppercase; letter-spacing: 0.04em; font-size: 0.75rem; color: var(--muted); }
main { padding: 1.5rem 2.5rem 4rem; max-width: 58rem; }
.wide main { max-width: 72rem; margin: 0 auto; }
h1, h2, h3 { line-height: 1.25; }
h1 { font-size: 1.9rem; margin-top: 0.5rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.3rem; margin-top: 2rem; }
.crumbs { color: var(--muted); font-size: 0.9rem; }
.pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; border-top: 1px solid var(--line); padding-top: 1rem; }
code { font: 0.88em/1.45 ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; background: var(--bg-soft); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem; overflow-x: auto; }
pre code { background: none; padding: 0; font-size: 0.85rem; }
pre code.hljs { background: none; padding: 0; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.7rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.glance { border: 1px solid var(--line); border-radius: 6px; padding: 0.2rem 1.2rem; background: #fbfcfd; }
.glance ul { padding-left: 1.1rem; }
details.hint { border: 1px solid var(--line); border-radius: 6px; margin: 0.5rem 0; padding: 0.4rem 0.9rem; }
details.hint summary { cursor: pointer; font-weight: 600; }
details.hint[open] summary { margin-bottom: 0.4rem; }
.tag { display: inline-block; font-size: 0.78rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 0.55rem; color: var(--muted); margin-right: 0.3rem; white-space: nowrap; }
.holds { color: var(--pass); font-weight: 600; }
.above, .below { color: var(--warn); font-weight: 600; }
.status-done { color: var(--pass); font-weight: 600; }
.status-failing { color: var(--fail); font-weight: 600; }
.status-unavailable { color: var(--warn); }
.status-not-started { color: var(--muted); }
.muted { color: var(--muted); }
.chart { margin: 0.5rem 0 1.5rem; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 0.5rem 1.5rem; }
.charts figure { margin: 0; }
.charts figcaption { font-weight: 600; font-size: 0.95rem; }
@media (max-width: 50rem) { .layout { grid-template-columns: 1fr; } nav.toc { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 1rem; } }
`;
