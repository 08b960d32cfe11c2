/**
 * Validation helpers shared by every unit (core, nn, data, plot): one way to show a bad value in
 * an error message, the checks most arguments go through (positive integer sizes, values that
 * must fit a float32, element counts), one "finite array" copy and one argmax. Each check throws
 * a plain `Error` naming the operation and the value. Nothing here touches WebAssembly, and this
 * module imports nothing.
 *
 * @module
 * @internal
 */

/**
 * The largest finite float32, 3.4028234663852886e38. Any number whose magnitude rounds above it
 * becomes ±Infinity when stored in a Float32Array or in WebAssembly memory.
 *
 * @internal
 */
export const FLOAT32_MAX = 3.4028234663852886e38;

const MAX_SHOWN = 40;

/**
 * Describe a bad value for an error message. Never throws, whatever the value (a Proxy, an
 * object whose `toString` throws, a symbol, a revoked Proxy...).
 *
 * @example
 * ```ts
 * describe('a');  // '"a" (a string)'
 * describe(null); // 'null'
 * describe(NaN);  // 'NaN'
 * ```
 * @internal
 */
export function describe(v: unknown): string {
  try {
    switch (typeof v) {
      case 'number':
        return Object.is(v, -0) ? '-0' : String(v);
      case 'string':
        return `"${v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}…` : v}" (a string)`;
      case 'symbol':
        return `${v.toString()} (a symbol)`;
      case 'bigint':
        return `${v}n (a bigint)`;
    }
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    const tag = typedArrayName(v);
    if (tag !== undefined) return `a ${tag}`;
    const s = String(v);
    return `${s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s} (${typeof v})`;
  } catch {
    return `an unprintable ${typeof v}`;
  }
}

const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype) as object, Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/**
 * `'Float32Array'`, `'Uint8Array'`, ... when `v` truly is a typed array (read from its internal
 * slot, so a subclass or an own `Symbol.toStringTag` cannot fake it), otherwise undefined.
 *
 * @example
 * ```ts
 * typedArrayName(new Float32Array(2)); // 'Float32Array'
 * typedArrayName([1, 2]);              // undefined
 * ```
 * @internal
 */
export function typedArrayName(v: unknown): string | undefined {
  return typedArrayTag.call(v);
}

/**
 * Throw unless `v` is a positive integer.
 *
 * @example
 * ```ts
 * checkSize('Layer', 'inputSize', 3); // ok; 2.5 would throw "Layer: inputSize must be a positive integer, got 2.5"
 * ```
 * @internal
 */
export function checkSize(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  }
}

/**
 * Whether `v` is a number that stays finite when stored as a float32 (NaN, ±Infinity and
 * magnitudes above {@link FLOAT32_MAX} are not).
 *
 * @example
 * ```ts
 * isFloat32(1e38); // true
 * isFloat32(1e39); // false
 * ```
 * @internal
 */
export function isFloat32(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(Math.fround(v));
}

/**
 * Throw unless `v` is a number that stays finite as a float32: the check for every value that
 * is written into WebAssembly memory (weights, rates, slopes, matrix elements).
 *
 * @example
 * ```ts
 * checkFloat32('Matrix.set', 'value', 0.5); // ok; 1e39 would throw "Matrix.set: value is 1e+39, which overflows float32 ..."
 * ```
 * @internal
 */
export function checkFloat32(op: string, name: string, v: unknown): asserts v is number {
  if (isFloat32(v)) return;
  if (typeof v === 'number' && Number.isFinite(v)) {
    throw new Error(`${op}: ${name} is ${v}, which overflows float32 (largest magnitude ${FLOAT32_MAX})`);
  }
  throw new Error(`${op}: ${name} must be a finite number, got ${describe(v)}`);
}

/**
 * The index of the largest of `length` values from `offset` (the first one on ties; a NaN never
 * wins over an earlier value, and a NaN in front is kept): the one argmax of scratchnet, for
 * rows of predictions or one-hot targets.
 *
 * @example
 * ```ts
 * argmax([0.1, 0.7, 0.2]);             // 1
 * argmax([5, 1, 2, 3, 9, 3], 3, 3);    // 1: the second value of the row [3, 9, 3]
 * ```
 */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0, bv = values[offset]!;
  for (let j = 1; j < length; j++) {
    const v = values[offset + j]!;
    if (v > bv) {
      bv = v;
      best = j;
    }
  }
  return best;
}

/**
 * A copy of `v` as a plain array of finite numbers, or an Error naming `op`, `name` and the bad
 * value. `length` (when given) is the exact length required; `float32: true` also rejects values
 * that overflow float32. The values are read once, so a getter cannot change them after the check.
 *
 * @example
 * ```ts
 * finiteArray('Scaler.fromJSON', 'mean', [1, 2]);       // [1, 2]
 * finiteArray('Scaler.fromJSON', 'mean', [1, NaN]);     // throws "Scaler.fromJSON: mean[1] is NaN, not a finite number"
 * ```
 */
