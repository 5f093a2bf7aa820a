// Charts as SVG, drawn at build time by Vega-Lite (compiled to Vega, rendered
// headless: no canvas, no browser, no script in the page). Each function
// takes figures and returns one <svg> element as text.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchReport } from '../bench.js';

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif';

const config = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, gridColor: '#eaeef2', domainColor: '#8c959f', tickColor: '#8c959f' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom' as const },
};

async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile({ ...spec, config } as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** This machine's costs, one bar per operation, on one linear scale: the gap is the lesson. */
export function benchChart(r: BenchReport): Promise<string> {
  const values = r.benchmarks.map((b) => ({ operation: b.label, ns: Number(b.real_time.toFixed(2)) }));
  return svgOf({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 26 },
    data: { values },
    encoding: {
      y: { field: 'operation', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } },
      x: { field: 'ns', type: 'quantitative', title: 'ns per call (median)' },
    },
    layer: [
      { mark: { type: 'bar', color: '#0969da', cornerRadiusEnd: 2 } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 12 }, encoding: { text: { field: 'ns', type: 'quantitative', format: '.1f' } } },
    ],
  });
}

export type ProgressStatus = 'done' | 'failing' | 'not-started' | 'unavailable';
const progressColours: Record<ProgressStatus, string> = { done: '#1a7f37', failing: '#cf222e', 'not-started': '#d1d9e0', unavailable: '#d4a72c' };

/** One stacked bar per track: how many katas are done, failing, not started, unavailable. */
export function progressChart(rows: { track: string; status: ProgressStatus; katas: number }[]): Promise<string> {
  const statuses = Object.keys(progressColours) as ProgressStatus[];
  return svgOf({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 26 },
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'track', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } },
      x: { field: 'katas', type: 'quantitative', title: 'katas', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'status', type: 'nominal', title: null, scale: { domain: statuses, range: statuses.map((s) => progressColours[s]) } },
      order: { field: 'order', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(statuses)}, datum.status)`, as: 'order' }],
  });
}

/** Linear from zero; log for figures spanning decades, symlog with ticks at powers of ten where one is 0 (a limit of no syscalls). */
function yScale(wide: boolean, points: SeriesPoint[]): { scale: object; axis?: object } {
  if (!wide) return { scale: { zero: true } };
  if (points.every((p) => p.value > 0)) return { scale: { type: 'log' } };
  const top = Math.max(...points.map((p) => p.value));
  const ticks = [0, ...Array.from({ length: Math.ceil(Math.log10(top)) + 1 }, (_, i) => 10 ** i)];
  return { scale: { type: 'symlog' }, axis: { values: ticks, format: '~s' } };
}

export interface SeriesPoint {
  attempt: number;
  series: string;
  value: number;
}

/**
 * Figures over attempts: one line per series (yours, the budget, the
 * reference), the learner's drawn solid with points, the bounds dashed.
 */
export function attemptsChart(points: SeriesPoint[], opts: { unit: string; series: { name: string; colour: string; dashed?: boolean }[] }): Promise<string> {
  const names = opts.series.map((s) => s.name);
  // Figures that span decades (146 ns/byte, then 1.4) keep every attempt readable on a log-like scale.
  const positive = points.map((p) => p.value).filter((v) => v > 0);
  const wide = positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 20;
  return svgOf({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 360,
    height: 170,
    data: { values: points },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'attempt', type: 'quantitative', title: 'attempt', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false } },
      y: { field: 'value', type: 'quantitative', title: wide ? `${opts.unit}, log scale` : opts.unit, ...yScale(wide, points) },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: opts.series.map((s) => s.colour) } },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: opts.series.map((s) => (s.dashed ? [5, 3] : [1, 0])) },
      },
    },
  });
}
