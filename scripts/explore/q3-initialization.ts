/**
 * Question 3: how does the initialization of weights affect training? randn·scale for the
 * chapter's 0.01 up to 2, Xavier and He, on XOR and spirals with ReLU and Tanh: failure modes
 * (saddle, saturation, dead ReLUs, divergence), loss curves, answers.
 *
 * @module
 */
import { lineChartSvg, type Init } from '../../src/index.js';
import { formatTable } from '../lib/table.js';
import { barChartSvg } from './bar-chart.js';
import { epochCell, fmtTimes, initName, initText, list, lossCell, modesCell, optText, pct, plateauCell, rateCell } from './format.js';
import { SGD_XOR, TWO_D, type Plan } from './plan.js';
import { THRESHOLD, type Setup } from './runs.js';
import { better, medianCurve, MODE_TEXT, type Mode, type Stats } from './stats.js';
import type { Seeds } from './q1-activations.js';

const inits: Init[] = ['chapter', 0.1, 0.5, 1, 2, 'xavier', 'he'];
const palette = ['#d62728', '#ff7f0e', '#bcbd22', '#2ca02c', '#17becf', '#1f77b4', '#9467bd'];

/** The question's runs. */
export function planQ3(plan: Plan, seeds: Seeds) {
  const tasks: { key: string; label: string; base: Omit<Setup, 'init'>; seeds: number[] }[] = [
    { key: 'xor-relu', label: 'XOR [2,8,1] ReLU', base: { ...SGD_XOR, sizes: [2, 8, 1], act: 'relu' }, seeds: seeds.xor },
    { key: 'xor-tanh', label: 'XOR [2,8,1] Tanh', base: { ...SGD_XOR, sizes: [2, 8, 1], act: 'tanh' }, seeds: seeds.xor },
    { key: 'spirals-relu', label: 'spirals [2,32,32,1] ReLU', base: { ...TWO_D, data: 'spirals', sizes: [2, 32, 32, 1], act: 'relu', epochs: 2000 }, seeds: seeds.twoD },
    { key: 'spirals-tanh', label: 'spirals [2,32,32,1] Tanh', base: { ...TWO_D, data: 'spirals', sizes: [2, 32, 32, 1], act: 'tanh', epochs: 2000 }, seeds: seeds.twoD },
  ];
  return tasks.map((t) => ({ ...t, refs: inits.map((init) => ({ init, ref: plan.config({ ...t.base, init }, t.seeds, true) })) }));
}

/** The question's tables (stdout) and plots; the answer's lines. */
export function reportQ3(plan: Plan, q3: ReturnType<typeof planQ3>, write: (name: string, svg: string) => void): string[] {
  console.log('\n=== (3) How does weight initialization affect training? ===');
  console.log(`Weights randn·scale (biases 0): the chapter's 0.01, 0.1, 0.5, 1, 2, Xavier (σ=√(2/(in+out))) and He (σ=√(2/in)).`);
  console.log(`Failure modes: diverged (TrainingDivergedError), saddle (stuck at loss ≈ ln 2 = 0.693: the net outputs 0.5 everywhere),`);
  console.log(`saturated output (a loss above ln 2: the sigmoid output is pinned at exactly 0 or 1 on a wrong answer, so its gradient is 0),`);
  console.log(`dead ReLUs (half or more of a hidden layer is ≤ 0 on every input), plateau (another flat loss), still falling (> 1% drop in the last 10% of epochs).`);
  console.log(`"off ln2" = median first epoch with loss < ln 2 − 0.01: how long the run sat on the saddle it starts near.`);
  const q3Stats = q3.map((t) => ({ ...t, rows: t.refs.map((r) => ({ init: r.init, st: plan.stats(r.ref) })) }));
  for (const t of q3Stats) {
    console.log(`\n${t.label}: ${optText(t.base as Setup)}, ${t.seeds.length} seeds`);
    console.log(formatTable(
      ['init', 'success', 'median loss', 'off ln2', 'epochs<0.1', 'reached', ...(t.base.act === 'relu' ? ['dead units'] : []), 'failures', 'failed runs stuck at'],
      t.rows.map(({ init, st }) => [initText(init, t.base.sizes), rateCell(st), lossCell(st.medLoss),
        Number.isFinite(st.medEscape) ? String(Math.round(st.medEscape)) : '—', epochCell(st), `${st.reached}/${st.n}`,
        ...(t.base.act === 'relu' ? [pct(st.deadFrac)] : []), modesCell(st), plateauCell(st)]),
    ));
    write(`q3-loss-${t.key}.svg`, lineChartSvg(
      t.rows.map(({ init, st }, i) => ({ name: initText(init, t.base.sizes), values: medianCurve(st), color: palette[i]! })),
      { title: `${t.label}: median loss over ${t.seeds.length} seeds, by initialization`, xLabel: 'Epoch', yLabel: 'Loss (median over seeds)', logY: true },
    ));
  }
  write('q3-success-by-init.svg', barChartSvg(inits.map((i) => initText(i).replace(' (chapter)', '')), q3Stats.map((t, k) => ({
    name: t.label, values: t.rows.map((r) => r.st.rate), color: ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728'][k]!,
  })), { title: 'Share of seeds trained to success, by weight initialization', xLabel: 'initialization (randn · scale)', yLabel: 'seeds solved' }));
  return [...q3Stats.map((t) => `  - ${answerQ3Task(t.label, t.rows)}`), ...answerQ3Summary(q3Stats).map((line) => `  ${line}`)];
}

