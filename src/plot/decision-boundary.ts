/**
 * A model's decision boundary over 2-D data, as SVG.
 *
 * @module
 */
import { Matrix, toMatrix } from '../core/matrix.js';
import { argmax, checkElements, describe, readOptions } from '../core/validate.js';
import { escapeXml, num, PALETTE, size, text, tint } from './svg.js';

/**
 * Options of {@link decisionBoundarySvg}.
 *
 * @example
 * ```ts
 * const { x, labels } = moons({ n: 100, seed: 1 });
 * decisionBoundarySvg(net, x, labels, { title: 'moons', width: 400, height: 400, resolution: 100 });
 * ```
 */
export interface DecisionBoundaryOptions {
  /** Title above the plot. */
  title?: string;
  /** Size of the SVG in pixels (default 480×480). */
  width?: number;
  height?: number;
  /** Grid cells per side where the model is evaluated: an integer from 1 to 1000 (default 80). */
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
  predict(x: number[][]): { rows: number; cols: number; data: ArrayLike<number> };
}

/**
 * A 2-D decision boundary as SVG: the model's predicted class over a grid covering the data (a
 * heat map, paler where it is less sure), with the points on top, colored by their label. One
 * output column is read as P(class 1) (class 1 when ≥ 0.5); several as class scores (argmax). The
 * points are a 2-column Matrix or an array of [x, y] pairs (`number[][]`); labels are class
 * indices (integers ≥ 0), one per point, at most a million points; a title is at most 1000
 * characters. What `predict` returns is checked: one row per grid cell, finite numbers, else an
 * Error naming what is wrong; what it throws (or a getter of its result throws) becomes an Error
 * `decisionBoundarySvg: model.predict(grid of N points) failed (…)` with the original as `cause`.
 * A canvas smaller than the margins keeps a plot of at least 1 pixel.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { circle, decisionBoundarySvg, init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
 * await init();
 * const { x, y, labels } = circle({ n: 200, seed: 1 });
 * const net = new NeuralNetwork([2, 16, 1], [new ReLU(), new Sigmoid()], { seed: 1, init: 'he' });
 * net.train(x, y, { epochs: 300, learningRate: 0.5 });
 * writeFileSync('circle.svg', decisionBoundarySvg(net, x, labels, { title: 'circle' })); // x: a 200x2 Matrix
 * decisionBoundarySvg(net, [[0, 0], [1, 1]], [0, 1]); // or [x, y] pairs
 * ```
 */
