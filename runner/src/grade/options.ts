// Parsers of grade's class options, for the command line (kept free of
// imports: cli.ts loads this at start-up).

export interface Shard {
  index: number;
  count: number;
}

/** "2/4" -> { index: 2, count: 4 }; a string saying what is wanted when it is not one. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return 'i/N, e.g. 1/4';
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `i/N with 1 <= i <= N (got ${text})`;
  return { index, count };
}

/** --jobs: a whole number from 1 to 256; a string saying what is wanted when it is not one. */
export function parseJobs(text: string): number | string {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : 'a whole number from 1 to 256';
}
