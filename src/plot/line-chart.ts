/**
 * A dependency-free SVG line chart, for loss curves and the like: `lineChartSvg(series, options)`
 * returns the SVG document as a string (no file system access here, so it runs in Node and in
 * browsers alike; write it to a file, or put it in a page).
 *
 * @module
 */

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
  values: readonly number[];
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

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Estimated width of one character of the 12px tick font, for margins. */
const CHAR_W = 7;

/**
 * An SVG line chart of one or more series against their index (x = 0, 1, 2, ...), with axes
 * whose ticks are round numbers (1, 2 or 5 × 10ⁿ) covering the data, grid lines, a title, axis
 * labels and, for more than one series, a legend. Non-finite values (and, with `logY`, values
 * ≤ 0) are skipped and break the line; isolated points are drawn as dots. Series longer than
 * twice the plot's width in pixels are downsampled to the minimum and maximum of each pixel
 * column (plus the ends of each unbroken run), so a 100,000-epoch curve keeps its shape, its
 * spikes and its global extremes in a few thousand points. All text is escaped for XML.
 * Throws only on malformed arguments (series not an array, values not an array, a width or
 * height that is not a positive finite number).
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
export function lineChartSvg(series: LineSeries[], options: LineChartOptions = {}): string {
  const op = 'lineChartSvg';
  if (!Array.isArray(series)) throw new TypeError(`${op}: series must be an array of { name, values }, got ${typeof series}`);
  series.forEach((s, i) => {
    if (s === null || typeof s !== 'object') throw new TypeError(`${op}: series[${i}] must be an object { name, values }`);
    const v = (s as { values?: unknown }).values as { length?: unknown } | null | undefined;
    if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
      throw new TypeError(`${op}: series[${i}].values must be an array of numbers`);
    }
  });
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object`);
  const width = size(op, 'width', options.width, 800);
  const height = size(op, 'height', options.height, 480);
  const logY = options.logY === true;
  const title = text(options.title);
  const xLabel = text(options.xLabel);
  const yLabel = text(options.yLabel);

  const usable = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && (!logY || v > 0);

  // Data extent.
  let yMin = Infinity, yMax = -Infinity, maxLen = 0;
  for (const s of series) {
    const vals = s.values;
    maxLen = Math.max(maxLen, vals.length);
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
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
  const left = 12 + (yLabel ? 22 : 0) + Math.max(...yLabels.map((l) => l.length), 1) * CHAR_W;
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

  // Series.
  const cols = Math.max(1, Math.ceil(plotW));
  series.forEach((s, si) => {
    const color = s.color === undefined ? PALETTE[si % PALETTE.length]! : String(s.color);
    const segments = seriesPoints(s.values, usable, cols, (i) => Math.min(cols - 1, Math.max(0, Math.floor(xPix(i) - left))));
    let d = '';
    const dots: string[] = [];
    for (const seg of segments) {
      for (let k = 0; k < seg.length; k++) {
        const i = seg[k]!;
        d += `${k === 0 ? 'M' : 'L'}${num(xPix(i))},${num(yPix(s.values[i]!))}`;
      }
      if (seg.length === 1) {
        const i = seg[0]!;
        dots.push(`<circle cx="${num(xPix(i))}" cy="${num(yPix(s.values[i]!))}" r="3" fill="${escapeXml(color)}"/>`);
      }
    }
    out.push(
      `<path class="series" data-series="${si}" data-name="${escapeXml(text(s.name))}" d="${d}" fill="none" ` +
        `stroke="${escapeXml(color)}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`,
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
  if (series.length > 1) out.push(legend(series, left + plotW, top));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The legend box in the plot's top-right corner. */
