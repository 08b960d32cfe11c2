// Property tests (fast-check): arbitrary values — numbers incl. NaN/±Inf/−0/1e39, strings, holes,
// Proxies (transparent, throwing, lying about their length, revoked), typed arrays of every kind
// (and Float32Arrays that lie, are detached or sit on a resizable buffer), objects posing as arrays
// or as a Matrix, getters that change between reads — given to new Matrix, Matrix.from, set, get
// and matmul. Whatever happens, no raw TypeError/RangeError/WebAssembly.RuntimeError escapes, a
// bystander network predicts exactly what it did before, and WebAssembly memory use is unchanged.
//
// Seeded; FUZZ_RUNS (default 300 per property, a few seconds) and FUZZ_SEED pick a longer or
// different run: `FUZZ_RUNS=5000 npx vitest run test/fuzz/matrix.fuzz.test.ts`.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { backendInfo, init, Linear, Matrix, matmul, NeuralNetwork, ReLU, Sigmoid, type MatrixLike } from '../../src/index.js';
import { isRawError } from '../support/rejects.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
const params = { seed: SEED, numRuns: RUNS };

const bad = <T>(v: unknown): T => v as T;

let bystander: NeuralNetwork;
let victim: NeuralNetwork;
let disposedWeights: Matrix;
const probe = [[0.5, -1, 2], [3, 0, -0.25]];
let baseline: Float32Array;

beforeAll(async () => {
  await init();
  bystander = new NeuralNetwork([3, 5, 2], [new ReLU(), new Sigmoid()], { seed: 9 });
  baseline = bystander.predict(probe).data.slice();
  victim = new NeuralNetwork([3, 4], [new Linear()], { seed: 10 });
  victim.forward(probe);
  const disposed = new NeuralNetwork([2, 2], [new Linear()], { seed: 11 });
  disposedWeights = disposed.layers[0]!.weights;
  disposed.dispose();
});

afterAll(() => {
  bystander.dispose();
  victim.dispose();
});

/**
 * Run one call with arbitrary input: it may succeed or throw, but a throw must be a plain named
 * Error, memory use must not change, and the bystander network must predict as before.
 */
function survives(call: () => unknown): void {
  const used = backendInfo().usedBytes;
  let caught: unknown = null;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  if (caught !== null && (isRawError(caught) || (caught as Error).name !== 'Error')) {
    throw new Error(`raw error escaped: ${String(caught)}`);
  }
  const nowUsed = backendInfo().usedBytes;
  if (nowUsed !== used) throw new Error(`usedBytes changed from ${used} to ${nowUsed} (threw: ${String(caught)})`);
  const now = bystander.predict(probe).data;
  for (let i = 0; i < baseline.length; i++) {
    if (!Object.is(now[i], baseline[i])) throw new Error(`the bystander network's prediction ${i} changed: ${baseline[i]} → ${now[i]}`);
  }
}

// Every arbitrary below yields a recipe, `Build`, not the value: hostile values (revoked Proxies,
// throwing traps, detached buffers) are made fresh inside each run, where fast-check never
// inspects them. A recipe prints as what it builds.
type Build = (() => unknown) & { [fc.toStringMethod]?: () => string };
function recipe(label: string, build: () => unknown): Build {
  const f = build as Build;
  f[fc.toStringMethod] = () => label;
  return f;
}
const plain = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Build> => arb.map((v) => recipe(fc.stringify(v), () => v));
const buildAll = (items: readonly Build[]): unknown[] => {
  const out: unknown[] = new Array(items.length);
  items.forEach((b, i) => (out[i] = b())); // skips holes, so sparse arrays keep them
  return out;
};
const listed = (items: readonly Build[]): string => `[${Array.from(items, (b) => (b === undefined ? '' : String(b[fc.toStringMethod]!()))).join(', ')}]`;

// ---- leaves --------------------------------------------------------------------------------------

const specialNumber = fc.constantFrom(
  NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1e39, -1e39, 3.4028234663852886e38, 3.4028235677973366e38, 1e-45, 2 ** 31, 2 ** 53, 1e300,
);
const numberValue = fc.oneof(specialNumber, fc.double(), fc.integer({ min: -3, max: 12 }));
const number = plain(numberValue);

const typedKinds = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;
const oddFloat32 = ['a Float32Array subclass claiming length 4', 'a Float32Array with an own length 4', 'a detached Float32Array', 'a Float32Array on a resizable buffer', 'a Float32Array'];

class LyingFloat32Array extends Float32Array {}
Object.defineProperty(LyingFloat32Array.prototype, 'length', { get: () => 4 });

type Resizable = ArrayBuffer & { resize(bytes: number): void };
const ResizableBuffer = ArrayBuffer as unknown as new (bytes: number, o: { maxByteLength: number }) => Resizable;

