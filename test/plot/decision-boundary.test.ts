// decisionBoundarySvg (src/plot/decision-boundary.ts).
import { describe, expect, it } from 'vitest';
import { decisionBoundarySvg } from '../../src/plot/decision-boundary.js';
import { Matrix } from '../../src/core/matrix.js';
import { xor } from '../../src/data/toy.js';
import { namedError } from '../support/named-error.js';

describe('decisionBoundarySvg', () => {
  // a fake model: class 1 right of x = 0 (one output), or three classes by angle (three outputs)
  const half = { predict: (g: number[][]) => ({ rows: g.length, cols: 1, data: Float32Array.from(g, ([x]) => (x! > 0 ? 0.9 : 0.1)) }) };
  const pts = [[-1, -1], [-0.5, 1], [0.5, 0.2], [1, -0.3]];

  it('draws the grid as opaque cells of the predicted class and every point on top', () => {
    const svg = decisionBoundarySvg(half, pts, [0, 0, 1, 1], { title: 'a < b & "c"', resolution: 20 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect((svg.match(/<circle /g) ?? []).length).toBe(4);
    // one run per row for each side: 20 rows × 2 classes
    expect((svg.match(/<rect x=/g) ?? []).length).toBe(20 * 2 + 1);
    expect(svg).not.toMatch(/NaN|fill-opacity/);
  });

  it('reads several output columns as class scores (argmax)', () => {
    const three = { predict: (g: number[][]) => ({ rows: g.length, cols: 3, data: Float32Array.from(g.flatMap(([x, y]) => (x! < 0 ? [1, 0, 0] : y! < 0 ? [0, 1, 0] : [0, 0, 1]))) }) };
    const svg = decisionBoundarySvg(three, pts, [0, 0, 2, 1], { resolution: 10 });
    const fills = new Set([...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]));
    expect(fills.size).toBe(3);
  });

  it('rejects bad arguments', () => {
    expect(() => decisionBoundarySvg({} as never, pts, [0, 0, 1, 1])).toThrow(/decisionBoundarySvg: model must have a predict/);
    expect(() => decisionBoundarySvg(half, [[1, 2, 3]], [0])).toThrow(/pairs/);
    expect(() => decisionBoundarySvg(half, pts, [0])).toThrow(/one label per point \(4\), got 1/);
  });
});

describe('decisionBoundarySvg: big inputs and garbage from predict', () => {
  const half = { predict: (g: number[][]) => ({ rows: g.length, cols: 1, data: Float32Array.from(g, ([x]) => (x! > 0 ? 0.9 : 0.1)) }) };
  const pts = [[-1, -1], [-0.5, 1], [0.5, 0.2], [1, -0.3]];

  it('draws 300,000 points (no spread of a big array into Math.min/max)', () => {
    const n = 300_000;
    const many = Array.from({ length: n }, (_, i) => [Math.cos(i), Math.sin(i) * (i / n)]);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const svg = decisionBoundarySvg(half, many, labels, { resolution: 4 });
    expect(svg.split('<circle ').length - 1).toBe(n);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('checks what predict returns: shape, length, finite numbers', async () => {
    const model = (out: unknown) => ({ predict: () => out }) as never;
    const rows = 16; // resolution 4
    const cases: [unknown, string | RegExp][] = [
      [null, 'model.predict(grid of 16 points) returned null, not a matrix { rows, cols, data }'],
      [{ rows: 15, cols: 1, data: new Float32Array(15) }, 'returned 15 rows, expected 16'],
      [{ rows, cols: 0, data: new Float32Array(0) }, 'returned cols = 0, not a positive integer'],
      [{ rows, cols: 1, data: new Float32Array(3) }, 'returned data of length 3, expected 16 x 1 = 16'],
      [{ rows, cols: 2, data: new Float32Array(16) }, 'returned data of length 16, expected 16 x 2 = 32'],
      [{ rows, cols: 1, data: Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : 0.5)) }, 'returned NaN at row 5, column 0; expected finite numbers'],
      [{ rows, cols: 1, data: 'garbage' }, 'returned data of length undefined'],
      [{ rows, cols: 1e12, data: [] }, 'would hold 16000000000000 values'],
    ];
    for (const [out, message] of cases) await namedError(() => decisionBoundarySvg(model(out), pts, [0, 0, 1, 1], { resolution: 4 }), message);
    // a plain array of scores is fine
    const plain = decisionBoundarySvg(model({ rows, cols: 1, data: Array.from({ length: 16 }, (_, i) => i / 16) }), pts, [0, 0, 1, 1], { resolution: 4 });
    expect(plain).not.toMatch(/NaN/);
  });

  it('checks points, labels and options instead of drawing NaN or undefined', async () => {
    await namedError(() => decisionBoundarySvg(half, [[0, NaN], [1, 1]], [0, 1]), 'decisionBoundarySvg: points[0] is [0, NaN], not two finite numbers');
    await namedError(() => decisionBoundarySvg(half, [[0, '1'], [1, 1]] as never, [0, 1]), 'points[0] is [0, "1" (a string)]');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1.5, 1]), 'decisionBoundarySvg: labels[2] is 1.5, not a class index');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, -1, 1]), 'labels[2] is -1');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1, 1], { resolution: 0.5 }), 'options.resolution must be an integer from 1 to 1000, got 0.5');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1, 1], { resolution: 1e6 }), 'options.resolution must be an integer from 1 to 1000');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1, 1], { width: Infinity }), 'options.width must be a positive finite number');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1, 1], { title: {} as never }), 'options.title must be a string');
    await namedError(() => decisionBoundarySvg(half, pts, [0, 0, 1, 1], null as never), 'options must be an object');
    await namedError(() => decisionBoundarySvg(half, [[-1.7e308, 0], [1.7e308, 1]], [0, 1]), 'too wide to draw');
    // extreme but drawable values
    expect(decisionBoundarySvg(half, [[-1e300, 0], [1e300, 1]], [0, 1], { resolution: 2 })).not.toMatch(/NaN/);
  });
});