function legend(series: readonly LineSeries[], plotRight: number, plotTop: number): string {
  const names = series.map((s) => text(s.name));
  const rowH = 18;
  const w = 44 + Math.max(...names.map((n) => n.length), 1) * CHAR_W;
  const h = 8 + rowH * series.length;
  const x = plotRight - 10 - w, y = plotTop + 10;
  const rows = series.map((s, i) => {
    const color = s.color === undefined ? PALETTE[i % PALETTE.length]! : String(s.color);
    const cy = num(y + 4 + rowH * i + rowH / 2);
    return (
      `<line x1="${num(x + 8)}" y1="${cy}" x2="${num(x + 30)}" y2="${cy}" stroke="${escapeXml(color)}" stroke-width="2.5"/>` +
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
  values: readonly number[],
  usable: (v: unknown) => boolean,
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
    const v = values[i];
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
      if ((v as number) < values[bMin]!) bMin = i;
      if ((v as number) > values[bMax]!) bMax = i;
    }
    bLast = i;
  }
  if (seg) {
    flush(true);
    segments.push(seg);
  }
  return segments;
}

/** An axis: its domain [lo, hi], tick values, and the tick step (linear) or null (log). */
interface Scale {
  lo: number;
  hi: number;
  ticks: number[];
  step: number | null;
  log: boolean;
}

/** Position of `v` in the scale's domain, 0 at lo and 1 at hi. */
function unit(s: Scale, v: number): number {
  if (s.log) {
    const a = Math.log10(s.lo), b = Math.log10(s.hi);
    return b > a ? (Math.log10(v) - a) / (b - a) : 0.5;
  }
  const span = s.hi - s.lo;
  if (!Number.isFinite(span)) return (v / 2 - s.lo / 2) / (s.hi / 2 - s.lo / 2);
  return span > 0 ? (v - s.lo) / span : 0.5;
}

/**
 * Round ticks k·step, step = 1, 2 or 5 × 10ⁿ chosen for about `target` intervals, from the
 * largest multiple ≤ min to the smallest ≥ max. `integer` forces step ≥ 1 (indices).
 */
function linearTicks(min: number, max: number, target: number, integer: boolean): Scale {
  if (!(max > min)) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [Math.max(min - pad, -Number.MAX_VALUE), Math.min(max + pad, Number.MAX_VALUE)];
  }
  const raw = max / target - min / target; // not (max − min) / target, which can overflow
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const i0 = Math.floor(min / step + 1e-9), i1 = Math.ceil(max / step - 1e-9);
  if (!(Number.isFinite(step) && step > 0 && Number.isFinite(i0) && Number.isFinite(i1)) || i1 - i0 > 1000 || i1 <= i0) {
    return { lo: min, hi: max, ticks: [min, max], step: null, log: false }; // degenerate numbers: just the ends
  }
  const ticks: number[] = [];
  for (let i = i0; i <= i1; i++) ticks.push(clean(i * step));
  const lo = ticks[0]!, hi = ticks[ticks.length - 1]!;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) return { lo: min, hi: max, ticks: [min, max], step: null, log: false };
  return { lo, hi, ticks, step, log: false };
}

/**
 * Log-axis ticks for 0 < min ≤ max: within one decade, round linear ticks (when they stay > 0);
 * else m·10ᵏ with m in 1..9, {1, 2, 5} or {1} as the decades grow, and every few powers of ten
 * beyond ten decades. The domain runs from the tick ≤ min to the tick ≥ max.
 */
function logTicks(min: number, max: number, target: number): Scale {
  const a = Math.log10(min), b = Math.log10(max);
  const decades = b - a;
  if (decades < 1) {
    const lin = linearTicks(min, max, target, false);
    if (lin.lo > 0 && lin.step !== null) return { ...lin, log: true };
  }
  const mantissas = decades > 2.5 ? [1] : decades > 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const stride = decades > 10 ? Math.ceil(decades / target) : 1;
  const k0 = Math.max(-323, Math.floor(a / stride) * stride - stride), k1 = Math.min(308, Math.ceil(b / stride) * stride + stride);
  const candidates: number[] = [];
  for (let k = k0; k <= k1; k += stride) for (const m of mantissas) {
    const c = Number(`${m}e${k}`);
    if (c > 0 && Number.isFinite(c)) candidates.push(c);
  }
  let lo = -1, hi = -1;
  for (let j = 0; j < candidates.length; j++) if (candidates[j]! <= min * (1 + 1e-12)) lo = j;
  for (let j = candidates.length - 1; j >= 0; j--) if (candidates[j]! >= max * (1 - 1e-12)) hi = j;
  if (lo >= 0 && lo === hi) [lo, hi] = [Math.max(0, lo - 1), Math.min(candidates.length - 1, hi + 1)];
  if (lo < 0 || hi < 0 || hi <= lo) return { lo: min, hi: max > min ? max : min * 10, ticks: [min, max > min ? max : min * 10], step: null, log: true };
  const ticks = candidates.slice(lo, hi + 1);
  return { lo: ticks[0]!, hi: ticks[ticks.length - 1]!, ticks, step: null, log: true };
}

