// Property tests of data and plot (src/data/, src/plot/): arbitrary values (numbers incl.
// NaN/±Inf/−0/1e39, strings, holes, proxies, typed arrays of every kind, objects posing as
// arrays, random bytes) thrown at every entry point either work or fail with a plain Error naming
// the operation: never a raw TypeError/RangeError/WebAssembly.RuntimeError, never a hang, and
// successful SVG output never shows NaN or undefined.
//
// Seeded: FUZZ_SEED (default 20261129) and FUZZ_RUNS (default 150 per property; a few seconds in
// `npm test`). A longer run: FUZZ_RUNS=5000 npx vitest run test/fuzz/data.fuzz.test.ts
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Matrix } from '../../src/core/matrix.js';
import { parseCsv, csvRecords } from '../../src/data/csv.js';
import { oneHot, argmaxRows } from '../../src/data/encoding.js';
import { gunzip, isGzip } from '../../src/data/gzip.js';
import { idxToMatrix, loadIdx, parseIdx } from '../../src/data/idx.js';
import { accuracy } from '../../src/data/metrics.js';
import { MinMaxScaler, StandardScaler } from '../../src/data/scalers.js';
import { trainTestSplit } from '../../src/data/split.js';
import { blobs, circle, moons, spirals, xor } from '../../src/data/toy.js';
import { decisionBoundarySvg } from '../../src/plot/decision-boundary.js';
import { lineChartSvg } from '../../src/plot/line-chart.js';
import { trainingCurvesSvg } from '../../src/plot/training-curves.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };
/** Generous: a long FUZZ_RUNS run must not time out. */
const TIMEOUT = Math.max(60_000, RUNS * 400);

/** What a trap or getter planted by the fuzzer throws: the caller's own error passes through. */
class PlantedError extends Error {}

/** Whether `e` is an acceptable failure: a plain Error, or the fuzzer's own planted one. */
function acceptable(e: unknown): boolean {
  return e instanceof PlantedError || (e instanceof Error && e.constructor === Error && e.message.length > 0);
}

function check(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (!acceptable(e)) throw new Error(`raw ${e instanceof Error ? e.constructor.name : typeof e}: ${e instanceof Error ? e.stack : String(e)}`);
    return undefined;
  }
}

async function checkAsync(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (e) {
    if (!acceptable(e)) throw new Error(`raw ${e instanceof Error ? e.constructor.name : typeof e}: ${e instanceof Error ? e.stack : String(e)}`);
    return undefined;
  }
}

function cleanSvg(out: unknown): void {
  if (typeof out !== 'string') return;
  expect(out.startsWith('<svg')).toBe(true);
  expect(out).not.toMatch(/NaN|undefined|Infinity/);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const nasty = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e39, -1e39, 3.4028235e38, 1e-45, Number.MAX_VALUE, Number.MIN_VALUE,
  2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53, -1, 0.5, 1.5, 1e12, 1e300);
const num = fc.oneof(nasty, fc.double(), fc.integer({ min: -5, max: 12 }));
const smallInt = fc.integer({ min: -2, max: 12 });

const typedArray = fc.oneof(
  fc.array(num, { maxLength: 12 }).map((a) => Float32Array.from(a)),
  fc.array(num, { maxLength: 12 }).map((a) => Float64Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Int8Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Uint8Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Uint8ClampedArray.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Int16Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Uint16Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Int32Array.from(a)),
  fc.array(smallInt, { maxLength: 12 }).map((a) => Uint32Array.from(a)),
  fc.array(fc.bigInt({ min: -5n, max: 5n }), { maxLength: 6 }).map((a) => BigInt64Array.from(a)),
  fc.array(fc.bigInt({ min: 0n, max: 5n }), { maxLength: 6 }).map((a) => BigUint64Array.from(a)),
  fc.constant(new DataView(new ArrayBuffer(8))),
  fc.constant(new ArrayBuffer(4)),
);

/** Objects that pose as arrays: a length (maybe huge, negative, NaN) and some indices. */
const posing = fc.record({ length: fc.oneof(smallInt, nasty), 0: num, 1: num }).map((o) => ({ ...o }));

