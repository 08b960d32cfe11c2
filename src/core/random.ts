/**
 * A NumPy-compatible random generator: MT19937 seeded exactly as `np.random.seed(s)`, uniform
 * doubles as NumPy's `random_sample`, and normals from NumPy's legacy polar Box–Muller
 * (`np.random.randn`, which caches the second value of each pair). Same seed, same numbers.
 *
 * @module
 */

import { MAX_MATRIX_VALUES } from './matrix.js';
import { describe, typedArrayName } from './validate.js';

const N = 624;
const M = 397;

/** The most normals `randnArray` draws at once: 2^30, as many values as a matrix may hold. */
const MAX_COUNT = MAX_MATRIX_VALUES;
/** The longest array `shuffle` takes: `integer` draws indices below 2^32. */
const MAX_SHUFFLE = 0xffffffff;

/**
 * The state of one generator, like NumPy's legacy `RandomState`.
 *
 * @example
 * ```ts
 * import { RandomState } from 'scratchnet';
 * const rng = new RandomState(42);
 * rng.randn(); // 0.4967141530112327, as np.random.seed(42); np.random.randn()
 * ```
 */
export class RandomState {
  // private (#): the generator's state is reachable only through its methods, so no caller can
  // put it in a state it never reaches (all zeros, on which randn's rejection loop never ends)
  readonly #mt = new Uint32Array(N);
  #index = N;
  #hasGauss = false;
  #gauss = 0;

  /** @param seed an integer in [0, 2³² − 1], as `np.random.seed` accepts. */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * Re-seed, as `np.random.seed(seed)` (also clears the cached normal).
   *
   * @example
   * ```ts
   * const rng = new RandomState(1);
   * rng.seed(0);
   * rng.randn(); // 1.764052345967664
   * ```
   */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`RandomState.seed: seed must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
    }
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  /**
   * The next raw 32-bit output of MT19937.
   *
   * @example
   * ```ts
   * new RandomState(0).uint32(); // 2357136044, NumPy's first raw MT19937 output after seed(0)
   * ```
   */
  uint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M - N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.#index = 0;
    }
    let y = mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits, as `np.random.random_sample()`.
   *
   * @example
   * ```ts
   * new RandomState(42).random(); // 0.3745401188473625
   * ```
   */
  random(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * One standard normal, as `np.random.randn()` (legacy polar method, second value cached). It
   * takes no argument: `np.random.randn(2, 3)`'s six values are `randnArray(6)`, and `randn(2, 3)`
   * is an Error (it would otherwise return one number), with nothing drawn.
   *
   * @example
   * ```ts
   * const rng = new RandomState(42);
   * [rng.randn(), rng.randn()]; // [0.4967141530112327, -0.13826430117118466]
   * rng.randn(2, 3); // throws 'RandomState.randn: takes no arguments (it returns one normal), got 2; for many, call randnArray(count)' (from JavaScript: TypeScript refuses the call already)
   * ```
   */
  randn(): number {
    if (arguments.length > 0) {
      throw new Error(`RandomState.randn: takes no arguments (it returns one normal), got ${arguments.length}; for many, call randnArray(count)`);
    }
    return this.#normal();
  }

  /** One standard normal (what `randn()` returns; `randnArray` draws through it). */
  #normal(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      return this.#gauss;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /**
   * `count` standard normals in row-major order, as `np.random.randn(rows, cols).ravel()`.
   * `count` is an integer from 0 to 2^30 (as many values as a matrix may hold), else an Error
   * (and no number is drawn).
   *
   * @example
   * ```ts
   * new RandomState(0).randnArray(3); // Float64Array [1.764052345967664, 0.4001572083672233, 0.9787379841057392]
   * new RandomState(0).randnArray(1.5); // throws 'RandomState.randnArray: count must be an integer from 0 to 1073741824, got 1.5'
   * ```
   */
  randnArray(count: number): Float64Array {
    const op = 'RandomState.randnArray';
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
      throw new Error(`${op}: count must be an integer from 0 to ${MAX_COUNT}, got ${describe(count)}`);
    }
    let out: Float64Array;
    try {
      out = new Float64Array(count);
    } catch (e) {
      throw new Error(`${op}: cannot allocate ${count} float64 values (${count * 8} bytes)`, { cause: e });
    }
    for (let i = 0; i < count; i++) out[i] = this.#normal();
    return out;
  }

  /**
   * A uniform integer in [0, n), unbiased (rejection sampling on a bit mask, like NumPy's legacy
   * `randint` for small ranges).
   *
   * @example
   * ```ts
   * new RandomState(3).integer(10); // some integer 0..9, the same one for every run
   * ```
   */
  integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0xffffffff) {
      throw new Error(`RandomState.integer: n must be an integer in [1, 2^32 - 1], got ${String(n)}`);
    }
    if (n === 1) return 0;
    let mask = n - 1;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.uint32() & mask) >>> 0;
    while (v >= n);
    return v;
  }

  /**
   * Shuffle an array or a typed array in place (Fisher–Yates, last to first, as NumPy's legacy
   * `shuffle`) and return it. Anything else (a string, an array-like object, a frozen array) or
   * an array longer than 2^32 − 1 is an Error, and no number is drawn.
   *
   * @example
   * ```ts
   * const order = new RandomState(1).shuffle([0, 1, 2, 3, 4]); // a fixed permutation
   * new RandomState(1).shuffle('abc' as never); // throws 'RandomState.shuffle: items must be an array or a typed array, got "abc" (a string)'
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    const op = 'RandomState.shuffle';
    const typed = typedArrayName(items) !== undefined;
    if (!typed && !Array.isArray(items)) throw new Error(`${op}: items must be an array or a typed array, got ${describe(items)}`);
    const n: unknown = items.length; // read once: a Proxy may say anything
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SHUFFLE) {
      throw new Error(`${op}: items has a length of ${describe(n)}, not an integer from 0 to ${MAX_SHUFFLE}`);
    }
    if (!typed && n > 1 && Object.isFrozen(items)) throw new Error(`${op}: items is a frozen array, which cannot be shuffled in place`);
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/**
 * The generator layers draw from when no seed or generator is given, like NumPy's global state.
 *
 * @example
 * ```ts
 * seed(42); globalRandom.randn(); // 0.4967141530112327
 * ```
 */
export const globalRandom = new RandomState(0);

/**
 * Seed the global generator, as `np.random.seed(s)`: the chapter's `np.random.seed(42)`.
 *
 * @example
 * ```ts
 * import { seed, Layer, ReLU } from 'scratchnet';
 * seed(42);
 * const layer = new Layer(2, 4, new ReLU()); // weights = np.random.randn(2, 4) * 0.01 after seed 42
 * ```
 */
export function seed(value: number): void {
  globalRandom.seed(value);
}