function answerQ3Task(label: string, rows: { init: Init; st: Stats }[]): string {
  const best = rows.reduce((a, b) => (better(a.st, b.st) === b.st && b.st !== a.st ? b : a));
  const ch = rows.find((r) => r.init === 'chapter')!;
  const big = rows.find((r) => r.init === 2)!;
  const failText = (st: Stats) => {
    const m = (Object.keys(st.modes) as Mode[]).filter((k) => st.modes[k] > 0).sort((a, b) => st.modes[b] - st.modes[a]);
    return m.length ? `failures mostly ${MODE_TEXT[m[0]!]} (${st.modes[m[0]!]}/${st.n})` : 'no failures';
  };
  const ep = (st: Stats) => (Number.isFinite(st.medEpochs) ? `median ${Math.round(st.medEpochs)} epochs to loss ${THRESHOLD}` : `median run never reached loss ${THRESHOLD}`);
  let s = `${label}: 0.01 (chapter) ${pct(ch.st.rate)}, ${ep(ch.st)}, ${failText(ch.st)}; best ${initName(best.init)} ${pct(best.st.rate)}, ${ep(best.st)}`;
  if (best !== ch && Number.isFinite(best.st.medEpochs) && Number.isFinite(ch.st.medEpochs) && best.st.medEpochs < ch.st.medEpochs) {
    s += ` (${fmtTimes(ch.st.medEpochs, best.st.medEpochs)} faster)`;
  }
  if (best !== big) s += `; scale 2: ${pct(big.st.rate)}, ${failText(big.st)}`;
  s += '.';
  return s;
}

function answerQ3Summary(tasks: { label: string; base: Omit<Setup, 'init'>; rows: { init: Init; st: Stats }[] }[]): string[] {
  const out: string[] = [];
  const get = (t: (typeof tasks)[number], init: Init) => t.rows.find((r) => r.init === init)!.st;
  // Too small: the saddle.
  const esc = (st: Stats) => (Number.isFinite(st.medEscape) ? `${Math.round(st.medEscape)}` : 'never');
  const small = tasks.map((t) => {
    const ch = get(t, 'chapter'), suited = get(t, t.base.act === 'relu' ? 'he' : 'xavier');
    return `${t.label} ${esc(ch)} vs ${esc(suited)} (success ${pct(ch.rate)} vs ${pct(suited.rate)})`;
  });
  out.push(`Too small (the chapter's 0.01): each layer scales the signal, and the gradient flowing back, by about the weight scale, ` +
    `so the net starts on the flat saddle at loss ln 2 (every output 0.5) and has to get off it first. Median epochs to get off it, ` +
    `0.01 vs ${'He/Xavier'}: ${small.join('; ')}.`);
  const stuck = tasks.filter((t) => get(t, 'chapter').modes.saddle > 0);
  if (stuck.length) {
    out.push(`0.01-init runs that never left the saddle in the epoch budget: ${list(stuck.map((t) => `${t.label} ${get(t, 'chapter').modes.saddle}/${get(t, 'chapter').n}`))}.`);
  }
  // Too large.
  const large = tasks.map((t) => ({ t, st: get(t, 2), one: get(t, 1) }));
  const div = large.filter(({ st }) => st.modes.diverged > 0);
  const worse = large.filter(({ t, st }) => st.rate < t.rows.map((r) => r.st).reduce(better).rate);
  out.push(`Too large (scale 2): success ${large.map(({ t, st }) => `${t.label} ${pct(st.rate)}`).join(', ')}` +
    (div.length ? `; training diverged (TrainingDivergedError) on ${list(div.map(({ t, st }) => `${t.label} (${st.modes.diverged}/${st.n})`))}` : '; no run diverged') +
    (large.some(({ st }) => st.modes.saturated > 0)
      ? `; saturated outputs (a sigmoid pinned at exactly 0 or 1 on a wrong answer, zero gradient, loss stuck above ln 2) on ${list(large.filter(({ st }) => st.modes.saturated > 0).map(({ t, st }) => `${t.label} (${st.modes.saturated}/${st.n})`))}`
      : '') +
    (worse.length ? `; below the best init on ${list(worse.map(({ t }) => t.label))}` : '') + '.');
  // Dead ReLUs vs scale.
  const reluTasks = tasks.filter((t) => t.base.act === 'relu');
  for (const t of reluTasks) {
    const byInit = t.rows.map((r) => `${initText(r.init).replace(' (chapter)', '')} ${pct(r.st.deadFrac)}`).join(', ');
    out.push(`Dead ReLUs at the end on ${t.label}, by init: ${byInit}.`);
  }
  // Xavier/He vs the best fixed scale.
  const principled = tasks.map((t) => {
    const best = t.rows.map((r) => r.st).reduce(better);
    const mine = t.base.act === 'relu' ? get(t, 'he') : get(t, 'xavier');
    const name = t.base.act === 'relu' ? 'He' : 'Xavier';
    const same = mine.rate >= best.rate - 0.05;
    return `${t.label}: ${name} ${pct(mine.rate)}${same ? ' (within 5 points of the best)' : ` (best: ${initName(best.setup.init)}, ${pct(best.rate)})`}`;
  });
  out.push(`The scale that suits the activation and the layer width (He for ReLU, Xavier for tanh) needs no tuning: ${principled.join('; ')}.`);
  return out;
}
