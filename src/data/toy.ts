/**
 * Seeded toy data sets for 2-D classification, in the spirit of TensorFlow Playground and
 * scikit-learn's `make_*` functions: `xor`, `circle`, `spirals`, `blobs`, `moons`. Every
 * generator returns `{ x, y, labels }`: `x` is n×2 (the two features), `labels` the class of each
 * row (0, 1, ...), and `y` the training targets: n×1 zeros and ones for two classes (for a
 * `Sigmoid` output and binary cross-entropy), n×k one-hot rows for k > 2 classes (for a
 * `Softmax` output and softmax cross-entropy).
 *
 * Rows are interleaved by class (row i has class i mod k), so classes are balanced to within one
 * row and any run of consecutive rows is balanced too. Randomness comes from a
 * {@link RandomState} seeded with `seed` (default 0): the same options always give the same data,
 * and nothing touches the global generator. Noise is gaussian, its standard deviation in the
 * units of `x`. Nothing here needs `init()`: the matrices live on the JavaScript heap.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import { checkElements, describe, readOptions } from '../core/validate.js';

/**
 * What every generator returns.
 *
 * @example
 * ```ts
 * const { x, y, labels }: ToyDataset = moons({ n: 100, seed: 1 }); // x 100x2, y 100x1, labels 0/1
 * ```
 */
export interface ToyDataset {
  /** n×2 features. */
  x: Matrix;
  /** Targets: n×1 zeros and ones for two classes, n×k one-hot rows for k > 2 classes. */
  y: Matrix;
  /** The class of each row, 0 ≤ label < number of classes. */
  labels: Int32Array;
}

/**
 * Options of the noisy {@link xor}.
 *
 * @example
 * ```ts
 * xor({ n: 200, noise: 0.1, seed: 1 }); // 4 noisy clusters
 * ```
 */
