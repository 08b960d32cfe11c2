/**
 * The sweep's words and cells: percentages, losses, setups and inits as the tables and the
 * answers print them.
 *
 * @module
 */
import type { Init } from '../../src/index.js';
import type { Act, Setup } from './runs.js';
import { MODE_TEXT, type Mode, type Stats } from './stats.js';

export const pct = (r: number): string => (Number.isFinite(r) ? `${Math.round(r * 100)}%` : '—');
export const rateCell = (st: Stats): string => `${pct(st.rate)} (${st.ok}/${st.n})`;
export const lossCell = (v: number): string => (v === Infinity ? '∞' : Number.isFinite(v) ? (v < 0.001 ? v.toExponential(1) : v.toFixed(4)) : '—');
export const epochCell = (st: Stats): string => (Number.isFinite(st.medEpochs) ? String(Math.round(st.medEpochs)) : '—');
export function modesCell(st: Stats): string {
  const parts = (Object.keys(st.modes) as Mode[]).filter((m) => st.modes[m] > 0).map((m) => `${MODE_TEXT[m]} ${st.modes[m]}`);
  return parts.length ? parts.join(', ') : '—';
}
export const plateauCell = (st: Stats, k = 3): string =>
  st.plateaus.length ? st.plateaus.slice(0, k).map(([l, c]) => `${l}×${c}`).join(' ') : '—';
export const sizesText = (s: number[]): string => `[${s.join(',')}]`;
export const optText = (s: Setup): string =>
  `${s.optimizer === 'sgd' ? 'SGD' : s.optimizer === 'momentum' ? 'SGD+momentum 0.9' : 'Adam'} lr ${s.lr}, ${s.epochs.toLocaleString('en')} epochs, full batch, BCE`;
export function initText(init: Init, sizes?: number[]): string {
  if (init === 'chapter') return '0.01 (chapter)';
  if (typeof init === 'number') return String(init);
  const name = init === 'he' ? 'He' : 'Xavier';
  if (!sizes) return name;
  const sig = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [a, b] = [sizes[i]!, sizes[i + 1]!];
    sig.push((init === 'he' ? Math.sqrt(2 / a) : Math.sqrt(2 / (a + b))).toFixed(2));
  }
  return `${name} (σ ${[...new Set(sig)].join('/')})`;
}
/** An init in a sentence: "scale 2", "He", "0.01 (chapter)". */
export const initName = (init: Init): string => (typeof init === 'number' ? `scale ${init}` : initText(init));
/** The init suited to an activation: He for the ReLU family, Xavier for tanh and sigmoid. */
export const scaledInit = (a: Act): Init => (a === 'relu' || a === 'leaky' ? 'he' : 'xavier');
export const list = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
export const fmtTimes = (a: number, b: number): string => (a / b >= 10 ? `${Math.round(a / b)}×` : `${(a / b).toFixed(1)}×`);
