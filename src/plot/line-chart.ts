/**
 * A dependency-free SVG line chart, for loss curves and the like: `lineChartSvg(series, options)`
 * returns the SVG document as a string (no file system access here, so it runs in Node and in
 * browsers alike; write it to a file, or put it in a page).
 *
 * @module
 */
import { describe, readOptions } from '../core/validate.js';
import { checkSvgSize, escapeXml, MAX_COLOR, num, PALETTE, size, text } from './svg.js';
import { linearTicks, logTicks, tickLabels, unit, type Scale } from './ticks.js';

/**
 * One line of a chart: its name (shown in the legend) and its values, plotted against their index.
 *
 * @example
 * ```ts
 * import { lineChartSvg, type LineSeries } from 'scratchnet';
 * const train: LineSeries = { name: 'train', values: [0.9, 0.5, 0.3] };
 * const test: LineSeries = { name: 'test', values: [1.0, 0.7, 0.6], color: '#d62728' };
 * const svg = lineChartSvg([train, test]); // two lines and a legend
 * ```
 */
export interface LineSeries {
  /** Shown in the legend (drawn when there is more than one series). */
  name: string;
  /** y values; the x of `values[i]` is `i` (the epoch). Non-finite values are skipped (the line breaks there). */
  values: readonly number[] | ArrayLike<number>;
  /** Any SVG/CSS color; default: matplotlib's tab10 palette in order. */
  color?: string;
}

/**
 * Options of {@link lineChartSvg}.
 *
 * @example
 * ```ts
 * import { lineChartSvg, type LineChartOptions } from 'scratchnet';
 * const options: LineChartOptions = { title: 'Loss', xLabel: 'Epoch', yLabel: 'Loss', logY: true, width: 640, height: 400 };
 * const svg = lineChartSvg([{ name: 'loss', values: [1, 0.1, 0.01] }], options);
 * ```
 */