/** Values that cannot even be turned into a string. */
const unprintable = fc.constantFrom(
  Object.create(null) as unknown,
  { toString: () => { throw new PlantedError('toString'); } },
  { [Symbol.toPrimitive]: () => { throw new PlantedError('toPrimitive'); } },
  Symbol('s'),
  () => 1,
);

/** A Proxy over an array: its length and entries come from the trap, which may throw. */
const proxied = (inner: fc.Arbitrary<unknown>) =>
  fc.tuple(fc.array(inner, { maxLength: 6 }), fc.boolean(), fc.oneof(smallInt, nasty)).map(([arr, throws, len]) =>
    new Proxy(arr, {
      has: (target, key) => key === fc.toStringMethod || Reflect.has(target, key),
      get(target, key, receiver) {
        if (key === fc.toStringMethod) return () => `Proxy(${throws ? 'throwing ' : ''}[${target.length}], length ${len})`;
        if (throws && key === '1') throw new PlantedError('trap');
        if (key === 'length' && len === -2) return 1e12; // a huge length the target does not have
        return Reflect.get(target, key, receiver);
      },
    }),
  );

const leaf = fc.oneof(num, fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), unprintable);

const anything: fc.Arbitrary<unknown> = fc.letrec<{ any: unknown }>((tie) => ({
  any: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    typedArray,
    posing,
    fc.sparseArray(tie('any'), { maxLength: 6 }),
    fc.array(tie('any'), { maxLength: 6 }),
    proxied(tie('any')),
    fc.dictionary(fc.constantFrom('rows', 'cols', 'data', 'length', 'shape', 'type', 'mean', 'scale', 'x', 'y'), tie('any'), { maxKeys: 4 }),
  ),
})).any;

/** Rows of numbers: mostly rectangular, sometimes ragged or holding nasty values. */
const rows = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).chain(([r, c]) =>
    fc.array(fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), num), { minLength: c, maxLength: c }), { minLength: r, maxLength: r })),
  fc.array(fc.array(num, { maxLength: 4 }), { maxLength: 5 }),
  anything,
);

const matrix = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 20, maxLength: 20 }))
  .map(([r, c, d]) => new Matrix(r, c, Float32Array.from(d.slice(0, r * c))));

