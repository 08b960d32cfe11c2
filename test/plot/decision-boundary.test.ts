// decisionBoundarySvg (src/plot/decision-boundary.ts).
import { describe, expect, it } from 'vitest';
import { decisionBoundarySvg } from '../../src/plot/decision-boundary.js';

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
