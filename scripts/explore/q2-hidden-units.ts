/**
 * Question 2: what is the minimum number of hidden neurons needed to solve XOR? The chapter's
 * setup at 1 to 16 hidden units (and three variants: Tanh, a larger rate, He init), against
 * NumPy's counts on the same 20 seeds, the chapter's seed 42, and two units set by hand.
 *
 * @module
 */
import { NeuralNetwork, ReLU, Sigmoid, type Init } from '../../src/index.js';
import { formatTable } from '../lib/table.js';
import { barChartSvg } from './bar-chart.js';
import { epochCell, list, pct, plateauCell, rateCell } from './format.js';
import { range, SGD_XOR, type Plan } from './plan.js';
import { data, THRESHOLD, type Act, type Outcome, type Setup } from './runs.js';
import { failureMode, median, success, type Stats } from './stats.js';

const widths = [1, 2, 3, 4, 6, 8, 16];
const variants: { key: string; label: string; act: Act; init: Init; lr: number; color: string }[] = [
  { key: 'chapter', label: 'ReLU, lr 0.1, 0.01 init (chapter)', act: 'relu', init: 'chapter', lr: 0.1, color: '#1f77b4' },
  { key: 'tanh', label: 'Tanh, lr 0.1, 0.01 init', act: 'tanh', init: 'chapter', lr: 0.1, color: '#2ca02c' },
  { key: 'lr', label: 'ReLU, lr 0.5, 0.01 init', act: 'relu', init: 'chapter', lr: 0.5, color: '#ff7f0e' },
  { key: 'he', label: 'ReLU, lr 0.1, He init', act: 'relu', init: 'he', lr: 0.1, color: '#9467bd' },
];
const chapterSetup: Setup = { ...SGD_XOR, sizes: [2, 4, 1], act: 'relu', init: 'chapter' };
/** NumPy's successes on seeds 0–19 (float64, the chapter's code; figures from the brief). */
const numpyRef: [number, string][] = [[4, '12/20'], [8, '18–19/20'], [16, '20/20']];
const numpySeeds = range(20); // always NumPy's 20 seeds, whatever --seeds says

/** The question's runs. */
export function planQ2(plan: Plan, xorSeeds: number[]) {
  const q2 = variants.map((v) => ({
    ...v,
    refs: widths.map((h) => plan.config({ ...SGD_XOR, sizes: [2, h, 1], act: v.act, init: v.init, lr: v.lr }, xorSeeds)),
  }));
  const seed42 = plan.add(chapterSetup, 42, true);
  const numpyRefs = numpyRef.map(([h]) => plan.config({ ...chapterSetup, sizes: [2, h, 1] }, numpySeeds));
  return { q2, seed42, numpyRefs };
}

/** Two hidden ReLUs set by hand: h1 = relu(x1 + x2), h2 = relu(x1 + x2 − 1), out = σ(10·h1 − 20·h2 − 5). */
function handSet(): { out: number[]; ok: boolean } {
  const hand = new NeuralNetwork([2, 2, 1], [new ReLU(), new Sigmoid()], { seed: 0 });
  const l1 = hand.layers[0]!, l2 = hand.layers[1]!;
  for (const [i, j] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) l1.weights.set(i, j, 1);
  l1.bias.set(0, 0, 0);
  l1.bias.set(0, 1, -1);
  l2.weights.set(0, 0, 10);
  l2.weights.set(1, 0, -20);
  l2.bias.set(0, 0, -5);
  const out = Array.from(hand.predict(data('xor').x).data);
  const ok = out.every((p, i) => (p > 0.5 ? 1 : 0) === data('xor').labels[i]);
  hand.dispose();
  return { out, ok };
}