describe('decisionBoundarySvg: output that cannot be a string', () => {
  it('more than a million points is a named Error, not "Invalid string length"', async () => {
    const points = { length: 1_000_001 };
    const many = new Proxy([] as number[][], { get: (t, k, r) => (k === 'length' ? points.length : Reflect.get(t, k, r)) });
    await namedError(() => decisionBoundarySvg({ predict: () => null } as never, many, new Int32Array(1_000_001)), 'decisionBoundarySvg: 1000001 points are too many to draw (at most 1000000)');
  });
});

describe('decisionBoundarySvg: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    const half = { predict: (g: number[][]) => ({ rows: g.length, cols: 1, data: new Float32Array(g.length) }) };
    await namedError(() => decisionBoundarySvg(half, [[0, 0]], [0], { res: 10 } as never), 'decisionBoundarySvg: unknown option "res" (known: title, width, height, resolution)');
  });
});

describe('decisionBoundarySvg: small canvases, long titles, a predict that throws', () => {
  const half = { predict: (g: number[][]) => ({ rows: g.length, cols: 1, data: Float32Array.from(g, ([x]) => (x! > 0.5 ? 0.9 : 0.1)) }) };
  const pts = [[0, 0], [1, 1]];

  it('a canvas smaller than its margins draws no negative width or height', () => {
    for (const [width, height] of [[5, 5], [1, 1], [20, 30], [25, 45]]) {
      const svg = decisionBoundarySvg(half, pts, [0, 1], { width, height, title: 't', resolution: 4 });
      expect(svg, `${width}x${height}`).not.toMatch(/(width|height)="-/);
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(svg).toMatch(new RegExp(`^<svg [^>]*width="${width}" height="${height}"`));
    }
  });

  it('a title longer than 1000 characters names the option, at once', async () => {
    const started = Date.now();
    await namedError(() => decisionBoundarySvg(half, pts, [0, 1], { title: '<'.repeat(45_000_000) }),
      'decisionBoundarySvg: options.title is a string of 45000000 characters, longer than the 1000 allowed');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('what predict throws, or a getter of what it returns throws, is wrapped with the model error as cause', async () => {
    const boom = new TypeError('boom');
    const err = await namedError(() => decisionBoundarySvg({ predict: () => { throw boom; } }, pts, [0, 1], { resolution: 4 }),
      'decisionBoundarySvg: model.predict(grid of 16 points) failed (TypeError: boom)');
    expect(err.cause).toBe(boom);
    await namedError(() => decisionBoundarySvg({ predict: () => { throw 'no'; } } as never, pts, [0, 1], { resolution: 4 }),
      'decisionBoundarySvg: model.predict(grid of 16 points) failed ("no" (a string))');
    const throwing = (key: string) => ({
      predict: (g: number[][]) => {
        const out: Record<string, unknown> = { rows: g.length, cols: 1 };
        const data = new Array<number>(g.length).fill(0.5);
        if (key === 'element') Object.defineProperty(data, 3, { get: () => { throw new RangeError('bad element'); } });
        if (key === 'length') out.data = new Proxy(data, { get: (t, k, r) => { if (k === 'length') throw new RangeError('bad length'); return Reflect.get(t, k, r); } });
        else out.data = data;
        if (key === 'data' || key === 'rows') Object.defineProperty(out, key, { get: () => { throw new RangeError(`bad ${key}`); } });
        return out;
      },
    }) as never;
    for (const key of ['data', 'rows', 'length', 'element']) {
      await namedError(() => decisionBoundarySvg(throwing(key), pts, [0, 1], { resolution: 4 }),
        `decisionBoundarySvg: reading what model.predict(grid of 16 points) returned failed (RangeError: bad ${key})`);
    }
    const getter = { get predict(): never { throw new Error('no predict'); } };
    await namedError(() => decisionBoundarySvg(getter, pts, [0, 1]), 'decisionBoundarySvg: reading model.predict failed (Error: no predict)');
    // an Error whose message is huge is shown cut short
    const long = await namedError(() => decisionBoundarySvg({ predict: () => { throw new Error('x'.repeat(1e6)); } }, pts, [0, 1], { resolution: 4 }), 'failed (Error: xxx');
    expect(long.message.length).toBeLessThan(400);
  });
});

describe('decisionBoundarySvg: points as a 2-column Matrix, as everything that takes number[][] takes a Matrix', () => {
  const half = { predict: (g: number[][]) => ({ rows: g.length, cols: 1, data: Float32Array.from(g, ([x]) => (x! > 0.5 ? 0.9 : 0.1)) }) };

  it('a toy data set\'s x (a 200x2 Matrix) draws what its rows as [x, y] pairs draw', () => {
    const { x, labels } = xor({ seed: 1 });
    const svg = decisionBoundarySvg(half, x, labels, { resolution: 10 });
    expect(svg).toBe(decisionBoundarySvg(half, x.toArray(), labels, { resolution: 10 }));
    expect(svg.split('<circle ').length - 1).toBe(x.rows);
  });

  it('a Matrix of another width, or with a NaN, is a named Error; an array keeps its messages', async () => {
    await namedError(() => decisionBoundarySvg(half, Matrix.zeros(4, 3), [0, 0, 1, 1]),
      'decisionBoundarySvg: points must be a 2-column Matrix (x, y) or an array of [x, y] pairs, got a 4x3 Matrix');
    await namedError(() => decisionBoundarySvg(half, new Matrix(2, 2, new Float32Array([0, 1, NaN, 2])), [0, 1]),
      'decisionBoundarySvg: points[1][0] is NaN, not a finite number');
    await namedError(() => decisionBoundarySvg(half, Matrix.zeros(3, 2), [0, 1]), 'decisionBoundarySvg: need one label per point (3), got 2');
    await namedError(() => decisionBoundarySvg(half, [], []), 'decisionBoundarySvg: points must be a non-empty array of [x, y] pairs or a 2-column Matrix, got ');
    await namedError(() => decisionBoundarySvg(half, [[1, 2, 3]], [0]), 'decisionBoundarySvg: points must be a non-empty array of [x, y] pairs; points[0] is ');
    await namedError(() => decisionBoundarySvg(half, Object.create(Matrix.prototype) as Matrix, [0]), /^decisionBoundarySvg: points must be a Matrix or an array of rows/);
  });
});