/** Drop float noise from a tick value (0.30000000000000004 → 0.3); −0 → 0. */
function clean(v: number): number {
  const c = Number(v.toPrecision(12));
  return c === 0 ? 0 : c;
}

/**
 * Tick labels: fixed decimals matching the step (0.45, 0.50, 0.55) for ordinary magnitudes;
 * otherwise, and on log axes spanning decades, the shortest plain form (0.001, 200), or the
 * shortest exponent form (2e6, 1.5e-5) for all labels when any is very large or very small.
 */
function tickLabels(s: Scale): string[] {
  const maxAbs = Math.max(Math.abs(s.lo), Math.abs(s.hi));
  if (s.step !== null && s.step >= 1e-4 && maxAbs < 1e6) {
    const decimals = Math.max(0, Math.min(20, -Math.floor(Math.log10(s.step) + 1e-9)));
    return s.ticks.map((v) => (v === 0 ? '0' : v.toFixed(decimals)));
  }
  const plain = s.step === null && s.ticks.every((v) => v === 0 || (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6));
  return s.ticks.map((v) => (v === 0 ? '0' : plain ? String(clean(v)) : clean(v).toExponential().replace('e+', 'e')));
}

/** A pixel coordinate with at most two decimals. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function size(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${op}: options.${name} must be a positive finite number of pixels, got ${String(v)}`);
  }
  return v;
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** Escape for XML text and attribute values; characters XML 1.0 forbids become U+FFFD. */
function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Options of {@link decisionBoundarySvg}.
 *
 * @example
 * ```ts
 * decisionBoundarySvg(net, x.toArray(), labels, { title: 'moons', width: 400, height: 400, resolution: 100 });
 * ```
 */
export interface DecisionBoundaryOptions {
  /** Title above the plot. */
  title?: string;
  /** Size of the SVG in pixels (default 480×480). */
  width?: number;
  height?: number;
  /** Grid cells per side where the model is evaluated (default 80). */
  resolution?: number;
}

/**
 * Anything with `predict(rows)`: a NeuralNetwork.
 *
 * @example
 * ```ts
 * const model: Predictor = net; // any object with predict(rows) → { rows, cols, data }
 * ```
 */
export interface Predictor {
  predict(x: number[][]): { rows: number; cols: number; data: Float32Array };
}

/**
 * A 2-D decision boundary as SVG: the model's predicted class over a grid covering the data (a
 * heat map, paler where it is less sure), with the points on top, colored by their label. One
 * output column is read as P(class 1) (threshold 0.5); several as class scores (argmax).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { circle, decisionBoundarySvg, init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
 * await init();
 * const { x, y, labels } = circle({ n: 200, seed: 1 });
 * const net = new NeuralNetwork([2, 16, 1], [new ReLU(), new Sigmoid()], { seed: 1, init: 'he' });
 * net.train(x, y, { epochs: 300, learningRate: 0.5 });
 * writeFileSync('circle.svg', decisionBoundarySvg(net, x.toArray(), labels, { title: 'circle' }));
 * ```
 */
