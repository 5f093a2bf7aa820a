// Horizontal bars on one scale: `bench`'s table of the machine's costs, and
// each budget check (yours, the budget, the reference). The fill is
// cli-progress's bar formatter; this module only puts values on a shared scale.
import cliProgress from 'cli-progress';
import { pc } from './style.js';

const FILL = '█';

/** A bar `width` columns long at `max`, padded to `width`; a value above zero shows at least one cell. */
export function bar(value: number, max: number, width: number, paint: (s: string) => string = pc.cyan): string {
  const size = Math.max(width, 4);
  const progress = Math.min(Math.max(value / Math.max(max, 1e-9), 0), 1);
  const text = cliProgress.Format.BarFormat(progress, {
    barsize: size,
    barCompleteString: FILL.repeat(size),
    barIncompleteString: ' '.repeat(size),
    barGlue: '',
  } as cliProgress.Options);
  const shown = value > 0 && !text.startsWith(FILL) ? FILL + text.slice(1) : text;
  const filled = shown.trimEnd();
  return paint(filled) + ' '.repeat(size - filled.length);
}

export interface BarRow {
  label: string;
  value: number;
  /** The number shown after the bar, e.g. "118 ns". */
  text: string;
  paint?: (s: string) => string;
}

/** One line per row, every row on the scale of the largest: label, bar, text. */
export function barLines(rows: BarRow[], opts: { width: number; indent?: string }): string[] {
  const max = Math.max(...rows.map((r) => r.value));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  return rows.map((r) => `${opts.indent ?? ''}${r.label.padEnd(labelWidth)} ${bar(r.value, max, opts.width, r.paint)} ${r.text}`);
}