export function decisionBoundarySvg(
  model: Predictor, points: Matrix | readonly (readonly number[])[], labels: ArrayLike<number>, options: DecisionBoundaryOptions = {},
): string {
  const op = 'decisionBoundarySvg';
  const predict: unknown = model !== null && typeof model === 'object' ? guard(op, 'reading model.predict', () => model.predict) : undefined;
  if (typeof predict !== 'function') throw new Error(`${op}: model must have a predict(x) method`);
  const { xs, ys, cls } = readPoints(op, points, labels);
  const o = readOptions(op, options, ['title', 'width', 'height', 'resolution']) as DecisionBoundaryOptions;
  const width = size(op, 'width', o.width, 480), height = size(op, 'height', o.height, 480);
  const resolution: unknown = o.resolution ?? 80;
  if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution < 1 || resolution > MAX_RESOLUTION) {
    throw new Error(`${op}: options.resolution must be an integer from 1 to ${MAX_RESOLUTION}, got ${describe(resolution)}`);
  }
  const res = resolution;
  const titleText = text(op, 'options.title', o.title);
  // extents by loops: Math.min(...xs) overflows the call stack for a few hundred thousand points
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    xMin = Math.min(xMin, xs[i]!);
    xMax = Math.max(xMax, xs[i]!);
    yMin = Math.min(yMin, ys[i]!);
    yMax = Math.max(yMax, ys[i]!);
  }
  const pad = (lo: number, hi: number) => {
    // halves, so that hi − lo cannot overflow for values near ±1.8e308
    const d = (hi / 2 - lo / 2) * 2 || Math.max(1, Math.abs(lo) / 1e6);
    return [lo - 0.1 * d, hi + 0.1 * d] as const;
  };
  const [x0, x1] = pad(xMin, xMax);
  const [y0, y1] = pad(yMin, yMax);
  if (![x0, x1, y0, y1, x1 - x0, y1 - y0].every(Number.isFinite)) {
    throw new Error(`${op}: the points span [${xMin}, ${xMax}] × [${yMin}, ${yMax}], too wide to draw`);
  }
  const grid: number[][] = [];
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) grid.push([x0 + ((c + 0.5) / res) * (x1 - x0), y1 - ((r + 0.5) / res) * (y1 - y0)]);
  }
  const top = titleText ? 30 : 10, left = 10, plotW = Math.max(1, width - 20), plotH = Math.max(1, height - top - 10);
  // No size check needed: at most 10^6 cells and 10^6 points of under 100 characters each and a
  // title of at most 6,000 escaped characters stay under 2.1e8, below MAX_SVG_CHARS (2^28).
  const what = `model.predict(grid of ${grid.length} points)`;
  const pred = readPrediction(op, what, guard(op, what, () => (predict as Predictor['predict']).call(model, grid)), grid.length);
  const cw = plotW / res, ch = plotH / res;
  let cells = '';
  for (let r = 0; r < res; r++) {
    let run = -1, runKey = '';
    const flush = (end: number) => {
      if (run < 0) return;
      const [k, level] = runKey.split(':').map(Number) as [number, number];
      const fill = tint(PALETTE[k % PALETTE.length]!, 0.15 + 0.12 * level);
      cells += `<rect x="${num(left + run * cw)}" y="${num(top + r * ch)}" width="${num((end - run) * cw + 0.5)}" height="${num(ch + 0.5)}" fill="${fill}"/>`;
    };
    for (let c = 0; c < res; c++) {
      const [k, conf] = classOf(pred, r * res + c);
      const key = `${k}:${Math.min(3, Math.floor(conf * 4))}`;
      if (key !== runKey) {
        flush(c);
        run = c;
        runKey = key;
      }
    }
    flush(res);
  }
  const dots: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const cx = left + ((xs[i]! - x0) / (x1 - x0)) * plotW, cy = top + ((y1 - ys[i]!) / (y1 - y0)) * plotH;
    dots.push(`<circle cx="${num(cx)}" cy="${num(cy)}" r="3" fill="${PALETTE[cls[i]! % PALETTE.length]}" stroke="#222" stroke-width="0.7"/>`);
  }
  const title = titleText
    ? `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="15">${escapeXml(titleText)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>${title}<g shape-rendering="crispEdges">${cells}</g>` +
    `<rect x="${left}" y="${top}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#444"/>${dots.join('')}</svg>\n`;
}

/** The most grid cells per side (a million predictions). */
const MAX_RESOLUTION = 1000;
/**
 * The most points drawn: each is a circle element of about 90 characters, and a JavaScript string
 * holds at most 2^29 (V8), so a million points (90 MB of SVG) is the sane limit.
 */
const MAX_POINTS = 1_000_000;

/** Whether `points` claims to be a Matrix (toMatrix then checks it is a genuine one). */
function isMatrixArg(points: unknown): boolean {
  try {
    return points instanceof Matrix;
  } catch {
    return false; // a Proxy whose getPrototypeOf trap throws
  }
}

/**
 * Points and labels, checked and copied once: finite x, y and integer labels ≥ 0. The points are
 * an array of [x, y] pairs or a 2-column Matrix.
 */
