// How the runner writes to a terminal: colour only where it is read by a
// person (stdout a TTY, NO_COLOR unset; FORCE_COLOR forces it), and the width
// to wrap at. Every view takes its colours and width from here, so NO_COLOR
// and a pipe give plain text everywhere, tables and markdown included.
import picocolors from 'picocolors';
import wrapAnsi from 'wrap-ansi';

function wantsColour(): boolean {
  const env = process.env;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return !!process.stdout.isTTY && env.TERM !== 'dumb';
}

export const colourful = wantsColour();
export const pc = picocolors.createColors(colourful);

/** The terminal's width; COLUMNS (or 80) when stdout is not a terminal. */
export function terminalWidth(): number {
  const fromEnv = Number(process.env.COLUMNS);
  const w = process.stdout.columns || (fromEnv > 0 ? fromEnv : 80);
  return Math.max(w, 40);
}

/**
 * One logical line wrapped to the terminal: the first line after `first`
 * (e.g. "  ✓ "), continuations indented by `rest`. Colour codes count as
 * nothing (wrap-ansi).
 */
export function wrapLine(text: string, first: string, rest: string, width = terminalWidth()): string[] {
  const room = Math.max(width - rest.length, 20);
  const [head = '', ...tail] = wrapAnsi(text, room - Math.max(first.length - rest.length, 0), { hard: true, trim: true }).split('\n');
  // Only the first line has the shorter room; re-wrap the rest at full width.
  const others = tail.length ? wrapAnsi(tail.join(' '), room, { hard: true, trim: true }).split('\n') : [];
  return [first + head, ...others.map((l) => rest + l)];
}