export function finiteArray(
  op: string, name: string, v: unknown, options: { length?: number; float32?: boolean; nonEmpty?: boolean } = {},
): number[] {
  const { length, float32 = false, nonEmpty = false } = options;
  const what = `${nonEmpty ? 'a non-empty array' : 'an array'} of ${length === undefined ? '' : `${length} `}finite numbers`;
  if (!Array.isArray(v)) throw new Error(`${op}: ${name} must be ${what}, got ${describe(v)}`);
  const n = v.length; // read once: a Proxy may say anything
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_ELEMENTS)) throw new Error(`${op}: ${name} has a length of ${describe(n)}, not 0..${MAX_ELEMENTS}`);
  if (nonEmpty && n === 0) throw new Error(`${op}: ${name} must be ${what}, got an empty array`);
  if (length !== undefined && n !== length) throw new Error(`${op}: ${name} has ${n} values, expected ${length}`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (float32 && !Number.isFinite(Math.fround(x)))) {
      throw new Error(`${op}: ${name}[${i}] is ${describe(x)}, not a finite${float32 ? ' float32' : ''} number`);
    }
    out[i] = x;
  }
  return out;
}

/**
 * The most values a matrix built on the JavaScript heap by data and plot functions may hold:
 * 2^28 (1 GiB of float32). Larger requests are an Error naming the operation, not a raw
 * `RangeError` from the engine.
 *
 * @example
 * ```ts
 * checkElements('oneHot', 'a 2 x 3 one-hot matrix', 2 * 3); // fine
 * ```
 */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Throw an Error `<op>: <what> would hold N values, more than MAX_ELEMENTS` when `n` is too many
 * (or not a finite number).
 *
 * @example
 * ```ts
 * checkElements('oneHot', 'a 1 x 1e12 one-hot matrix', 1e12); // throws
 * ```
 */
export function checkElements(op: string, what: string, n: number): void {
  if (!(n <= MAX_ELEMENTS)) {
    throw new Error(`${op}: ${what} would hold ${n} values, more than the ${MAX_ELEMENTS} (1 GiB of float32) allowed`);
  }
}

/**
 * An options object read once into a plain copy of its known keys: `{}` for `undefined`; an
 * Error naming `op` for anything but a plain object, and for a key it does not know (a typo such
 * as `logy` must not pass silently; the message suggests the known key it most resembles).
 * `others` lists keys another reader of the same object takes (trainAsync's own next to
 * train()'s), or is `'ignore'` for an object that may carry anything else. Each key is read
 * once, a getter that throws named (`op: reading options.key failed`). An explicit `undefined`
 * means "the default", as if absent.
 *
 * @example
 * ```ts
 * readOptions('gunzip', { maxBytes: 10 }, ['maxBytes']); // { maxBytes: 10 }
 * readOptions('gunzip', { maxbytes: 10 }, ['maxBytes']); // throws 'gunzip: unknown option "maxbytes"; did you mean "maxBytes"? (known: maxBytes)'
 * ```
 */
export function readOptions(
  op: string, options: unknown, known: readonly string[], others: 'reject' | 'ignore' | readonly string[] = 'reject',
): Record<string, unknown> {
  if (options === undefined) return {};
  // (Array.isArray throws on a revoked Proxy: through userCode, a named Error)
  if (options === null || typeof options !== 'object' || userCode(op, 'reading the options', () => Array.isArray(options)) || ArrayBuffer.isView(options)) {
    throw new Error(`${op}: options must be an object like { ${known.join(', ')} }, got ${describe(options)}`);
  }
  if (others !== 'ignore') {
    const allowed = others === 'reject' ? known : [...known, ...others];
    for (const key of userCode(op, 'listing the options', () => Object.keys(options))) {
      if (!allowed.includes(key)) throw new Error(`${op}: unknown option ${quoteKey(key)}${closest(key, allowed)} (known: ${allowed.join(', ')})`);
    }
  }
  const o = options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of known) {
    const v = userCode(op, `reading options.${k}`, () => o[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A key as the message shows it: quoted, at most 40 characters. */
function quoteKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

/** `'; did you mean "learningRate"?'`: the known key within 2 edits (case aside), or ''. */
function closest(key: string, known: readonly string[]): string {
  if (key.length > 40) return '';
  let best = '', bestD = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best ? `; did you mean "${best}"?` : '';
}

/**
 * Levenshtein distance of two short strings (the "did you mean" hints of options and the CLI).
 *
 * @internal
 * @example
 * ```ts
 * editDistance('learningrate', 'learningRate'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Run user code whose result scratchnet needs (an options getter, a schedule, a factory, a
 * `toJSON()`): whatever it throws, an Error or any other value, becomes an Error naming `op` and
 * `what`, with the thrown value as its `cause`.
 *
 * @internal
 * @example
 * ```ts
 * userCode('NeuralNetwork.train', 'schedule(2)', () => { throw 'no'; }); // throws Error('NeuralNetwork.train: schedule(2) failed (no)')
 * ```
 */
export function userCode<T>(op: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const message = typeof e === 'string' ? e : e instanceof Error ? e.message : describe(e);
    throw new Error(`${op}: ${what} failed (${message})`, { cause: e });
  }
}

/**
 * Run user code that scratchnet calls back (a custom activation, loss or optimizer, a training
 * callback). An `Error` it throws is the user's own and propagates as thrown; any other value
 * (a string, an object) becomes an Error naming `what`, with the value as its `cause`.
 *
 * @internal
 * @example
 * ```ts
 * userCall('square.forward', () => { throw 'no'; }); // throws Error('square.forward threw "no" (a string)')
 * ```
 */
export function userCall<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error) throw e;
    throw new Error(`${what} threw ${describe(e)}`, { cause: e });
  }
}