export interface LineChartOptions {
  /** Title above the plot. */
  title?: string;
  /** Label of the x axis (the index, e.g. 'Epoch'). */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Size of the SVG in pixels (default 800×480, the 10:6 of the chapter's `figsize=(10, 6)`). */
  width?: number;
  height?: number;
  /** Logarithmic y axis; values ≤ 0 are then skipped like non-finite ones. */
  logY?: boolean;
}

/**
 * The keys of {@link LineChartOptions}: any other key is an Error (a typo such as `logy`).
 *
 * @example
 * ```ts
 * CHART_OPTIONS.includes('logY'); // true
 * ```
 */
export const CHART_OPTIONS = ['title', 'xLabel', 'yLabel', 'width', 'height', 'logY'] as const;

/** Estimated width of one character of the 12px tick font, for margins. */
const CHAR_W = 7;
/** The most characters one point adds to a path: `L99999.99,99999.99`. */
const POINT_CHARS = 20;
/** The most characters of an isolated point's circle, but its color. */
const DOT_CHARS = 60;


/**
 * An SVG line chart of one or more series against their index (x = 0, 1, 2, ...), with axes
 * whose ticks are round numbers (1, 2 or 5 × 10ⁿ) covering the data, grid lines, a title, axis
 * labels and, for more than one series, a legend. Non-finite values (and, with `logY`, values
 * ≤ 0) are skipped and break the line; isolated points are drawn as dots. Series longer than
 * twice the plot's width in pixels are downsampled to the minimum and maximum of each pixel
 * column (plus the ends of each unbroken run), so a 100,000-epoch curve keeps its shape, its
 * spikes and its global extremes in a few thousand points. All text is escaped for XML.
 * Throws an Error naming the argument only on malformed ones: series not an array, values not
 * an array (or more than 10 million values in all), a title, label or name that is not a string
 * of at most 1000 characters (a color: 100), `logY` not a boolean, a width or height that is not
 * a positive finite number of at most 100,000 pixels; and, before building it, on a chart whose
 * SVG would pass 2^28 characters (millions of isolated points).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { lineChartSvg } from 'scratchnet';
 * const svg = lineChartSvg(
 *   [{ name: 'loss', values: [0.69, 0.52, 0.41, 0.33, 0.3] }],
 *   { title: 'Training Loss over Time', xLabel: 'Epoch', yLabel: 'Loss' },
 * );
 * writeFileSync('loss.svg', svg); // or, in a browser: element.innerHTML = svg
 * ```
 */
export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions = {}): string {
  const op = 'lineChartSvg';
  const { series: lines, width, height, logY, title, xLabel, yLabel } = readChart(op, series, options);
  const usable = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);

  // Data extent.
  let yMin = Infinity, yMax = -Infinity, maxLen = 0;
  for (const s of lines) {
    const vals = s.values;
    maxLen = Math.max(maxLen, vals.length);
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (usable(v)) {
        if (v < yMin) yMin = v;
        if (v > yMax) yMax = v;
      }
    }
  }
  if (yMin > yMax) [yMin, yMax] = logY ? [1, 10] : [0, 1]; // nothing to plot: empty axes

  // Layout: y ticks first (their labels set the left margin), then x ticks for the plot width.
  const top = title ? 44 : 16;
  const bottom = 30 + (xLabel ? 22 : 0);
  const plotH = Math.max(1, height - top - bottom);
  const yScale = logY ? logTicks(yMin, yMax, Math.max(2, Math.round(plotH / 50))) : linearTicks(yMin, yMax, Math.max(2, Math.round(plotH / 50)), false);
  const yLabels = tickLabels(yScale);
  const left = 12 + (yLabel ? 22 : 0) + yLabels.reduce((m, l) => Math.max(m, l.length), 1) * CHAR_W;
  // The last x label is centred on the right edge: widen the right margin when it sticks out.
  const xAxis = (right: number): [number, Scale, string[]] => {
    const plotW = Math.max(1, width - left - right);
    const scale = linearTicks(0, Math.max(1, maxLen - 1), Math.max(2, Math.round(plotW / 90)), true);
    return [plotW, scale, tickLabels(scale)];
  };
  let [plotW, xScale, xLabels] = xAxis(20);
  const overhang = (xLabels[xLabels.length - 1]!.length * CHAR_W) / 2 + 4;
  if (overhang > 20) [plotW, xScale, xLabels] = xAxis(overhang);

  const xPix = (i: number): number => left + plotW * unit(xScale, i);
  const yPix = (v: number): number => top + plotH * (1 - unit(yScale, v));

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" role="img"` +
      (title ? ` aria-label="${escapeXml(title)}"` : '') +
      `>`,
  );
  if (title) out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);

  // Grid lines and ticks.
  const grid: string[] = [];
  const ticks: string[] = [];
  const axisY = top + plotH;
  yScale.ticks.forEach((t, k) => {
    const y = num(yPix(t));
    grid.push(`<line x1="${num(left)}" y1="${y}" x2="${num(left + plotW)}" y2="${y}"/>`);
    ticks.push(`<line x1="${num(left - 5)}" y1="${y}" x2="${num(left)}" y2="${y}"/>`);
    out.push(
      `<text class="y-tick" x="${num(left - 8)}" y="${y}" dy="0.32em" text-anchor="end" fill="#333333">${escapeXml(yLabels[k]!)}</text>`,
    );
  });
  xScale.ticks.forEach((t, k) => {
    const x = num(xPix(t));
    grid.push(`<line x1="${x}" y1="${num(top)}" x2="${x}" y2="${num(axisY)}"/>`);
    ticks.push(`<line x1="${x}" y1="${num(axisY)}" x2="${x}" y2="${num(axisY + 5)}"/>`);
    out.push(
      `<text class="x-tick" x="${x}" y="${num(axisY + 8)}" dy="0.8em" text-anchor="middle" fill="#333333">${escapeXml(xLabels[k]!)}</text>`,
    );
  });
  out.push(`<g class="grid" stroke="#e3e3e3" stroke-width="1" shape-rendering="crispEdges">${grid.join('')}</g>`);
  out.push(`<g class="ticks" stroke="#333333" stroke-width="1" shape-rendering="crispEdges">${ticks.join('')}</g>`);

  // Series: the points to draw first, then the size of the SVG they make, then the SVG.
  const cols = Math.max(1, Math.ceil(plotW));
  const drawn = lines.map((s) => seriesPoints(s.values, usable, cols, (i) => Math.min(cols - 1, Math.max(0, Math.floor(xPix(i) - left)))));
  let chars = 4096 + 3 * escapeXml(title).length + escapeXml(xLabel).length + escapeXml(yLabel).length +
    (yScale.ticks.length + xScale.ticks.length) * 400;
  let nPoints = 0, nDots = 0;
  lines.forEach((s, si) => {
    const color = escapeXml(s.color).length;
    chars += 400 + 2 * escapeXml(s.name).length + 2 * color;
    for (const seg of drawn[si]!) {
      nPoints += seg.length;
      chars += seg.length * POINT_CHARS;
      if (seg.length === 1) {
        nDots++;
        chars += DOT_CHARS + color;
      }
    }
  });
  checkSvgSize(op, chars, `${nPoints} points, ${nDots} of them drawn as dots`);
  lines.forEach((s, si) => {
    const color = escapeXml(s.color);
    const segments = drawn[si]!;
    let d = '';
    const dots: string[] = [];
    for (const seg of segments) {
      for (let k = 0; k < seg.length; k++) {
        const i = seg[k]!;
        d += `${k === 0 ? 'M' : 'L'}${num(xPix(i))},${num(yPix(s.values[i]!))}`;
      }
      if (seg.length === 1) {
        const i = seg[0]!;
        dots.push(`<circle cx="${num(xPix(i))}" cy="${num(yPix(s.values[i]!))}" r="3" fill="${color}"/>`);
      }
    }
    out.push(
      `<path class="series" data-series="${si}" data-name="${escapeXml(s.name)}" d="${d}" fill="none" ` +
        `stroke="${color}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    if (dots.length) out.push(`<g class="points" data-series="${si}">${dots.join('')}</g>`);
  });

  // Frame, labels, title, legend.
  out.push(
    `<rect class="frame" x="${num(left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}" fill="none" ` +
      `stroke="#333333" stroke-width="1" shape-rendering="crispEdges"/>`,
  );
  if (title) {
    out.push(
      `<text class="title" x="${num(left + plotW / 2)}" y="28" text-anchor="middle" font-size="16" fill="#111111">${escapeXml(title)}</text>`,
    );
  }
  if (xLabel) {
    out.push(
      `<text class="x-label" x="${num(left + plotW / 2)}" y="${num(height - 10)}" text-anchor="middle" font-size="13" fill="#111111">${escapeXml(xLabel)}</text>`,
    );
  }
  if (yLabel) {
    const cx = 16, cy = num(top + plotH / 2);
    out.push(
      `<text class="y-label" x="${cx}" y="${cy}" transform="rotate(-90 ${cx} ${cy})" text-anchor="middle" dy="0.32em" font-size="13" fill="#111111">${escapeXml(yLabel)}</text>`,
    );
  }
  if (lines.length > 1) out.push(legend(lines, left + plotW, top));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The legend box in the plot's top-right corner. */
function legend(series: readonly Line[], plotRight: number, plotTop: number): string {
  const names = series.map((s) => s.name);
  const rowH = 18;
  const w = 44 + names.reduce((m, n) => Math.max(m, n.length), 1) * CHAR_W;
  const h = 8 + rowH * series.length;
  const x = plotRight - 10 - w, y = plotTop + 10;
  const rows = series.map((s, i) => {
    const color = escapeXml(s.color);
    const cy = num(y + 4 + rowH * i + rowH / 2);
    return (
      `<line x1="${num(x + 8)}" y1="${cy}" x2="${num(x + 30)}" y2="${cy}" stroke="${color}" stroke-width="2.5"/>` +
      `<text x="${num(x + 36)}" y="${cy}" dy="0.32em" fill="#111111">${escapeXml(names[i]!)}</text>`
    );
  });
  return (
    `<g class="legend"><rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="3" fill="#ffffff" ` +
    `fill-opacity="0.85" stroke="#cccccc"/>${rows.join('')}</g>`
  );
}

/**
 * Indices to draw, as unbroken runs of usable values. When the series has more than two values
 * per pixel column, each run keeps per column only its minimum and maximum (in index order),
 * plus the run's first and last index.
 */
function seriesPoints(
  values: Float64Array,
  usable: (v: number) => boolean,
  cols: number,
  column: (i: number) => number,
): number[][] {
  const n = values.length;
  const downsample = n > 2 * cols;
  const segments: number[][] = [];
  let seg: number[] | null = null;
  // The current column's bucket (downsampling only).
  let bCol = -1, bFirst = -1, bLast = -1, bMin = -1, bMax = -1, bStartsRun = false;

  const flush = (endsRun: boolean): void => {
    if (bCol < 0) return;
    const keep = new Set<number>([bMin, bMax]);
    if (bStartsRun) keep.add(bFirst);
    if (endsRun) keep.add(bLast);
    seg!.push(...[...keep].sort((a, b) => a - b));
    bCol = -1;
  };

  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!usable(v)) {
      if (seg) {
        flush(true);
        segments.push(seg);
        seg = null;
      }
      continue;
    }
    const startsRun = seg === null;
    if (startsRun) seg = [];
    if (!downsample) {
      seg!.push(i);
      continue;
    }
    const c = column(i);
    if (c !== bCol) {
      flush(false);
      bCol = c;
      bFirst = bMin = bMax = i;
      bStartsRun = startsRun;
    } else {
      if (v < values[bMin]!) bMin = i;
      if (v > values[bMax]!) bMax = i;
    }
    bLast = i;
  }
  if (seg) {
    flush(true);
    segments.push(seg);
  }
  return segments;
}

/** The most values all series together may have (a 10-million-epoch curve): the SVG stays a string. */
const MAX_VALUES = 10_000_000;

/** A series as drawn: read once, values copied (anything not a number is NaN: skipped). */
interface Line {
  name: string;
  values: Float64Array;
  color: string;
}

/** The arguments of {@link lineChartSvg}, checked and copied once. */
function readChart(op: string, series: unknown, options: unknown): {
  series: Line[]; width: number; height: number; logY: boolean; title: string; xLabel: string; yLabel: string;
} {
  if (!Array.isArray(series)) throw new Error(`${op}: series must be an array of { name, values }, got ${describe(series)}`);
  const n = series.length;
  if (n > PALETTE.length * 100) throw new Error(`${op}: ${n} series are too many to draw (at most ${PALETTE.length * 100})`);
  const lines: Line[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s: unknown = series[i];
    if (s === null || typeof s !== 'object') throw new Error(`${op}: series[${i}] must be an object { name, values }, got ${describe(s)}`);
    const { name, values, color } = s as { name?: unknown; values?: unknown; color?: unknown };
    const len = values !== null && typeof values === 'object' ? (values as { length?: unknown }).length : undefined;
    if (typeof len !== 'number') throw new Error(`${op}: series[${i}].values must be an array of numbers, got ${describe(values)}`);
    if (!Number.isInteger(len) || len < 0 || len > MAX_VALUES) {
      throw new Error(`${op}: series[${i}].values has a length of ${len}, not an integer from 0 to ${MAX_VALUES}`);
    }
    total += len;
    if (total > MAX_VALUES) throw new Error(`${op}: the series hold more than ${MAX_VALUES} values together, too many to draw`);
    const copy = new Float64Array(len);
    for (let j = 0; j < len; j++) {
      const v: unknown = (values as ArrayLike<unknown>)[j];
      copy[j] = typeof v === 'number' ? v : NaN;
    }
    lines.push({
      name: text(op, `series[${i}].name`, name),
      values: copy,
      color: color === undefined || color === null ? PALETTE[i % PALETTE.length]! : text(op, `series[${i}].color`, color, MAX_COLOR),
    });
  }
  const o = readOptions(op, options, CHART_OPTIONS) as LineChartOptions;
  const logY: unknown = o.logY;
  if (logY !== undefined && typeof logY !== 'boolean') throw new Error(`${op}: options.logY must be true or false, got ${describe(logY)}`);
  return {
    series: lines,
    width: size(op, 'width', o.width, 800),
    height: size(op, 'height', o.height, 480),
    logY: logY === true,
    title: text(op, 'options.title', o.title),
    xLabel: text(op, 'options.xLabel', o.xLabel),
    yLabel: text(op, 'options.yLabel', o.yLabel),
  };
}