export function decisionBoundarySvg(
  model: Predictor, points: readonly (readonly number[])[], labels: ArrayLike<number>, options: DecisionBoundaryOptions = {},
): string {
  const op = 'decisionBoundarySvg';
  if (!model || typeof model.predict !== 'function') throw new Error(`${op}: model must have a predict(x) method`);
  if (!Array.isArray(points) || points.length === 0 || points.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw new Error(`${op}: points must be a non-empty array of [x, y] pairs`);
  }
  if (!labels || labels.length !== points.length) throw new Error(`${op}: need one label per point (${points.length}), got ${labels?.length}`);
  const width = size(op, 'width', options.width, 480), height = size(op, 'height', options.height, 480);
  const res = Math.round(size(op, 'resolution', options.resolution, 80));
  const xs = points.map((p) => p[0]!), ys = points.map((p) => p[1]!);
  const pad = (lo: number, hi: number) => {
    const d = hi - lo || 1;
    return [lo - 0.1 * d, hi + 0.1 * d] as const;
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const grid: number[][] = [];
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) grid.push([x0 + ((c + 0.5) / res) * (x1 - x0), y1 - ((r + 0.5) / res) * (y1 - y0)]);
  }
  const pred = model.predict(grid);
  const top = options.title ? 30 : 10, left = 10, plotW = width - 20, plotH = height - top - 10;
  const cw = plotW / res, ch = plotH / res;
  let cells = '';
  for (let r = 0; r < res; r++) {
    let run = -1, runKey = '';
    const flush = (end: number) => {
      if (run < 0) return;
      const [cls, level] = runKey.split(':').map(Number) as [number, number];
      const fill = tint(PALETTE[cls % PALETTE.length]!, 0.15 + 0.12 * level);
      cells += `<rect x="${num(left + run * cw)}" y="${num(top + r * ch)}" width="${num((end - run) * cw + 0.5)}" height="${num(ch + 0.5)}" fill="${fill}"/>`;
    };
    for (let c = 0; c < res; c++) {
      const [cls, conf] = classOf(pred, r * res + c);
      const key = `${cls}:${Math.min(3, Math.floor(conf * 4))}`;
      if (key !== runKey) {
        flush(c);
        run = c;
        runKey = key;
      }
    }
    flush(res);
  }
  let dots = '';
  points.forEach(([px, py], i) => {
    const cx = left + ((px! - x0) / (x1 - x0)) * plotW, cy = top + ((y1 - py!) / (y1 - y0)) * plotH;
    dots += `<circle cx="${num(cx)}" cy="${num(cy)}" r="3" fill="${PALETTE[Number(labels[i]) % PALETTE.length]}" stroke="#222" stroke-width="0.7"/>`;
  });
  const title = options.title
    ? `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="15">${escapeXml(text(options.title))}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>${title}<g shape-rendering="crispEdges">${cells}</g>` +
    `<rect x="${left}" y="${top}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#444"/>${dots}</svg>\n`;
}

/** `color` (#rrggbb) mixed with white: opaque, so overlapping cells show no seams. */
function tint(color: string, alpha: number): string {
  const c = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  return `#${c.map((v) => Math.round(255 - alpha * (255 - v)).toString(16).padStart(2, '0')).join('')}`;
}

/** Class and confidence in [0, 1] of prediction row i. */
function classOf(pred: { cols: number; data: Float32Array }, i: number): [number, number] {
  if (pred.cols === 1) {
    const p = pred.data[i]!;
    return p >= 0.5 ? [1, (p - 0.5) * 2] : [0, (0.5 - p) * 2];
  }
  let best = 0, second = -Infinity;
  const row = pred.data.subarray(i * pred.cols, (i + 1) * pred.cols);
  for (let j = 1; j < pred.cols; j++) if (row[j]! > row[best]!) best = j;
  for (let j = 0; j < pred.cols; j++) if (j !== best) second = Math.max(second, row[j]!);
  return [best, Math.max(0, Math.min(1, row[best]! - second))];
}

/** The per-epoch histories `trainingCurvesSvg` reads (a `TrainResult` has them). */
export interface TrainingHistory {
  loss: readonly number[];
  valLoss?: readonly number[];
  accuracy?: readonly number[];
  valAccuracy?: readonly number[];
}

/**
 * The curves of a training run as an SVG chart: training and validation loss (log scale), or
 * training and validation accuracy, straight from what `train()` returned.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const result = net.train(x, y, { epochs: 200, validationSplit: 0.2, metrics: ['accuracy'] });
 * writeFileSync('loss.svg', trainingCurvesSvg(result));                 // train + validation loss
 * writeFileSync('accuracy.svg', trainingCurvesSvg(result, 'accuracy')); // train + validation accuracy
 * ```
 */
export function trainingCurvesSvg(
  history: TrainingHistory, metric: 'loss' | 'accuracy' = 'loss', options: LineChartOptions = {},
): string {
  const op = 'trainingCurvesSvg';
  if (!history || !Array.isArray(history.loss)) throw new Error(`${op}: expected a training result with a loss array`);
  if (metric !== 'loss' && metric !== 'accuracy') throw new Error(`${op}: metric must be 'loss' or 'accuracy', got ${text(metric)}`);
  const [train, val] = metric === 'loss' ? [history.loss, history.valLoss] : [history.accuracy, history.valAccuracy];
  if (!train) throw new Error(`${op}: this run recorded no accuracy (train with metrics: ['accuracy'])`);
  const series: LineSeries[] = [{ name: 'training', values: train }];
  if (val) series.push({ name: 'validation', values: val });
  const name = metric === 'loss' ? 'Loss' : 'Accuracy';
  return lineChartSvg(series, { title: `${name} over training`, xLabel: 'Epoch', yLabel: name, logY: metric === 'loss', ...options });
}