/** A typed array of any kind, or a Float32Array that lies, is detached or can shrink. */
const typedArray = fc
  .tuple(fc.integer({ min: 0, max: typedKinds.length + 4 }), fc.integer({ min: 0, max: 9 }), fc.array(numberValue, { maxLength: 9 }))
  .map(([kind, n, values]) =>
    recipe(kind < typedKinds.length ? `new ${typedKinds[kind]!.name}(${n})` : `${oddFloat32[kind - typedKinds.length]} of ${fc.stringify(values)}`, () => {
      if (kind < typedKinds.length) return new typedKinds[kind]!(n);
      const f = new Float32Array(Math.max(n, values.length));
      f.set(values.map(Math.fround));
      switch (kind - typedKinds.length) {
        case 0:
          return new LyingFloat32Array(f);
        case 1:
          Object.defineProperty(f, 'length', { value: 4 });
          return f;
        case 2:
          structuredClone(f.buffer, { transfer: [f.buffer] });
          return f;
        case 3: {
          const rab = new ResizableBuffer(f.byteLength, { maxByteLength: 4 * f.byteLength + 4 });
          const g = new Float32Array(rab);
          g.set(f);
          return g;
        }
        default:
          return f;
      }
    }),
  );

const symbol = fc.string({ maxLength: 3 }).map((s) => recipe(`Symbol(${s})`, () => Symbol(s)));

/** Objects that pose as an array, a typed array or a Matrix without being one. */
const posers: [string, () => unknown][] = [
  ['an array-like object', () => ({ length: 2, 0: [1, 2], 1: [3, 4] })],
  ['Object.create(Array.prototype)', () => Object.create(Array.prototype)],
  ['Object.create(Matrix.prototype)', () => Object.create(Matrix.prototype)],
  ['an object tagged Float32Array', () => ({ [Symbol.toStringTag]: 'Float32Array', length: 1, 0: 1 })],
  ['Object.create(null)', () => Object.create(null)],
  ['an object whose toString throws', () => ({ toString: () => { throw new TypeError('no string'); }, valueOf: () => NaN })],
  ['an object shaped like a Matrix', () => ({ rows: 2, cols: 2, data: new Float32Array(400), shape: [2, 2], get: () => 0, set: () => {} })],
];
const poser = fc.integer({ min: 0, max: posers.length - 1 }).map((k) => recipe(posers[k]![0], posers[k]![1]));

const proxyKinds = ['a transparent Proxy of', 'a Proxy whose traps throw, of', 'a Proxy lying about its length, of', 'a revoked Proxy of'];
/** Proxies over what `target` builds: transparent, throwing on every trap, lying about `length`, revoked. */
function proxied(target: Build, kind: number, length: Build): Build {
  return recipe(`${proxyKinds[kind % 4]} ${String(target[fc.toStringMethod]!())}`, () => {
    const t = target() as object;
    switch (kind % 4) {
      case 0:
        return new Proxy(t, {});
      case 1:
        return new Proxy(t, { get: () => { throw new RangeError('trap'); }, getPrototypeOf: () => { throw new TypeError('trap'); } });
      case 2: {
        const len = length();
        return new Proxy(t, { get: (o, key) => (key === 'length' ? len : Reflect.get(o, key)) });
      }
      default: {
        const { proxy, revoke } = Proxy.revocable(t, {});
        revoke();
        return proxy;
      }
    }
  });
}

/** An array whose element 0 is a getter returning 1 once, then `later`. */
const changingRow = fc.tuple(numberValue, numberValue).map(([later, other]) =>
  recipe(`[getter 1 then ${later}, ${other}]`, () => {
    const row = [0, other];
    let reads = 0;
    Object.defineProperty(row, 0, { get: () => (reads++ === 0 ? 1 : later), enumerable: true });
    return row;
  }),
);

const leaf: fc.Arbitrary<Build> = fc.oneof(
  { weight: 6, arbitrary: number },
  plain(fc.string({ maxLength: 4 })),
  plain(fc.boolean()),
  plain(fc.constant(null)),
  plain(fc.constant(undefined)),
  plain(fc.bigInt({ min: -10n, max: 10n })),
  symbol,
  typedArray,
  poser,
);

// ---- matrices, good and bad ----------------------------------------------------------------------