/** CSV-like text over the characters that matter to the tokenizer. */
const csvText = fc.oneof(
  fc.string({ unit: fc.constantFrom(',', ';', '\n', '\r', '"', ' ', '\t', '0', '1', '2', '5', '.', 'e', '-', '+', 'a', 'x', '\uFEFF', 'é'), maxLength: 60 }),
  fc.array(fc.array(fc.oneof(fc.integer({ min: -3, max: 9 }).map(String), fc.constantFrom('cat', 'dog', '', '1e39', 'NaN', '"q,"', '0x1', ' 2 ')), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
    .map((lines) => lines.map((l) => l.join(',')).join('\n')),
  anything,
);

const csvOptions = fc.oneof(
  fc.record({
    header: fc.oneof(fc.constantFrom(true, false, 'auto', 'sklearn'), anything),
    labelColumn: fc.oneof(smallInt, fc.constant(null), fc.constantFrom('a', 'x', 'species'), anything),
    delimiter: fc.oneof(fc.constantFrom(',', ';', '\t', '"', ',,'), anything),
    classes: fc.oneof(fc.constant(undefined), fc.array(fc.constantFrom('cat', 'dog', '0', '1'), { maxLength: 3 }), anything),
  }, { requiredKeys: [] }),
  anything,
);

/** Bytes: random, gzip of random, gzip of IDX-like, truncated or flipped. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x0a), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 48 }))
    .map(([t, nd, rest]) => Uint8Array.from([0, 0, t, nd, ...rest])),
  fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.boolean()).map(([b, cut, flip]) => {
    const gz = gzipSync(b);
    const out = gz.subarray(0, Math.max(2, gz.length - (cut % 8)));
    if (flip && out.length > 12) out[10] = out[10]! ^ 0xff;
    return new Uint8Array(out);
  }),
  fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), fc.uint8Array({ maxLength: 40 })).map(([dims, rest]) => {
    const head = new Uint8Array(4 + 4 * dims.length);
    head.set([0, 0, 8, dims.length]);
    const v = new DataView(head.buffer);
    dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
    return new Uint8Array(gzipSync(Uint8Array.from([...head, ...rest])));
  }),
  typedArray,
  anything,
);

const gzOptions = fc.oneof(fc.constant(undefined), fc.record({ maxBytes: fc.oneof(fc.integer({ min: 1, max: 100 }), nasty, anything) }, { requiredKeys: [] }), anything);

// ---------------------------------------------------------------------------------------------

describe('fuzz: data', () => {
  it('parseCsv and csvRecords', () => {
    fc.assert(fc.property(csvText, csvOptions, (text, options) => {
      const out = check(() => parseCsv(text as string, options as never)) as ReturnType<typeof parseCsv> | undefined;
      if (out) {
        expect(out.x).toBeInstanceOf(Matrix);
        expect(out.x.data.every(Number.isFinite)).toBe(true);
        expect(out.labels.every(Number.isFinite)).toBe(true);
      }
      check(() => [...csvRecords(text as string, ',')]);
    }), params);
  }, TIMEOUT);

  it('parseIdx, idxToMatrix, isGzip', () => {
    fc.assert(fc.property(bytes, anything, (b, scale) => {
      const idx = check(() => parseIdx(b as never)) as ReturnType<typeof parseIdx> | undefined;
      if (idx) check(() => idxToMatrix(idx, scale as never));
      check(() => idxToMatrix(b as never));
      check(() => idxToMatrix({ shape: scale, type: 'ubyte', data: b } as never));
      check(() => isGzip(b as never));
    }), params);
  }, TIMEOUT);

  it('gunzip and loadIdx', async () => {
    await fc.assert(fc.asyncProperty(bytes, gzOptions, async (b, options) => {
      await checkAsync(() => gunzip(b as never, options as never));
      await checkAsync(() => loadIdx(b as never, options as never));
    }), params);
  }, TIMEOUT);

  it('oneHot, argmaxRows, accuracy', () => {
    fc.assert(fc.property(fc.oneof(fc.array(fc.oneof(smallInt, num), { maxLength: 8 }), typedArray, anything), fc.oneof(fc.constant(undefined), smallInt, nasty, anything), rows, (labels, classes, r) => {
      const m = check(() => oneHot(labels as never, classes as never)) as Matrix | undefined;
      if (m) expect(m.rows * m.cols).toBeLessThanOrEqual(2 ** 28);
      check(() => argmaxRows(r as never));
      check(() => accuracy(r as never, labels as never));
      check(() => accuracy(r as never, r as never));
    }), params);
  }, TIMEOUT);

  it('StandardScaler and MinMaxScaler', () => {
    fc.assert(fc.property(rows, rows, anything, fc.oneof(fc.tuple(num, num), anything), (a, b, json, range) => {
      for (const make of [() => new StandardScaler(), () => new MinMaxScaler({ featureRange: range as never })]) {
        const s = check(make) as StandardScaler | MinMaxScaler | undefined;
        if (!s) continue;
        if (check(() => s.fit(a as never))) {
          for (const f of [() => s.transform(b as never), () => s.inverseTransform(b as never), () => s.transform(a as never)]) {
            const out = check(f) as Matrix | undefined;
            if (out) expect(out.data.every(Number.isFinite)).toBe(true);
          }
          check(() => s.toJSON());
        }
      }
      check(() => StandardScaler.fromJSON(json as never));
      check(() => MinMaxScaler.fromJSON(json as never));
      check(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: a, scale: b } as never));
      check(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: range, dataMin: a, dataMax: b } as never));
    }), params);
  }, TIMEOUT);

  it('trainTestSplit', () => {
    const labels = fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), typedArray, anything);
    const options = fc.oneof(fc.record({ testFraction: fc.oneof(fc.double({ min: 0, max: 1 }), nasty, anything), seed: fc.oneof(smallInt, nasty, anything), stratify: fc.oneof(fc.boolean(), anything) }, { requiredKeys: [] }), anything);
    fc.assert(fc.property(fc.oneof(rows, matrix), labels, options, (x, y, o) => {
      check(() => trainTestSplit(x as never, y as never, o as never));
      check(() => trainTestSplit(x as never, x as never, o as never));
    }), params);
  }, TIMEOUT);

  it('toy data sets', () => {
    const keys = fc.constantFrom('n', 'noise', 'seed', 'turns', 'classes', 'spread', 'bogus');
    const value = fc.oneof(fc.integer({ min: -2, max: 300 }), nasty, fc.double({ min: 0, max: 5 }), anything);
    const options = fc.oneof(fc.dictionary(keys, value, { maxKeys: 4 }), anything);
    fc.assert(fc.property(options, (o) => {
      for (const gen of [xor, circle, spirals, blobs, moons]) {
        const d = check(() => gen(o as never)) as ReturnType<typeof xor> | undefined;
        if (d) {
          expect(d.x.data.every(Number.isFinite)).toBe(true);
          expect(d.x.rows).toBe(d.labels.length);
        }
      }
    }), params);
  }, TIMEOUT);
});

describe('fuzz: plot', () => {
  const values = fc.oneof(fc.array(num, { maxLength: 30 }), fc.sparseArray(num, { maxLength: 10 }), typedArray, posing, proxied(num), anything);
  const series = fc.oneof(fc.array(fc.record({ name: fc.oneof(fc.string({ maxLength: 8 }), anything), values, color: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 8 }), anything) }, { requiredKeys: ['values'] }), { maxLength: 4 }), anything);
  const chartOptions = fc.oneof(fc.record({
    title: fc.oneof(fc.string({ maxLength: 8 }), anything), xLabel: fc.oneof(fc.string({ maxLength: 8 }), anything), yLabel: fc.string({ maxLength: 8 }),
    width: fc.oneof(fc.integer({ min: 1, max: 2000 }), nasty, anything), height: fc.oneof(fc.integer({ min: 1, max: 2000 }), nasty, anything), logY: fc.oneof(fc.boolean(), anything),
  }, { requiredKeys: [] }), anything);

  it('lineChartSvg and trainingCurvesSvg', () => {
    fc.assert(fc.property(series, chartOptions, values, values, (s, o, a, b) => {
      cleanSvg(check(() => lineChartSvg(s as never, o as never)));
      cleanSvg(check(() => trainingCurvesSvg({ loss: a, valLoss: b, accuracy: b } as never, 'loss', o as never)));
      cleanSvg(check(() => trainingCurvesSvg({ loss: a, accuracy: b } as never, 'accuracy')));
      check(() => trainingCurvesSvg(s as never, o as never));
    }), params);
  }, TIMEOUT);

  it('decisionBoundarySvg with arbitrary points, labels and predictions', () => {
    const points = fc.oneof(fc.array(fc.tuple(fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), num), fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), num)), { minLength: 1, maxLength: 8 }), rows);
    const prediction = fc.oneof(
      fc.constant('good'),
      fc.record({ rows: fc.oneof(smallInt, nasty, anything), cols: fc.oneof(fc.integer({ min: 0, max: 3 }), nasty, anything), data: fc.oneof(typedArray, values, anything) }, { requiredKeys: [] }),
      anything,
    );
    const options = fc.oneof(fc.record({ resolution: fc.oneof(fc.integer({ min: 1, max: 12 }), nasty, anything), width: fc.oneof(fc.integer({ min: 1, max: 500 }), nasty), title: fc.oneof(fc.string({ maxLength: 6 }), anything) }, { requiredKeys: [] }), anything);
    fc.assert(fc.property(points, fc.oneof(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 8 }), typedArray, anything), prediction, options, (p, l, pred, o) => {
      const model = {
        predict: (g: number[][]) => (pred === 'good' ? { rows: g.length, cols: 2, data: Float32Array.from(g.flatMap(([x]) => [x!, -x!])) } : pred),
      };
      cleanSvg(check(() => {
        // mostly one label per point (so that the drawing is reached), built from l
        const labels = Array.isArray(p) && p.length <= 100 && Array.isArray(l) && l.length > 0 ? Array.from({ length: p.length }, (_, i) => l[i % l.length]) : l;
        return decisionBoundarySvg(model as never, p as never, labels as never, o as never);
      }));
    }), params);
  }, TIMEOUT);
});