/** The question's tables (stdout) and plot; the answer's lines. */
export function reportQ2(plan: Plan, planned: ReturnType<typeof planQ2>, seeds: number, write: (name: string, svg: string) => void): string[] {
  console.log('\n=== (2) The minimum number of hidden neurons to solve XOR ===');
  console.log(`The chapter's setup: [2,h,1], hidden ReLU, Sigmoid output, BCE, SGD lr 0.1, 10,000 epochs, full batch, randn·0.01 init;`);
  console.log(`"solved" = all four outputs on the right side of 0.5 after training. ${seeds} seeds (0–${seeds - 1}) per cell.`);
  const q2Stats = planned.q2.map((v) => ({ ...v, stats: v.refs.map((r) => plan.stats(r)) }));
  const chapterQ2 = q2Stats[0]!;
  console.log(formatTable(
    ['hidden', ...q2Stats.map((v) => v.label), 'chapter: epochs<0.1', 'chapter: failed runs stuck at loss×count'],
    widths.map((h, i) => [h, ...q2Stats.map((v) => rateCell(v.stats[i]!)), epochCell(chapterQ2.stats[i]!), plateauCell(chapterQ2.stats[i]!)]),
  ));
  write('q2-success-vs-hidden.svg', barChartSvg(widths.map(String), q2Stats.map((v) => ({ name: v.label, values: v.stats.map((s) => s.rate), color: v.color })), {
    title: `XOR: share of ${seeds} seeds solved after 10,000 epochs, by hidden units`, xLabel: 'hidden units', yLabel: 'seeds solved',
  }));
  const npStats = planned.numpyRefs.map((r) => plan.stats(r));
  console.log(`\nAgainst NumPy (float64, the chapter's code, seeds 0–19, figures from the brief):`);
  console.log(formatTable(['hidden', 'NumPy', `scratchnet (float32), seeds 0–${numpySeeds.length - 1}`],
    numpyRef.map(([h, np], i) => [h, np, `${npStats[i]!.ok}/${npStats[i]!.n}`])));
  const o42 = plan.outcome(planned.seed42);
  const ok42 = success(chapterSetup, o42);
  console.log(`Seed 42, 4 hidden units (the chapter's own run): ${ok42 ? 'SOLVED — unlike the chapter' : 'fails, as in the chapter'}: ` +
    `final loss ${o42.loss.toFixed(4)}, outputs ${o42.outputs!.map((v) => v.toFixed(4)).join(' ')} for targets 0 1 1 0` +
    `${o42.dead ? `, ${o42.dead} of ${o42.units} hidden ReLUs dead` : ''}.`);
  const hand = handSet();
  console.log(`Two hidden ReLUs, weights set by hand (h1 = relu(x1+x2), h2 = relu(x1+x2−1), out = σ(10·h1 − 20·h2 − 5)): ` +
    `outputs ${hand.out.map((v) => v.toFixed(4)).join(' ')} — ${hand.ok ? 'XOR solved' : 'NOT solved'}.`);
  return answerQ2(widths, q2Stats, npStats, numpyRef, o42, ok42, hand.ok, seeds).map((line) => `  ${line}`);
}

