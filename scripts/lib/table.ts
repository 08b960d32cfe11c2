/**
 * Plain-text tables for script output: columns padded to their widest cell, numbers (and `—`)
 * right-aligned, text left-aligned, a rule under the header.
 *
 * @module
 */

/** A cell: text as is, numbers with `String(n)` (format them first for fixed decimals). */
export type Cell = string | number;

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Per-column alignment, `'l'` or `'r'`; default: right for numeric-looking columns. */
  align?: ('l' | 'r')[];
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Indent of every line (default 2 spaces). */
  indent?: string;
}

const NUMERIC = /^[-+]?(\d[\d,]*\.?\d*(e[-+]?\d+)?%?|—|-|∞|n\/a)$|^\d+\/\d+$|^[-+]?\d*\.\d+%?$/i;

/**
 * Format `rows` under `headers` as aligned plain text (one string, lines joined by `\n`).
 *
 * @example
 * ```ts
 * import { formatTable } from './lib/table.js';
 * console.log(formatTable(['activation', 'success', 'median loss'], [
 *   ['ReLU', '57%', '0.0123'],
 *   ['Tanh', '100%', '0.0021'],
 * ]));
 * //   activation  success  median loss
 * //   ----------  -------  -----------
 * //   ReLU            57%       0.0123
 * //   Tanh           100%       0.0021
 * ```
 */
export function formatTable(headers: string[], rows: Cell[][], options: TableOptions = {}): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const indent = options.indent ?? '  ';
  const text = rows.map((r) => headers.map((_, j) => (r[j] === undefined ? '' : String(r[j]))));
  const widths = headers.map((h, j) => Math.max(h.length, ...text.map((r) => r[j]!.length)));
  const align = headers.map((_, j) => {
    const given = options.align?.[j];
    if (given) return given;
    const cells = text.map((r) => r[j]!).filter((c) => c !== '');
    return cells.length > 0 && cells.every((c) => NUMERIC.test(c.trim())) ? 'r' : 'l';
  });
  const fmt = (cells: string[]) =>
    indent + cells.map((c, j) => (align[j] === 'r' ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join(gap).trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...text.map(fmt)].join('\n');
}
