// Axis ticks (src/plot/ticks.ts): every input terminates with a bounded number of finite,
// increasing ticks that cover the data.
import { describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { linearTicks, logTicks, tickLabels, type Scale } from '../../src/plot/ticks.js';

/** What is wrong with a scale for [min, max] ('' when nothing): ticks finite, strictly increasing, 2 to 1001 of them, covering the data. */
function problem(s: Scale, min: number, max: number): string {
  const t = s.ticks;
  if (!(t.length >= 2 && t.length <= 1001)) return `${t.length} ticks`;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i])) return `tick ${t[i]}`;
    if (i > 0 && !(t[i]! > t[i - 1]!)) return `ticks ${t[i - 1]}, ${t[i]} not increasing`;
  }
  if (s.lo !== t[0] || s.hi !== t.at(-1)) return `domain [${s.lo}, ${s.hi}] is not the ticks' ends`;
  // covering the data, up to the 12 significant digits ticks are rounded to
  const slack = (s.hi / 2 - s.lo / 2) * 1e-6;
  if (!(s.lo - min <= slack && max - s.hi <= slack)) return `[${s.lo}, ${s.hi}] does not cover the data`;
  if (tickLabels(s).length !== t.length) return 'a label per tick';
  return '';
}

function expectSaneScale(s: Scale, min: number, max: number, what: string): void {
  expect(problem(s, min, max), what).toBe('');
}

describe('linearTicks and logTicks: every input terminates', () => {
  // min / step beyond 2^53: i++ did not change i, and the tick loop never ended
  const nearEqual: [number, number][] = [
    [100, 100.00000000000003],
    [0.6931471805599453, 0.6931471805599454],
    [1e15, 1e15 + 0.125],
    [1, 1 + 2 ** -52],
    [-1e15 - 0.125, -1e15],
  ];

  it('near-equal ends get round ticks around them, as equal ends do', () => {
    for (const [a, b] of nearEqual) {
      const s = linearTicks(a, b, 8, false);
      expectSaneScale(s, a, b, `[${a}, ${b}]`);
      expect(s.step, `[${a}, ${b}]`).not.toBeNull(); // round ticks, the ends ± 10%
      expect(new Set(tickLabels(s)).size).toBe(s.ticks.length);
      if (a > 0) expectSaneScale(logTicks(a, b, 8), a, b, `log [${a}, ${b}]`);
    }
  });

  it('a seeded sweep: near-equal pairs, huge and tiny magnitudes, many targets, log axes', () => {
    const rng = new RandomState(7);
    const magnitude = (): number => 10 ** (rng.random() * 616 - 308) * (rng.random() < 0.5 ? -1 : 1);
    const ulpsAbove = (x: number, k: number): number => {
      const v = new Float64Array([x]), u = new BigInt64Array(v.buffer);
      u[0] = u[0]! + BigInt(x >= 0 ? k : -k);
      return v[0]!;
    };
    const bad: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const x = magnitude();
      const kind = i % 3;
      const y = kind === 0 ? ulpsAbove(x, 1 + rng.integer(64)) : kind === 1 ? x * (1 + rng.random() * 1e-9) : magnitude();
      const [min, max] = x <= y ? [x, y] : [y, x];
      if (!Number.isFinite(min) || !Number.isFinite(max)) continue;
      const target = 2 + rng.integer(2000);
      const lin = problem(linearTicks(min, max, target, i % 5 === 0), min, max);
      if (lin) bad.push(`linearTicks(${min}, ${max}, ${target}): ${lin}`);
      const log = min > 0 ? problem(logTicks(min, max, target), min, max) : '';
      if (log) bad.push(`logTicks(${min}, ${max}, ${target}): ${log}`);
    }
    expect(bad).toEqual([]);
  });
});
