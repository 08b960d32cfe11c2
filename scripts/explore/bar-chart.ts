/**
 * A grouped bar chart of rates as SVG (the library's plots draw lines and decision boundaries).
 *
 * @module
 */
import { pct } from './format.js';

/** A grouped bar chart of rates in [0, 1] (categories on x, one bar per series), as SVG. */
export function barChartSvg(
  categories: string[], series: { name: string; values: number[]; color: string }[],
  o: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const W = o.width ?? 800, H = o.height ?? 440;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const left = 64, right = 16, bottom = 56;
  // Legend under the title, wrapped into rows that fit the width.
  const legend: string[] = [];
  let lx = left, ly = 40;
  for (const s of series) {
    const w = 28 + s.name.length * 7;
    if (lx > left && lx + w > W - right) {
      lx = left;
      ly += 18;
    }
    legend.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${s.color}"/><text x="${lx + 16}" y="${ly + 10}">${esc(s.name)}</text>`);
    lx += w;
  }
  const top = ly + 34; // room for the legend and the value labels of full bars
  const pw = W - left - right, ph = H - top - bottom;
  const group = pw / categories.length;
  const bw = Math.min(28, (group * 0.8) / series.length);
  const y = (v: number) => top + ph * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(o.title)}</text>`,
    ...legend,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = t / 4, yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" y1="${yy}" x2="${left + pw}" y2="${yy}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 8}" y="${yy}" dy="0.32em" text-anchor="end" fill="#333">${t * 25}%</text>`);
  }
  categories.forEach((c, i) => {
    const gx = left + group * i + (group - bw * series.length) / 2;
    series.forEach((s, k) => {
      const v = s.values[i];
      if (v === undefined || !Number.isFinite(v)) return;
      const x = gx + k * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(ph * v).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}, ${c}: ${pct(v)}`)}</title></rect>`);
      if (bw >= 14) parts.push(`<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#333">${Math.round(v * 100)}</text>`);
    });
    parts.push(`<text x="${(left + group * (i + 0.5)).toFixed(1)}" y="${top + ph + 18}" text-anchor="middle" fill="#333">${esc(c)}</text>`);
  });
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push('</svg>\n');
  return parts.join('');
}
