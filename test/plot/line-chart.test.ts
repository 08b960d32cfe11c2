// lineChartSvg (src/plot/line-chart.ts): structure, round ticks, escaping, long series, edge cases.
import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../src/plot/line-chart.js';
import { trainingCurvesSvg } from '../../src/plot/training-curves.js';
import { checkWellFormed, expectRoundTicks, noBadNumbers, points, seriesPaths, significantDigits, ticks } from '../support/svg-checks.js';
import { namedError } from '../support/named-error.js';

const xorLike = Array.from({ length: 10000 }, (_, i) => 0.4775 + 0.2156 / (1 + Math.exp((i - 700) / 80)));

describe('lineChartSvg: structure', () => {
  it('is one well-formed SVG with a path per series, a title and axis labels', () => {
    const svg = lineChartSvg([{ name: 'loss', values: xorLike }], { title: 'Training Loss over Time', xLabel: 'Epoch', yLabel: 'Loss' });
    checkWellFormed(svg);
    expect(seriesPaths(svg)).toHaveLength(1);
    expect(svg).toMatch(/<text class="title"[^>]*>Training Loss over Time<\/text>/);
    expect(svg).toMatch(/<text class="x-label"[^>]*>Epoch<\/text>/);
    expect(svg).toMatch(/<text class="y-label"[^>]*>Loss<\/text>/);
    expect(svg).toMatch(/<g class="grid"[^>]*>(<line [^>]*\/>){4,}<\/g>/);
    expect(svg).not.toContain('class="legend"'); // one series: no legend
    expect(svg).toMatch(/^<svg [^>]*width="800" height="480" viewBox="0 0 800 480"/);
  });

  it('draws one path per series, a legend naming each, and distinct default colors', () => {
    const svg = lineChartSvg([
      { name: 'train', values: [3, 2, 1.5, 1.2] },
      { name: 'validation', values: [3.2, 2.5, 2.2, 2.3] },
      { name: 'test', values: [3.1, 2.4, 2.1, 2.2], color: 'rebeccapurple' },
    ]);
    checkWellFormed(svg);
    const paths = [...svg.matchAll(/<path class="series"[^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(3);
    expect(new Set(paths).size).toBe(3);
    expect(paths[2]).toBe('rebeccapurple');
    const legend = svg.match(/<g class="legend">.*?<\/g>/s)?.[0] ?? '';
    for (const name of ['train', 'validation', 'test']) expect(legend).toContain(`>${name}</text>`);
    for (const d of seriesPaths(svg)) expect(points(d)).toHaveLength(4);
  });

  it('honours width and height', () => {
    const svg = lineChartSvg([{ name: 'a', values: [1, 2] }], { width: 320, height: 200 });
    checkWellFormed(svg);
    expect(svg).toMatch(/^<svg [^>]*width="320" height="200" viewBox="0 0 320 200"/);
    for (const [x, y] of points(seriesPaths(svg)[0]!)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(320);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(200);
    }
  });

  it('maps the data onto the ticks: a value at a tick is drawn at that tick', () => {
    const svg = lineChartSvg([{ name: 'a', values: [0, 5, 10, 20] }]);
    const y = ticks(svg, 'y'), x = ticks(svg, 'x');
    const pts = points(seriesPaths(svg)[0]!);
    const yAt = (v: number): number => y.find((t) => t.value === v)!.pos;
    const xAt = (v: number): number => x.find((t) => t.value === v)!.pos;
    expect(pts[0]![1]).toBeCloseTo(yAt(0), 1);
    expect(pts[2]![1]).toBeCloseTo(yAt(10), 1);
    expect(pts[3]![1]).toBeCloseTo(yAt(20), 1);
    expect(pts[0]![0]).toBeCloseTo(xAt(0), 1);
    expect(pts[3]![0]).toBeCloseTo(xAt(3), 1);
  });
});

describe('lineChartSvg: ticks', () => {
  const cases: [string, number[]][] = [
    ['an XOR loss curve', xorLike],
    ['mixed signs', [-3.2, 17.9, 4, 0.5]],
    ['thousands', [1234, 98765, 50000]],
    ['small values', [0.001, 0.0042, 0.003]],
    ['tiny values', [1.2e-7, 3.4e-6]],
    ['millions', [-2.9e6, 3e6]],
    ['a narrow band far from zero', [100.01, 100.04, 100.02]],
  ];
  for (const [what, values] of cases) {
    it(`y labels are round numbers covering the data: ${what}`, () => {
      const svg = lineChartSvg([{ name: 's', values }]);
      checkWellFormed(svg);
      expectRoundTicks(ticks(svg, 'y'), Math.min(...values), Math.max(...values));
    });
  }

  it('x labels are round integers from 0 covering every index', () => {
    for (const n of [2, 7, 10000, 123457]) {
      const svg = lineChartSvg([{ name: 's', values: Array.from({ length: n }, (_, i) => Math.sin(i)) }]);
      const x = ticks(svg, 'x');
      expect(x[0]!.value).toBe(0);
      for (const t of x) expect(Number.isInteger(t.value), t.label).toBe(true);
      expectRoundTicks(x, 0, n - 1);
    }
  });

  it('the x axis spans the longest series', () => {
    const svg = lineChartSvg([
      { name: 'short', values: [1, 2, 3] },
      { name: 'long', values: Array.from({ length: 50 }, (_, i) => i) },
    ]);
    expect(ticks(svg, 'x').at(-1)!.value).toBeGreaterThanOrEqual(49);
  });

  it('logY: ticks are 1, 2 or 5 × 10ⁿ (or round linear ones within a decade) covering the positive data', () => {
    const wide = Array.from({ length: 1000 }, (_, i) => 0.7 * Math.exp(-i / 80));
    for (const values of [wide, [0.02, 3], [0.4775, 0.6931], [1e-9, 1e3]]) {
      const svg = lineChartSvg([{ name: 's', values }], { logY: true });
      checkWellFormed(svg);
      const y = ticks(svg, 'y');
      expect(y.length).toBeGreaterThanOrEqual(2);
      expect(y[0]!.value).toBeLessThanOrEqual(Math.min(...values));
      expect(y.at(-1)!.value).toBeGreaterThanOrEqual(Math.max(...values));
      for (const t of y) {
        expect(t.value, t.label).toBeGreaterThan(0);
        expect(significantDigits(t.label), t.label).toBeLessThanOrEqual(2);
      }
      // Higher values sit higher on the chart (smaller SVG y), and decades are evenly spaced.
      for (let i = 1; i < y.length; i++) expect(y[i]!.pos).toBeLessThan(y[i - 1]!.pos);
    }
    const decades = ticks(lineChartSvg([{ name: 's', values: [1e-6, 1] }], { logY: true }), 'y');
    expect(decades.map((t) => t.value)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
    const gaps = decades.slice(1).map((t, i) => decades[i]!.pos - t.pos);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 1);
  });
});

describe('lineChartSvg: escaping', () => {
  it('escapes the title, axis labels and series names', () => {
    const nasty = `A < B & "C" 'D' > E`;
    const escaped = 'A &lt; B &amp; &quot;C&quot; &apos;D&apos; &gt; E';
    const svg = lineChartSvg(
      [
        { name: `<script>alert("x")</script>`, values: [1, 2] },
        { name: nasty, values: [2, 1] },
      ],
      { title: nasty, xLabel: nasty, yLabel: nasty },
    );
    checkWellFormed(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain(nasty);
    expect(svg).toMatch(new RegExp(`<text class="title"[^>]*>${escaped}</text>`));
    expect(svg).toMatch(new RegExp(`<text class="x-label"[^>]*>${escaped}</text>`));
    expect(svg).toMatch(new RegExp(`<text class="y-label"[^>]*>${escaped}</text>`));
    expect(svg).toContain(`<title>${escaped}</title>`);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain(`data-name="${escaped}"`);
  });

  it('escapes a color and replaces characters XML cannot hold', () => {
    const svg = lineChartSvg([{ name: 'bell\u0007 and \uD800 lone surrogate', values: [1, 2], color: 'red" onload="x' }], {
      title: 'nul\u0000byte',
    });
    checkWellFormed(svg);
    expect(svg).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(svg).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(svg).toContain('stroke="red&quot; onload=&quot;x"');
    expect(svg).not.toContain(' onload="');
  });
});

describe('lineChartSvg: long series', () => {
  // 100,000 values of noise in [0.3, 0.7] with one spike to 1 and one dip to 0 inside it.
  const n = 100_000;
  let state = 12345;
  const noise = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.4 + 0.3;
  const values = Array.from({ length: n }, noise);
  values[31337] = 1;
  values[77777] = 0;

  it('keeps the global minimum and maximum and limits the number of points', () => {
    const svg = lineChartSvg([{ name: 'noisy', values }], { width: 800 });
    checkWellFormed(svg);
    const pts = points(seriesPaths(svg)[0]!);
    expect(pts.length).toBeLessThanOrEqual(2 * 800 + 4);
    expect(pts.length).toBeGreaterThan(800); // still about two per pixel column
    const y = ticks(svg, 'y');
    const y0 = y.find((t) => t.value === 0)!.pos, y1 = y.find((t) => t.value === 1)!.pos;
    const ys = pts.map((p) => p[1]);
    expect(Math.min(...ys)).toBeCloseTo(y1, 1); // the spike to 1 is drawn
    expect(Math.max(...ys)).toBeCloseTo(y0, 1); // the dip to 0 is drawn
    // Points stay in index order, and the first and last values are kept.
    for (let i = 1; i < pts.length; i++) expect(pts[i]![0]).toBeGreaterThanOrEqual(pts[i - 1]![0]);
    const x = ticks(svg, 'x');
    const xAt = (i: number): number => x[0]!.pos + ((x.at(-1)!.pos - x[0]!.pos) * i) / x.at(-1)!.value;
    expect(pts[0]![0]).toBeCloseTo(xAt(0), 1);
    expect(pts.at(-1)![0]).toBeCloseTo(xAt(n - 1), 1);
  });

  it('keeps the extremes of every pixel column, so the envelope of the curve is unchanged', () => {
    const width = 400;
    const svg = lineChartSvg([{ name: 'noisy', values }], { width });
    const pts = points(seriesPaths(svg)[0]!);
    expect(pts.length).toBeLessThanOrEqual(2 * width + 4);
    // Per drawn column, the highest and lowest drawn points span almost the full noise band.
    const byColumn = new Map<number, number[]>();
    for (const [x, y] of pts) byColumn.set(Math.floor(x), [...(byColumn.get(Math.floor(x)) ?? []), y]);
    const y = ticks(svg, 'y');
    const pxPerUnit = (y.find((t) => t.value === 0)!.pos - y.find((t) => t.value === 1)!.pos) / 1;
    let wide = 0;
    for (const ys of byColumn.values()) if ((Math.max(...ys) - Math.min(...ys)) / pxPerUnit > 0.3) wide++;
    expect(wide / byColumn.size).toBeGreaterThan(0.9);
  });

  it('draws short series point for point', () => {
    const vals = Array.from({ length: 500 }, (_, i) => Math.cos(i / 10));
    expect(points(seriesPaths(lineChartSvg([{ name: 'c', values: vals }]))[0]!)).toHaveLength(500);
  });
});

describe('lineChartSvg: edge cases', () => {
  const cases: [string, Parameters<typeof lineChartSvg>[0], Parameters<typeof lineChartSvg>[1]?][] = [
    ['no series', []],
    ['an empty series', [{ name: 'empty', values: [] }]],
    ['a single value', [{ name: 'one', values: [0.6931] }]],
    ['a single zero', [{ name: 'zero', values: [0] }]],
    ['all-equal values', [{ name: 'flat', values: [0.5, 0.5, 0.5, 0.5] }]],
    ['all-equal negative values', [{ name: 'flat', values: [-7, -7, -7] }]],
    ['only non-finite values', [{ name: 'bad', values: [NaN, Infinity, -Infinity] }]],
    ['non-finite values among finite ones', [{ name: 'gaps', values: [1, NaN, 2, 3, Infinity, 2, -Infinity, 4] }]],
    ['huge values', [{ name: 'huge', values: [-1.7e308, 1.7e308, 0] }]],
    ['one huge value', [{ name: 'max', values: [Number.MAX_VALUE] }]],
    ['subnormal values', [{ name: 'tiny', values: [5e-324, 1e-320] }]],
    ['logY with zeros and negatives', [{ name: 'log', values: [0, -1, 1e-3, 10, NaN] }], { logY: true }],
    ['logY with nothing positive', [{ name: 'log', values: [0, -1] }], { logY: true }],
    ['logY with one value', [{ name: 'log', values: [1] }], { logY: true }],
    ['logY across the whole double range', [{ name: 'log', values: [5e-324, 1e308] }], { logY: true }],
    ['a tiny canvas', [{ name: 's', values: [1, 2, 3] }], { width: 10, height: 10, title: 't', xLabel: 'x', yLabel: 'y' }],
    ['a series with empty name among others', [{ name: '', values: [1] }, { name: 'b', values: [] }]],
  ];
  for (const [what, series, options] of cases) {
    it(`does not throw and writes no NaN: ${what}`, () => {
      const svg = lineChartSvg(series, options);
      checkWellFormed(svg);
      noBadNumbers(svg);
      expect(seriesPaths(svg)).toHaveLength(series.length);
      const y = ticks(svg, 'y');
      expect(y.length).toBeGreaterThanOrEqual(2);
      expect(new Set(y.map((t) => t.label)).size).toBe(y.length); // distinct labels
      for (const t of [...y, ...ticks(svg, 'x')]) expect(Number.isFinite(t.value), t.label).toBe(true);
    });
  }

  it('a single value is drawn as a dot inside ticks that cover it', () => {
    const svg = lineChartSvg([{ name: 'one', values: [0.6931] }]);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    const y = ticks(svg, 'y');
    expect(y[0]!.value).toBeLessThan(0.6931);
    expect(y.at(-1)!.value).toBeGreaterThan(0.6931);
  });

  it('all-equal values get round ticks around them', () => {
    const svg = lineChartSvg([{ name: 'flat', values: [0.5, 0.5, 0.5] }]);
    const y = ticks(svg, 'y');
    expectRoundTicks(y, 0.45, 0.55); // the value ± 10%
    expect(y[0]!.value).toBeLessThan(0.5);
    expect(y.at(-1)!.value).toBeGreaterThan(0.5);
  });

  it('non-finite values are skipped and break the line', () => {
    const svg = lineChartSvg([{ name: 'gaps', values: [1, NaN, 2, 3, Infinity, 2, NaN, 4] }]);
    const d = seriesPaths(svg)[0]!;
    expect(d.match(/M/g)).toHaveLength(4); // runs: [1], [2, 3], [2], [4]
    expect(points(d)).toHaveLength(5);
    expect(svg.match(/<circle /g)).toHaveLength(3); // the isolated points
    expectRoundTicks(ticks(svg, 'y'), 1, 4);
  });

  it('rejects malformed arguments with a clear error', () => {
    expect(() => lineChartSvg(null as never)).toThrow(/series must be an array/);
    expect(() => lineChartSvg([{ name: 'x' } as never])).toThrow(/series\[0\]\.values/);
    expect(() => lineChartSvg([{ name: 'x', values: [1] }], { width: -5 })).toThrow(/width/);
    expect(() => lineChartSvg([{ name: 'x', values: [1] }], { height: NaN })).toThrow(/height/);
  });
});

describe('lineChartSvg: options are checked, values read once', () => {
  const one = [{ name: 'x', values: [1, 2] }];

  it('rejects options it would otherwise coerce, with a plain Error', async () => {
    await namedError(() => lineChartSvg(one, { logY: 'yes' as never }), 'lineChartSvg: options.logY must be true or false, got "yes" (a string)');
    await namedError(() => lineChartSvg(one, { title: {} as never }), 'lineChartSvg: options.title must be a string');
    await namedError(() => lineChartSvg([{ name: Symbol('s') as never, values: [1] }]), 'lineChartSvg: series[0].name must be a string');
    await namedError(() => lineChartSvg(one, { width: 1e9 }), 'options.width must be a positive finite number of pixels up to 100000');
    await namedError(() => lineChartSvg(null as never), 'lineChartSvg: series must be an array of { name, values }, got null');
    await namedError(() => lineChartSvg(one, 5 as never), 'lineChartSvg: options must be an object like { title, xLabel, yLabel, width, height, logY }, got 5');
    // a number as a title is shown as written; a non-finite one (a label computed from a bad
    // value) is refused rather than drawn as "NaN" or "-Infinity" (npm run fuzz found it)
    expect(lineChartSvg(one, { title: 42 as never })).toContain('<title>42</title>');
    await namedError(() => lineChartSvg(one, { xLabel: -Infinity as never }), 'lineChartSvg: options.xLabel must be a string or a finite number, got -Infinity');
    await namedError(() => lineChartSvg([{ name: NaN as never, values: [1] }]), 'lineChartSvg: series[0].name must be a string or a finite number, got NaN');
  });

  it('an object posing as a huge array is refused, not iterated', async () => {
    await namedError(() => lineChartSvg([{ name: 'x', values: { length: 1e12 } as never }]), 'series[0].values has a length of 1000000000000');
    await namedError(() => lineChartSvg([{ name: 'x', values: { length: -1 } as never }]), 'series[0].values has a length of -1');
  });

  it('a getter that changes between reads cannot put NaN into the drawing', () => {
    let reads = 0;
    const values = [1, 2, 3];
    Object.defineProperty(values, 1, { get: () => (reads++ === 0 ? 2 : NaN) });
    const svg = lineChartSvg([{ name: 'x', values }]);
    expect(reads).toBe(1);
    noBadNumbers(svg);
    expect(seriesPaths(svg)[0]!.split('L').length).toBe(3);
  });

  it('many series and long labels: no spread of big arrays', () => {
    const series = Array.from({ length: 500 }, (_, i) => ({ name: `s${i}`, values: [i, i + 1] }));
    const svg = lineChartSvg(series);
    expect(seriesPaths(svg).length).toBe(500);
  });
});

describe('lineChartSvg: found by the fuzz tests', () => {
  it('a log axis for one value near the float64 maximum has finite ticks', () => {
    for (const values of [[Number.MAX_VALUE], [0, Number.MAX_VALUE], [1.7976931348623143e308, NaN]]) {
      const svg = lineChartSvg([{ name: 'loss', values }], { logY: true });
      noBadNumbers(svg);
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });
});

describe('lineChartSvg: output that cannot be a string', () => {
  it('many series sharing one long array are capped in total, not copied a thousand times', async () => {
    const long = new Float64Array(200_000).map((_, i) => Math.sin(i));
    const series = Array.from({ length: 100 }, (_, i) => ({ name: `s${i}`, values: long }));
    await namedError(() => lineChartSvg(series), 'lineChartSvg: the series hold more than 10000000 values together, too many to draw');
    expect(seriesPaths(lineChartSvg(series.slice(0, 5))).length).toBe(5);
  });
});

describe('lineChartSvg: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => lineChartSvg([{ name: 'a', values: [1] }], { logy: true } as never), 'lineChartSvg: unknown option "logy"; did you mean "logY"? (known: title, xLabel, yLabel, width, height, logY)');
  });
});

describe('lineChartSvg: near-equal values (tick indices beyond 2^53 never ended the tick loop)', () => {
  it('draws a flat line inside round ticks, and trainingCurvesSvg too', () => {
    for (const values of [[100, 100.00000000000003], [1e15, 1e15 + 0.125], [1, 1 + 2 ** -52]]) {
      const svg = lineChartSvg([{ name: 'loss', values }]);
      checkWellFormed(svg);
      noBadNumbers(svg);
      const y = ticks(svg, 'y');
      expect(new Set(y.map((t) => t.label)).size).toBe(y.length);
      expect(y[0]!.value).toBeLessThan(values[0]!);
      expect(y.at(-1)!.value).toBeGreaterThan(values[1]!);
      // one flat line: both points at the same height
      const [p, q] = points(seriesPaths(svg)[0]!);
      expect(p![1]).toBe(q![1]);
    }
    const curves = trainingCurvesSvg({ loss: [0.6931471805599453, 0.6931471805599454] });
    checkWellFormed(curves);
    noBadNumbers(curves);
    expect(ticks(curves, 'y').length).toBeGreaterThanOrEqual(2);
  });
});

describe('lineChartSvg: text and output too long for a string are named Errors, refused up front', () => {
  const one = [{ name: 'a', values: [1, 2] }];

  it('a title, label, name or color longer than allowed names the option', async () => {
    const started = Date.now();
    await namedError(() => lineChartSvg(one, { title: '<'.repeat(45_000_000) }),
      'lineChartSvg: options.title is a string of 45000000 characters, longer than the 1000 allowed');
    await namedError(() => lineChartSvg(one, { xLabel: 'x'.repeat(1001) }), 'lineChartSvg: options.xLabel is a string of 1001 characters');
    await namedError(() => lineChartSvg(one, { yLabel: 'y'.repeat(1001) }), 'lineChartSvg: options.yLabel is a string of 1001 characters');
    await namedError(() => lineChartSvg([{ name: 'n'.repeat(1001), values: [1] }]), 'lineChartSvg: series[0].name is a string of 1001 characters');
    await namedError(() => lineChartSvg([{ name: 'a', values: [1], color: '&'.repeat(2000) }]),
      'lineChartSvg: series[0].color is a string of 2000 characters, longer than the 100 allowed');
    await namedError(() => trainingCurvesSvg({ loss: [1, 2] }, 'loss', { title: 't'.repeat(1001) }), 'options.title is a string of 1001 characters');
    expect(Date.now() - started).toBeLessThan(1000);
    // the longest allowed are drawn, escaped
    const svg = lineChartSvg([{ name: '"'.repeat(1000), values: [1, 2], color: '&'.repeat(100) }], { title: '<'.repeat(1000) });
    checkWellFormed(svg);
    expect(svg).toContain(`<title>${'&lt;'.repeat(1000)}</title>`);
  });

  it('a chart whose SVG would pass 2^28 characters is refused before it is built', async () => {
    // 500,000 isolated points (a gap after each), each a circle with a 100-character color (600 escaped)
    const values = new Float64Array(1_000_000).map((_, i) => (i % 2 ? NaN : i));
    const err = await namedError(() => lineChartSvg([{ name: 'a', values, color: "'".repeat(100) }], { width: 100000 }),
      /^lineChartSvg: the SVG would have about \d+ characters \(500000 points, 500000 of them drawn as dots\), more than the 268435456 a chart may have$/);
    expect(err.message).not.toContain('Invalid string length');
  });
});
