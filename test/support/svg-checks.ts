// A small structural reading of SVG documents with regexes, for the plot tests.
import { expect } from 'vitest';

// ---- helpers: a small structural reading of the SVG with regexes ----

/** Throws unless tags nest and close properly and text/attributes hold no raw '<' or stray '&'. */
export function checkWellFormed(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(svg))) {
    const between = svg.slice(last, m.index);
    expect(between, `text before ${m[0]}`).not.toMatch(/[<>]/);
    expect(between.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), 'stray &').not.toContain('&');
    for (const attr of m[3]!.matchAll(/="([^"]*)"/g)) {
      expect(attr[1]!.replace(/&(amp|lt|gt|quot|apos);/g, ''), `attribute in ${m[0]}`).not.toMatch(/[&<>]/);
    }
    if (m[1]) expect(stack.pop(), `closing ${m[2]}`).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
    last = tag.lastIndex;
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(stack.length === 0 && svg.match(/<svg[\s>]/g)!.length).toBe(1);
}

export interface Tick {
  label: string;
  value: number;
  pos: number;
}

export function ticks(svg: string, axis: 'x' | 'y'): Tick[] {
  const re = new RegExp(`<text class="${axis}-tick" x="([^"]+)" y="([^"]+)"[^>]*>([^<]*)</text>`, 'g');
  return [...svg.matchAll(re)].map((m) => ({ label: m[3]!, value: Number(m[3]), pos: Number(axis === 'x' ? m[1] : m[2]) }));
}

export function seriesPaths(svg: string): string[] {
  return [...svg.matchAll(/<path class="series" data-series="\d+" data-name="[^"]*" d="([^"]*)"/g)].map((m) => m[1]!);
}

export function points(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Significant digits of a tick label: '0.45' → 2, '10000' → 1, '2e6' → 1. */
export function significantDigits(label: string): number {
  const mantissa = label.replace(/^-/, '').replace(/e.*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Digits after the decimal point of a plain label ('0.450' → 3), or of an exponent label's mantissa. */
export function decimals(label: string): number {
  return label.replace(/e.*$/, '').split('.')[1]?.length ?? 0;
}

/** Ticks are finite, increasing, evenly spaced by 1, 2 or 5 × 10ⁿ, multiples of it, short, and cover [lo, hi]. */
export function expectRoundTicks(t: Tick[], lo: number, hi: number): void {
  expect(t.length).toBeGreaterThanOrEqual(2);
  expect(t.length).toBeLessThanOrEqual(15);
  const step = t[1]!.value - t[0]!.value;
  for (const k of t) {
    expect(Number.isFinite(k.value), k.label).toBe(true);
    // Short labels, no float noise (0.30000000000000004): no more decimals than the step needs,
    // and few significant digits unless the data sit far from zero (100.015).
    expect(k.label.length, k.label).toBeLessThanOrEqual(8);
    if (!k.label.includes('e')) expect(decimals(k.label), k.label).toBeLessThanOrEqual(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
    if (Math.abs(lo + hi) / 2 < 10 * (hi - lo)) expect(significantDigits(k.label), k.label).toBeLessThanOrEqual(3);
  }
  expect(step).toBeGreaterThan(0);
  const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${step}`).toBe(true);
  for (let i = 1; i < t.length; i++) {
    expect(t[i]!.value - t[i - 1]!.value).toBeCloseTo(step, 9);
    expect(t[i]!.pos).not.toBe(t[i - 1]!.pos);
  }
  for (const k of t) expect(Math.abs(k.value / step - Math.round(k.value / step)), k.label).toBeLessThan(1e-6);
  expect(t[0]!.value).toBeLessThanOrEqual(lo + step * 1e-6);
  expect(t[t.length - 1]!.value).toBeGreaterThanOrEqual(hi - step * 1e-6);
  // No gratuitous padding: at most one step beyond the data on each side.
  expect(t[0]!.value).toBeGreaterThan(lo - step - step * 1e-6);
  expect(t[t.length - 1]!.value).toBeLessThan(hi + step + step * 1e-6);
}

export function noBadNumbers(svg: string): void {
  expect(svg).not.toContain('NaN');
  expect(svg).not.toContain('Infinity');
  expect(svg).not.toContain('undefined');
}

// A loss curve like the chapter's XOR run: 0.6931 falling to 0.4775.