function readPoints(op: string, points: unknown, labels: unknown): { xs: Float64Array; ys: Float64Array; cls: Float64Array } {
  let matrix: Float32Array | null = null, n: number;
  if (isMatrixArg(points)) {
    const m = toMatrix(points, op, 'points'); // checks the values are finite (and the view alive)
    if (m.cols !== 2) throw new Error(`${op}: points must be a 2-column Matrix (x, y) or an array of [x, y] pairs, got a ${m.rows}x${m.cols} Matrix`);
    matrix = m.data.slice(); // a copy: reading the labels may run code that grows WebAssembly memory
    n = m.rows;
  } else if (!Array.isArray(points) || points.length === 0) {
    throw new Error(`${op}: points must be a non-empty array of [x, y] pairs or a 2-column Matrix, got ${describe(points)}`);
  } else n = points.length;
  if (n > MAX_POINTS) throw new Error(`${op}: ${n} points are too many to draw (at most ${MAX_POINTS})`);
  const nl = labels !== null && typeof labels === 'object' ? (labels as { length?: unknown }).length : undefined;
  if (nl !== n) throw new Error(`${op}: need one label per point (${n}), got ${typeof nl === 'number' ? nl : describe(labels)}`);
  const xs = new Float64Array(n), ys = new Float64Array(n), cls = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let px: unknown, py: unknown;
    if (matrix !== null) [px, py] = [matrix[2 * i], matrix[2 * i + 1]];
    else {
      const p: unknown = (points as unknown[])[i];
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`${op}: points must be a non-empty array of [x, y] pairs; points[${i}] is ${describe(p)}`);
      [px, py] = [p[0], p[1]];
    }
    if (typeof px !== 'number' || typeof py !== 'number' || !Number.isFinite(px) || !Number.isFinite(py)) {
      throw new Error(`${op}: points[${i}] is [${describe(px)}, ${describe(py)}], not two finite numbers`);
    }
    const l: unknown = (labels as ArrayLike<unknown>)[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0) throw new Error(`${op}: labels[${i}] is ${describe(l)}, not a class index (an integer ≥ 0)`);
    xs[i] = px;
    ys[i] = py;
    cls[i] = l;
  }
  return { xs, ys, cls };
}

/**
 * `fn()`, the model's code: whatever it throws (a TypeError, a string...) becomes an Error
 * `<op>: <what> failed (<the error>)` with the thrown value as its `cause`.
 */
function guard<T>(op: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    let shown: string;
    try {
      shown = e instanceof Error ? `${String(e.name)}: ${String(e.message)}` : describe(e);
    } catch {
      shown = describe(e); // a Proxy, or a name or message getter that throws
    }
    if (shown.length > 200) shown = `${shown.slice(0, 200)}…`;
    throw new Error(`${op}: ${what} failed (${shown})`, { cause: e });
  }
}

/**
 * What predict returned, checked and copied once: `rows` rows of finite numbers. Its getters
 * run through {@link guard}, so a throwing one is an Error naming `what`.
 */
function readPrediction(op: string, what: string, pred: unknown, rows: number): { cols: number; data: Float64Array } {
  if (pred === null || typeof pred !== 'object') throw new Error(`${op}: ${what} returned ${describe(pred)}, not a matrix { rows, cols, data }`);
  const reading = `reading what ${what} returned`;
  const { rows: r, cols, data } = guard(op, reading, () => {
    const { rows: r, cols, data } = pred as { rows?: unknown; cols?: unknown; data?: unknown };
    return { rows: r, cols, data };
  });
  if (r !== rows) throw new Error(`${op}: ${what} returned ${describe(r)} rows, expected ${rows}`);
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1) throw new Error(`${op}: ${what} returned cols = ${describe(cols)}, not a positive integer`);
  checkElements(op, `${what}'s output`, rows * cols);
  const len = data !== null && typeof data === 'object' ? guard(op, reading, () => (data as { length?: unknown }).length) : undefined;
  if (len !== rows * cols) throw new Error(`${op}: ${what} returned data of length ${describe(len)}, expected ${rows} x ${cols} = ${rows * cols}`);
  const out = new Float64Array(rows * cols);
  const bad = guard(op, reading, () => {
    for (let i = 0; i < out.length; i++) {
      const v: unknown = (data as ArrayLike<unknown>)[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) return { i, v };
      out[i] = v;
    }
    return null;
  });
  if (bad) {
    throw new Error(`${op}: ${what} returned ${describe(bad.v)} at row ${Math.floor(bad.i / cols)}, column ${bad.i % cols}; expected finite numbers`);
  }
  return { cols, data: out };
}

/** Class and confidence in [0, 1] of prediction row i. */
function classOf(pred: { cols: number; data: Float64Array }, i: number): [number, number] {
  if (pred.cols === 1) {
    const p = pred.data[i]!;
    return p >= 0.5 ? [1, (p - 0.5) * 2] : [0, (0.5 - p) * 2];
  }
  const at = i * pred.cols;
  const best = argmax(pred.data, at, pred.cols);
  let second = -Infinity;
  for (let j = 0; j < pred.cols; j++) if (j !== best) second = Math.max(second, pred.data[at + j]!);
  return [best, Math.max(0, Math.min(1, pred.data[at + best]! - second))];
}
