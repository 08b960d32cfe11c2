/**
 * A small dependency-free SVG bar chart: horizontal bars on a log scale, one panel per workload,
 * grouped by case. Used for out/bench.svg.
 *
 * @module
 */

/** One bar: its label, value (null: skipped), and whether it is the baseline. */
export interface Bar {
  label: string;
  value: number | null;
  /** Text after the value (e.g. the speed ratio). */
  note?: string;
  /** Draw emphasised (the scratchnet baseline). */
  highlight?: boolean;
  /** Colour key: bars with the same key share a colour across panels (default: the label). */
  key?: string;
}

/** Bars of one case, under a heading. */
export interface BarGroup {
  label: string;
  bars: Bar[];
}

/** A panel: its own log axis, in one unit. */
export interface BarPanel {
  title: string;
  unit: string;
  higherIsBetter: boolean;
  groups: BarGroup[];
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  title?: string;
  subtitle?: string;
  width?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39'];

/** Escape text for SVG content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A compact number: 1.5k, 20M, 0.01, 3.2. */
export function compact(v: number): string {
  const a = Math.abs(v);
  const trim = (s: string) => s.replace(/\.0+$|(\.\d*?)0+$/, '$1');
  if (a >= 1e9) return `${trim((v / 1e9).toFixed(a >= 1e10 ? 0 : 1))}G`;
  if (a >= 1e6) return `${trim((v / 1e6).toFixed(a >= 1e7 ? 0 : 1))}M`;
  if (a >= 1e3) return `${trim((v / 1e3).toFixed(a >= 1e4 ? 0 : 1))}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return trim(v.toFixed(1));
  if (a >= 1) return trim(v.toFixed(2));
  return String(Number(v.toPrecision(2)));
}

/**
 * Render panels of log-scale horizontal bars as a standalone SVG document.
 *
 * @example
 * ```ts
 * barChartSvg([{ title: 'W3 gemm', unit: 'GFLOP/s', higherIsBetter: true,
 *   groups: [{ label: '256x256x256', bars: [{ label: 'scratchnet', value: 30 }, { label: 'numpy', value: 90 }] }] }]);
 * ```
 */
export function barChartSvg(panels: readonly BarPanel[], options: BarChartOptions = {}): string {
  const width = options.width ?? 980;
  const labelW = 270;
  const x0 = labelW + 10;
  const x1 = width - 150;
  const barH = 14, barGap = 4, groupHead = 20, groupGap = 8, panelHead = 46, panelGap = 24;
  const colors = new Map<string, string>();
  const colorOf = (key: string) => {
    let c = colors.get(key);
    if (!c) colors.set(key, (c = PALETTE[colors.size % PALETTE.length]!));
    return c;
  };
  const out: string[] = [];
  let y = 16;
  if (options.title) {
    y += 14;
    out.push(`<text x="12" y="${y}" font-size="18" font-weight="bold">${escapeXml(options.title)}</text>`);
    y += 8;
  }
  if (options.subtitle) {
    for (const line of options.subtitle.split('\n')) {
      y += 15;
      out.push(`<text x="12" y="${y}" font-size="12" fill="#555">${escapeXml(line)}</text>`);
    }
  }
  y += 16;

  for (const panel of panels) {
    const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => v !== null && v > 0);
    let lo = values.length ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 1;
    let hi = values.length ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : 10;
    if (hi <= lo) hi = lo * 10;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [1, 10];
    const L = Math.log10(lo), H = Math.log10(hi);
    const xOf = (v: number) => x0 + ((Math.log10(v) - L) / (H - L)) * (x1 - x0);
    const height = panel.groups.reduce((s, g) => s + groupHead + g.bars.length * (barH + barGap) + groupGap, 0);
    const top = y + panelHead;
    const dir = panel.higherIsBetter ? 'higher is better' : 'lower is better';
    out.push(`<text x="12" y="${y + 16}" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<text x="12" y="${y + 33}" font-size="12" fill="#555">${escapeXml(`${panel.unit}, log scale, ${dir}`)}</text>`);
    // Decade grid (with 2x and 5x minor lines) and labels above the plot.
    for (let e = Math.round(L); e <= Math.round(H); e++) {
      const v = 10 ** e;
      const x = xOf(v);
      out.push(`<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${top + height}" stroke="#bbb" stroke-width="1"/>`);
      out.push(`<text x="${x.toFixed(1)}" y="${top - 8}" font-size="11" text-anchor="middle" fill="#444">${compact(v)}</text>`);
      if (e < Math.round(H)) {
        for (const m of [2, 5]) {
          const xm = xOf(v * m);
          out.push(`<line x1="${xm.toFixed(1)}" y1="${top}" x2="${xm.toFixed(1)}" y2="${top + height}" stroke="#e6e6e6" stroke-width="1"/>`);
        }
      }
    }
    let gy = top;
    for (const group of panel.groups) {
      out.push(`<text x="12" y="${gy + 14}" font-size="12" font-weight="bold" fill="#222">${escapeXml(group.label)}</text>`);
      gy += groupHead;
      for (const bar of group.bars) {
        const cy = gy + barH / 2 + 4;
        const weight = bar.highlight ? ' font-weight="bold"' : '';
        out.push(`<text x="${labelW}" y="${cy}" font-size="11" text-anchor="end"${weight}>${escapeXml(bar.label)}</text>`);
        if (bar.value === null || !(bar.value > 0)) {
          out.push(`<text x="${x0 + 4}" y="${cy}" font-size="11" fill="#999" font-style="italic">skipped</text>`);
        } else {
          const w = Math.max(2, xOf(bar.value) - x0);
          const fill = colorOf(bar.key ?? bar.label);
          const stroke = bar.highlight ? ' stroke="#000" stroke-width="1.5"' : '';
          out.push(`<rect x="${x0}" y="${gy}" width="${w.toFixed(1)}" height="${barH}" fill="${fill}"${stroke}/>`);
          const text = `${compact(bar.value)}${bar.note ? `  ${bar.note}` : ''}`;
          out.push(`<text x="${(x0 + w + 4).toFixed(1)}" y="${cy}" font-size="11" fill="#222">${escapeXml(text)}</text>`);
        }
        gy += barH + barGap;
      }
      gy += groupGap;
    }
    out.push(`<line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${top + height}" stroke="#333" stroke-width="1"/>`);
    y = top + height + panelGap;
  }
  const h = Math.ceil(y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