function answerQ2(
  widths: number[], variants: { label: string; key: string; stats: Stats[] }[], np: Stats[], numpyRef: [number, string][],
  o42: Outcome, ok42: boolean, handOk: boolean, seeds: number,
): string[] {
  const out: string[] = [];
  const minWidth = (st: Stats[], pred: (s: Stats) => boolean): number | null => {
    const i = st.findIndex(pred);
    return i < 0 ? null : widths[i]!;
  };
  const describe = (v: { label: string; stats: Stats[] }) => {
    const any = minWidth(v.stats, (s) => s.ok > 0);
    const most = minWidth(v.stats, (s) => s.rate >= 0.9);
    const all = minWidth(v.stats, (s) => s.rate === 1);
    return `${v.label}: the smallest width that solved it for any seed was ${any ?? 'none tested'}` +
      (any !== null ? ` (${pct(v.stats[widths.indexOf(any)]!.rate)})` : '') +
      `, ≥ 90% of seeds needed ${most ?? `more than ${widths[widths.length - 1]}`}, every seed ${all ?? `more than ${widths[widths.length - 1]} (best ${pct(Math.max(...v.stats.map((s) => s.rate)))})`}.`;
  };
  const ch = variants[0]!;
  const one = ch.stats[widths.indexOf(1)];
  if (one) {
    out.push(one.ok === 0
      ? `1 hidden unit never solved XOR (0/${one.n}), as it cannot: one ReLU unit is a monotone function of one linear combination of x1, x2, and XOR's two classes are not on opposite sides of any line.`
      : `1 hidden unit solved XOR for ${one.ok}/${one.n} seeds.`);
  }
  out.push(`Two units are enough to represent XOR: the hand-set [2,2,1] ReLU network ${handOk ? 'gets all four right' : 'did NOT get all four right'}.`);
  out.push(describe(ch));
  const four = ch.stats[widths.indexOf(4)]!;
  out.push(`The chapter's 4 units solve ${pct(four.rate)} of seeds (${four.ok}/${four.n}), so its seed 42 ${ok42 ? 'solving it' : 'failing'} is ` +
    `${ok42 ? (four.rate >= 0.5 ? 'typical' : 'the luckier outcome') : four.rate >= 0.5 ? 'the unlucky minority' : 'the common outcome'}: ` +
    `seed 42 ends at loss ${o42.loss.toFixed(4)} with outputs ${o42.outputs!.map((v) => v.toFixed(3)).join(' ')}.`);
  const cmp = numpyRef.map(([h, n], i) => `${h} units ${np[i]!.ok}/${np[i]!.n} (NumPy ${n})`).join(', ');
  const exact = np.every((s, i) => {
    const ref = numpyRef[i]![1].split('/')[0]!.split('–').map(Number);
    return s.ok >= Math.min(...ref) && s.ok <= Math.max(...ref);
  });
  out.push(`On NumPy's 20 seeds: ${cmp} — ${exact ? 'the same counts as NumPy' : 'close to, not exactly, NumPy (float32 vs float64 can tip a borderline seed)'}.`);
  for (const v of variants.slice(1)) out.push(describe(v));
  const lrv = variants.find((v) => v.key === 'lr');
  if (lrv) out.push(lrSentence(ch, lrv));
  const failed = failureSentence(ch, seeds);
  if (failed) out.push(failed);
  return out;
}

/** Same seeds, lr 0.1 vs 0.5: does the step size change which seeds fail, or only how fast? */
function lrSentence(ch: { stats: Stats[] }, lrv: { stats: Stats[] }): string {
  let same = 0, runs = 0;
  const ratios: number[] = [];
  ch.stats.forEach((st, i) => {
    const other = lrv.stats[i]!;
    st.outcomes.forEach((o, k) => {
      const p = other.outcomes[k]!;
      runs++;
      if (success(st.setup, o) === success(other.setup, p)) same++;
      if (o.epochsTo > 0 && p.epochsTo > 0) ratios.push(o.epochsTo / p.epochsTo);
    });
  });
  const lrRatio = 0.5 / 0.1;
  const r = median(ratios);
  return `Learning rate 0.5 instead of 0.1, same seeds: the outcome (solved or not) was the same in ${same} of ${runs} runs, ` +
    `and runs that got there reached loss ${THRESHOLD} a median ${r.toFixed(1)}× sooner (the learning rate ratio is ${lrRatio}×)` +
    (same / runs >= 0.95 && Math.abs(r - lrRatio) / lrRatio < 0.15
      ? ` — with steps this small, gradient descent follows the same path and the learning rate only sets the pace: which seeds fail is decided by the initial weights.`
      : '.');
}

/** How failures look, across the chapter's setup. */
function failureSentence(ch: { stats: Stats[] }, seeds: number): string | null {
  const failed = ch.stats.flatMap((s) => s.outcomes.filter((o) => failureMode(s.setup, o) !== null));
  if (!failed.length) return null;
  const counts = new Map<string, number>();
  for (const o of failed) counts.set(o.loss.toFixed(2), (counts.get(o.loss.toFixed(2)) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([l, c]) => `${l} (${c})`);
  const withDead = failed.filter((o) => o.dead > 0).length;
  return `So the minimum is an optimization question, not a capacity one: with the chapter's setup the ${failed.length} failed runs ` +
    `(all widths, ${seeds} seeds) stall on flat losses — most often ${list(top)} — and ${withDead} of them (${pct(withDead / failed.length)}) ` +
    `end with dead ReLUs; more units make it more likely that enough of them start, and stay, active.`;
}