export interface XorOptions {
  /** Number of points (default 200), dealt to the four corners in turn. */
  n?: number;
  /** Standard deviation of the gaussian noise around each corner (default 0.1). */
  noise?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/**
 * Options of {@link circle}.
 *
 * @example
 * ```ts
 * circle({ n: 300, noise: 0.05, seed: 2 });
 * ```
 */
export interface CircleOptions {
  /** Number of points (default 200), half in the disc, half in the ring. */
  n?: number;
  /** Standard deviation of the gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/**
 * Options of {@link spirals}.
 *
 * @example
 * ```ts
 * spirals({ n: 400, noise: 0.02, turns: 1.5, seed: 3 });
 * ```
 */
export interface SpiralsOptions {
  /** Number of points (default 200), half on each spiral. */
  n?: number;
  /** Standard deviation of the gaussian noise added to each coordinate (default 0.02). */
  noise?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
  /** Turns of each spiral from the centre to radius 1 (default 1.75, as TensorFlow Playground; at most 1e300). */
  turns?: number;
}

/**
 * Options of {@link blobs}.
 *
 * @example
 * ```ts
 * blobs({ n: 300, classes: 3, spread: 0.3, seed: 4 }); // y is one-hot, 300x3
 * ```
 */
export interface BlobsOptions {
  /** Number of points (default 200), dealt to the blobs in turn. */
  n?: number;
  /**
   * Number of blobs, one class each (default 2, at least 2, at most 65,536, and n × classes at
   * most 2^28 when y is one-hot; with n < classes the last ones get no points).
   */
  classes?: number;
  /** Standard deviation of each blob (default 0.25); the centres are 1 from the origin. */
  spread?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/**
 * Options of {@link moons}.
 *
 * @example
 * ```ts
 * moons({ n: 200, noise: 0.1, seed: 5 });
 * ```
 */
export interface MoonsOptions {
  /** Number of points (default 200), half on each moon. */
  n?: number;
  /** Standard deviation of the gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/** The most points a generator makes (10 million: 80 MB of features). */
const MAX_N = 10_000_000;
/** The most blobs {@link blobs} makes. */
const MAX_CLASSES = 65_536;

/**
 * The XOR problem. Without options: the chapter's four points `[[0,0],[0,1],[1,0],[1,1]]` with
 * targets `[[0],[1],[1],[0]]`. With options: `n` points in four gaussian clusters of standard
 * deviation `noise` around those corners (row i around corner i mod 4), each labelled with the
 * XOR of its corner, so `xor({ n: 4, noise: 0 })` is the chapter's set again.
 *
 * @example
 * ```ts
 * import { init, NeuralNetwork, ReLU, Sigmoid, xor } from 'scratchnet';
 * await init();
 * const { x, y } = xor(); // the chapter's 4 points
 * const noisy = xor({ n: 400, noise: 0.15, seed: 7 }); // 4 noisy clusters, 100 points each
 * const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
 * net.train(noisy.x, noisy.y, { epochs: 500, learningRate: 0.5 });
 * net.predict(x).toArray(); // ≈ [[0], [1], [1], [0]]
 * ```
 */
export function xor(options?: XorOptions): ToyDataset {
  const fn = 'xor';
  if (options === undefined) return xor({ n: 4, noise: 0 });
  const o = readOptions(fn, options, ['n', 'noise', 'seed']);
  const n = count(fn, 'n', o.n, 200);
  const noise = nonNegative(fn, 'noise', o.noise, 0.1);
  const rng = generator(fn, o.seed);
  const corners = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [cx, cy] = corners[i % 4]!;
    x[2 * i] = cx + noise * rng.randn();
    x[2 * i + 1] = cy + noise * rng.randn();
    labels[i] = cx ^ cy;
  }
  return dataset(fn, x, labels, 2);
}

/**
 * A disc inside a ring: label 1 for the inner disc (radius ≤ 0.5), label 0 for the ring
 * (0.7 ≤ radius ≤ 1), points uniform over each area (rows alternate ring, disc), then gaussian
 * noise. As scikit-learn's `make_circles`, the outer class is 0.
 *
 * @example
 * ```ts
 * import { circle } from 'scratchnet';
 * const { x, y, labels } = circle({ n: 300, noise: 0.05, seed: 1 });
 * x.shape;   // [300, 2]
 * y.shape;   // [300, 1]
 * labels[1]; // 1: row 1 is in the inner disc
 * ```
 */
export function circle(options: CircleOptions = {}): ToyDataset {
  const fn = 'circle';
  const o = readOptions(fn, options, ['n', 'noise', 'seed']);
  const n = count(fn, 'n', o.n, 200);
  const noise = nonNegative(fn, 'noise', o.noise, 0.05);
  const rng = generator(fn, o.seed);
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2; // 0: ring, 1: disc
    const [r0, r1] = label === 1 ? [0, 0.5] : [0.7, 1];
    // Uniform over the annulus r0 ≤ r ≤ r1: r² uniform in [r0², r1²].
    const r = Math.sqrt(r0 * r0 + rng.random() * (r1 * r1 - r0 * r0));
    const angle = 2 * Math.PI * rng.random();
    x[2 * i] = r * Math.cos(angle) + noise * rng.randn();
    x[2 * i + 1] = r * Math.sin(angle) + noise * rng.randn();
    labels[i] = label;
  }
  return dataset(fn, x, labels, 2);
}

/** The most turns {@link spirals} accepts: 2π·turns stays a finite angle (it overflows past ~2.9e307). */
const MAX_TURNS = 1e300;

/**
 * Two interleaved spirals (the second is the first turned by half a turn), labels 0 and 1: each
 * runs from near the centre out to radius 1 in `turns` turns, its points evenly spaced in radius,
 * then gaussian noise. Hard for a network without hidden layers, and a good test of depth.
 *
 * @example
 * ```ts
 * import { spirals } from 'scratchnet';
 * const { x, labels } = spirals({ n: 400, noise: 0.02, seed: 3, turns: 1.5 });
 * x.shape;              // [400, 2]
 * labels.slice(0, 4);   // Int32Array [0, 1, 0, 1]
 * ```
 */
export function spirals(options: SpiralsOptions = {}): ToyDataset {
  const fn = 'spirals';
  const o = readOptions(fn, options, ['n', 'noise', 'seed', 'turns']);
  const n = count(fn, 'n', o.n, 200);
  const noise = nonNegative(fn, 'noise', o.noise, 0.02);
  const rng = generator(fn, o.seed);
  const turns = o.turns ?? 1.75;
  if (typeof turns !== 'number' || !Number.isFinite(turns) || turns <= 0) {
    throw new Error(`${fn}: turns must be a finite number > 0, got ${describe(turns)}`);
  }
  // 2π·turns must stay finite: past ~2.9e307 the angle is Infinity and every point NaN
  if (turns > MAX_TURNS) throw new Error(`${fn}: turns must be at most ${MAX_TURNS} (the angle 2π·turns must stay finite), got ${turns}`);
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  const perClass = [Math.ceil(n / 2), Math.floor(n / 2)];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const j = (i - label) / 2; // index along this spiral
    const r = (j + 1) / perClass[label]!; // (0, 1]
    const angle = 2 * Math.PI * turns * r + label * Math.PI;
    x[2 * i] = r * Math.cos(angle) + noise * rng.randn();
    x[2 * i + 1] = r * Math.sin(angle) + noise * rng.randn();
    labels[i] = label;
  }
  return dataset(fn, x, labels, 2);
}

/**
 * Gaussian blobs, one class each: `classes` centres evenly spaced on the unit circle (the first
 * at the top), row i drawn around centre i mod `classes` with standard deviation `spread`.
 * Targets are n×1 zeros and ones for 2 classes, n×k one-hot rows for k > 2.
 *
 * @example
 * ```ts
 * import { blobs, init, NeuralNetwork, ReLU, Softmax } from 'scratchnet';
 * await init();
 * const { x, y, labels } = blobs({ n: 300, classes: 3, spread: 0.3, seed: 2 });
 * y.shape; // [300, 3], one-hot
 * const net = new NeuralNetwork([2, 8, 3], [new ReLU(), new Softmax()], { seed: 1 });
 * net.train(x, y, { epochs: 300, learningRate: 0.5 }); // softmax cross-entropy
 * ```
 */
export function blobs(options: BlobsOptions = {}): ToyDataset {
  const fn = 'blobs';
  const o = readOptions(fn, options, ['n', 'classes', 'spread', 'seed']);
  const n = count(fn, 'n', o.n, 200);
  const classes = o.classes ?? 2;
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2) {
    throw new Error(`${fn}: classes must be an integer ≥ 2, got ${describe(classes)}`);
  }
  if (classes > MAX_CLASSES) throw new Error(`${fn}: classes must be at most ${MAX_CLASSES}, got ${classes}`);
  if (classes > 2) checkElements(fn, `y, ${n} one-hot rows of ${classes} classes,`, n * classes);
  const spread = nonNegative(fn, 'spread', o.spread, 0.25);
  const rng = generator(fn, o.seed);
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    const angle = Math.PI / 2 + (2 * Math.PI * label) / classes;
    x[2 * i] = Math.cos(angle) + spread * rng.randn();
    x[2 * i + 1] = Math.sin(angle) + spread * rng.randn();
    labels[i] = label;
  }
  return dataset(fn, x, labels, classes);
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons`: label 0 on the upper moon
 * (cos t, sin t), label 1 on the lower one (1 − cos t, 0.5 − sin t), t evenly spaced in [0, π],
 * then gaussian noise. The points lie in about [−1, 2] × [−0.5, 1].
 *
 * @example
 * ```ts
 * import { moons } from 'scratchnet';
 * const { x, y } = moons({ n: 200, noise: 0.1, seed: 0 });
 * x.get(0, 0); // ≈ 1 + noise: the first point of the upper moon, t = 0
 * ```
 */
export function moons(options: MoonsOptions = {}): ToyDataset {
  const fn = 'moons';
  const o = readOptions(fn, options, ['n', 'noise', 'seed']);
  const n = count(fn, 'n', o.n, 200);
  const noise = nonNegative(fn, 'noise', o.noise, 0.1);
  const rng = generator(fn, o.seed);
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  const perClass = [Math.ceil(n / 2), Math.floor(n / 2)];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const j = (i - label) / 2;
    const m = perClass[label]!;
    const t = m > 1 ? (Math.PI * j) / (m - 1) : 0;
    const [px, py] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    x[2 * i] = px + noise * rng.randn();
    x[2 * i + 1] = py + noise * rng.randn();
    labels[i] = label;
  }
  return dataset(fn, x, labels, 2);
}

// ---------------------------------------------------------------------------------------------

/**
 * Build x, y from features and labels: y n×1 for two classes, one-hot n×k beyond. Noise so large
 * that a feature overflows float32 is an Error naming the generator.
 */
function dataset(fn: string, x: Float32Array, labels: Int32Array, classes: number): ToyDataset {
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(`${fn}: the noise makes x[${bad >> 1}][${bad & 1}] overflow float32; use a noise (or spread) below about 1e37`);
  }
  const n = labels.length;
  const cols = classes > 2 ? classes : 1;
  const y = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) {
    if (cols === 1) y[i] = labels[i]!;
    else y[i * cols + labels[i]!] = 1;
  }
  return { x: new Matrix(n, 2, x), y: new Matrix(n, cols, y), labels };
}

function count(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  if (v > MAX_N) throw new Error(`${fn}: ${name} must be at most ${MAX_N}, got ${v}`);
  return v;
}

function nonNegative(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${fn}: ${name} must be a finite number ≥ 0, got ${describe(v)}`);
  }
  return v;
}

function generator(fn: string, seed: unknown): RandomState {
  const s = seed ?? 0;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 0xffffffff) {
    throw new Error(`${fn}: seed must be an integer in [0, 2^32 - 1], got ${describe(s)}`);
  }
  return new RandomState(s);
}
