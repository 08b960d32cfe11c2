/**
 * The SVG helpers every chart shares: the one XML escaper of scratchnet, number formatting,
 * option checks and the color palette. Scripts that write SVG import `escapeXml` from here.
 *
 * @module
 */
import { describe } from '../core/validate.js';

/**
 * matplotlib's tab10 palette: series and classes take its colors in order.
 *
 * @example
 * ```ts
 * PALETTE[0]; // '#1f77b4'
 * ```
 */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * A pixel coordinate with at most two decimals.
 *
 * @example
 * ```ts
 * num(1.23456); // '1.23'
 * ```
 */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The largest width or height accepted, in pixels. */
const MAX_PIXELS = 100_000;

/**
 * A size option in pixels: `fallback` when undefined, else a finite number in (0, 100000], or an
 * Error naming `op` and the option.
 *
 * @example
 * ```ts
 * size('lineChartSvg', 'width', undefined, 800); // 800
 * ```
 */
export function size(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_PIXELS) {
    throw new Error(`${op}: options.${name} must be a positive finite number of pixels up to ${MAX_PIXELS}, got ${describe(v)}`);
  }
  return v;
}

/** The longest title, axis label or series name, in characters. */
export const MAX_TEXT = 1000;
/** The longest color (`#rrggbb`, `rebeccapurple`, `rgb(…)`, `var(--line)`), in characters. */
export const MAX_COLOR = 100;

/**
 * A text option (a title, a label, a series name, a color): a string of at most `max`
 * characters ({@link MAX_TEXT} by default), a finite number shown as written, or nothing
 * (`undefined` or `null`: no text); anything else (NaN or ±Infinity too: a label computed from a
 * bad value), or a longer string, is an Error naming `op` and `name`.
 *
 * @example
 * ```ts
 * text('lineChartSvg', 'title', 'Loss'); // 'Loss'
 * text('lineChartSvg', 'title', 0.5); // '0.5'
 * text('lineChartSvg', 'xLabel', -Infinity); // throws 'must be a string or a finite number, got -Infinity'
 * text('lineChartSvg', 'title', undefined); // ''
 * text('lineChartSvg', 'series[0].color', 'x'.repeat(101), MAX_COLOR); // throws 'is a string of 101 characters, longer than the 100 allowed'
 * ```
 */
export function text(op: string, name: string, v: unknown, max = MAX_TEXT): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw new Error(`${op}: ${name} must be a string or a finite number, got ${describe(v)}`);
  if (v.length > max) throw new Error(`${op}: ${name} is a string of ${v.length} characters, longer than the ${max} allowed`);
  return v;
}

/**
 * The most characters of SVG a chart may have: 2^28, half of what a V8 string can hold (about
 * 2^29), so a document that big is refused before it is built, not by a RangeError after.
 */
export const MAX_SVG_CHARS = 2 ** 28;

/**
 * Throw an Error `<op>: the SVG would have about N characters (<what>), more than MAX_SVG_CHARS`
 * when the estimate `chars` is too many (or not a number).
 *
 * @example
 * ```ts
 * checkSvgSize('lineChartSvg', 1e6, '50000 points'); // fine
 * checkSvgSize('lineChartSvg', 3e8, '5000000 points'); // throws 'more than the 268435456 a chart may have'
 * ```
 */
export function checkSvgSize(op: string, chars: number, what: string): void {
  if (!(chars <= MAX_SVG_CHARS)) {
    throw new Error(`${op}: the SVG would have about ${chars} characters (${what}), more than the ${MAX_SVG_CHARS} a chart may have`);
  }
}

/**
 * Escape for XML text and attribute values (`& < > " '`); characters XML 1.0 forbids (control
 * characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. The one XML escaper of scratchnet.
 *
 * @example
 * ```ts
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * `color` (#rrggbb) mixed with white: opaque, so overlapping cells show no seams.
 *
 * @example
 * ```ts
 * tint('#1f77b4', 0.5); // '#8fbbda'
 * ```
 */
export function tint(color: string, alpha: number): string {
  const c = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  return `#${c.map((v) => Math.round(255 - alpha * (255 - v)).toString(16).padStart(2, '0')).join('')}`;
}
