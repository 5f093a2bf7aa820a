// Small robust statistics for timing samples.

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute percentage deviation from the median: a spread that one
 * descheduled epoch cannot blow up. */
export function spreadPct(xs: number[]): number {
  const m = median(xs);
  if (!(m > 0)) return 0;
  return median(xs.map((x) => Math.abs(x - m) / m)) * 100;
}