const finiteRows = (r: number, c: number) =>
  fc.array(fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
const validRows = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
  .chain(([r, c]) => finiteRows(r, c))
  .map((rows) => recipe(fc.stringify(rows), () => rows.map((r) => r.slice())));

const arrayOf = (item: fc.Arbitrary<Build>, maxLength: number) => fc.array(item, { maxLength }).map((items) => recipe(listed(items), () => buildAll(items)));
const sparseOf = (item: fc.Arbitrary<Build>, maxLength: number) =>
  fc.sparseArray(item, { maxLength }).map((items) => recipe(`sparse ${listed(items)}`, () => buildAll(items)));

const row: fc.Arbitrary<Build> = fc.oneof(
  { weight: 3, arbitrary: fc.array(number, { minLength: 1, maxLength: 5 }).map((items) => recipe(listed(items), () => buildAll(items))) },
  arrayOf(leaf, 5),
  sparseOf(number, 5),
  changingRow,
  fc.tuple(arrayOf(number, 4), fc.nat(3), leaf).map(([r, k, len]) => proxied(r, k, len)),
  leaf,
);

const views: [string, () => Matrix][] = [
  ['victim.layers[0].weights', () => victim.layers[0]!.weights],
  ['victim.layers[0].bias', () => victim.layers[0]!.bias],
  ['victim.layers[0].output', () => victim.layers[0]!.output!],
  ['a disposed network\'s weights', () => disposedWeights],
];
const view = fc.integer({ min: 0, max: views.length - 1 }).map((k) => recipe(views[k]![0], views[k]![1]));

const matrixLike: fc.Arbitrary<Build> = fc.oneof(
  { weight: 3, arbitrary: validRows },
  { weight: 2, arbitrary: validRows.map((b) => recipe(`Matrix.from(${String(b[fc.toStringMethod]!())})`, () => Matrix.from(b() as number[][]))) },
  arrayOf(row, 5),
  sparseOf(row, 5),
  fc.tuple(arrayOf(row, 4), fc.nat(3), leaf).map(([rows, k, len]) => proxied(rows, k, len)),
  fc.tuple(validRows, fc.nat(3), leaf).map(([rows, k, len]) => proxied(rows, k, len)),
  view,
  leaf,
);

/** Sizes: small integers (a real matrix), the float and special values, and sizes past the cap. */
const size: fc.Arbitrary<Build> = fc.oneof(
  { weight: 4, arbitrary: plain(fc.integer({ min: -2, max: 6 })) },
  plain(fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 2 ** 31, 2 ** 53, 1e10, 1e300, -1)),
  leaf,
);

describe('Matrix and matmul under arbitrary input', () => {
  it('new Matrix(rows, cols, data?)', () => {
    const fit = recipe('a Float32Array of rows * cols values', () => 'fit');
    fc.assert(
      fc.property(size, size, fc.oneof(plain(fc.constant(undefined)), fc.constant(fit), typedArray, leaf), (rb, cb, db) => {
        const r = rb(), c = cb();
        let d = db();
        if (d === 'fit') {
          const n = Number.isInteger(r) && Number.isInteger(c) ? (r as number) * (c as number) : 0;
          d = n > 0 && n <= 64 ? new Float32Array(n).fill(0.5) : new Float32Array(3);
        }
        survives(() => {
          const m = new Matrix(bad<number>(r), bad<number>(c), bad<Float32Array>(d));
          if (m.data.length !== m.rows * m.cols) throw new Error(`data.length ${m.data.length} is not ${m.rows}x${m.cols}`);
        });
      }),
      params,
    );
  });

  it('Matrix.from(values)', () => {
    fc.assert(
      fc.property(matrixLike, (vb) => {
        const v = vb();
        survives(() => {
          const m = Matrix.from(bad<MatrixLike>(v));
          if (m.data.length !== m.rows * m.cols) throw new Error(`data.length ${m.data.length} is not ${m.rows}x${m.cols}`);
          for (const x of m.data) if (!Number.isFinite(x)) throw new Error(`Matrix.from let ${x} through`);
        });
      }),
      params,
    );
  });

  it('get(i, j) and set(i, j, value), on a JS matrix and on views', () => {
    const target = fc.oneof(plain(fc.constant(null)), view);
    fc.assert(
      fc.property(target, size, size, fc.oneof({ weight: 3, arbitrary: number }, leaf), (tb, ib, jb, vb) => {
        const m = (tb() as Matrix | null) ?? Matrix.from([[1, 2, 3], [4, 5, 6]]);
        const i = ib(), j = jb(), v = vb();
        let before: Float32Array | null = null;
        try {
          before = m.data.slice();
        } catch {
          // a view of the disposed network
        }
        survives(() => m.get(bad<number>(i), bad<number>(j)));
        let threw = false;
        survives(() => {
          try {
            m.set(bad<number>(i), bad<number>(j), bad<number>(v));
          } catch (e) {
            threw = true;
            throw e;
          }
        });
        if (threw && before !== null) {
          const now = m.data;
          for (let k = 0; k < now.length; k++) if (!Object.is(now[k], before[k])) throw new Error(`a rejected set changed element ${k}`);
        }
        if (!threw) {
          const stored = m.get(i as number, j as number);
          if (!Number.isFinite(stored)) throw new Error(`set stored ${stored}`);
          if (!Object.is(stored, Math.fround(v as number))) throw new Error('set did not store the value');
        }
      }),
      params,
    );
  });

  it('matmul(a, b, { transposeA, transposeB })', () => {
    const flag = fc.oneof(fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(matrixLike, matrixLike, flag, flag, (ab, bb, ta, tb) => {
        const a = ab(), b = bb();
        survives(() => {
          const c = matmul(bad<MatrixLike>(a), bad<MatrixLike>(b), { transposeA: ta, transposeB: tb });
          if (c.data.length !== c.rows * c.cols) throw new Error('matmul returned a matrix whose data does not fit its shape');
          for (const x of c.data) if (Number.isNaN(x)) throw new Error('matmul of finite operands gave NaN');
        });
      }),
      params,
    );
  });
});
