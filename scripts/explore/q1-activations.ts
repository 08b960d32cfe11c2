/**
 * Question 1: how would the network perform with different activation functions? ReLU,
 * LeakyReLU, Tanh and Sigmoid hidden layers, each from the chapter's 0.01 init and from the init
 * suited to it, on XOR and three 2-D sets: tables, loss curves, decision boundaries, answers.
 *
 * @module
 */
import { decisionBoundarySvg, lineChartSvg, NeuralNetwork, Sigmoid, type LineSeries } from '../../src/index.js';
import { formatTable } from '../lib/table.js';
import {
  epochCell, initName, initText, list, lossCell, modesCell, optText, pct, rateCell, scaledInit,
} from './format.js';
import { SGD_XOR, TWO_D, type Plan } from './plan.js';
import { ACT_COLOR, ACT_NAME, ACTS, buildNet, data, THRESHOLD, trainNet, type Act, type DataName, type Setup } from './runs.js';
import { better, medianCurve, type Stats } from './stats.js';

/** Seeds per XOR configuration and per 2-D one. */
export interface Seeds {
  xor: number[];
  twoD: number[];
}

/** The question's runs. */
export function planQ1(plan: Plan, seeds: Seeds) {
  const tasks: { key: string; label: string; base: Omit<Setup, 'act' | 'init'>; seeds: number[] }[] = [
    { key: 'xor-2-4-1', label: 'XOR [2,4,1]', base: { ...SGD_XOR, sizes: [2, 4, 1] }, seeds: seeds.xor },
    { key: 'xor-2-8-1', label: 'XOR [2,8,1]', base: { ...SGD_XOR, sizes: [2, 8, 1] }, seeds: seeds.xor },
    { key: 'circle', label: 'circle [2,16,16,1]', base: { ...TWO_D, data: 'circle', sizes: [2, 16, 16, 1], epochs: 1500 }, seeds: seeds.twoD },
    { key: 'moons', label: 'moons [2,16,16,1]', base: { ...TWO_D, data: 'moons', sizes: [2, 16, 16, 1], epochs: 1500 }, seeds: seeds.twoD },
    { key: 'spirals', label: 'spirals [2,16,16,1]', base: { ...TWO_D, data: 'spirals', sizes: [2, 16, 16, 1], epochs: 3000 }, seeds: seeds.twoD },
  ];
  return tasks.map((t) => ({
    ...t,
    refs: ACTS.map((act) => ({
      act,
      chapter: plan.config({ ...t.base, act, init: 'chapter' }, t.seeds, true),
      scaled: plan.config({ ...t.base, act, init: scaledInit(act) }, t.seeds, true),
    })),
  }));
}

type Q1Row = { act: Act; chapter: Stats; scaled: Stats };
export type Q1Stats = { key: string; label: string; base: Omit<Setup, 'act' | 'init'>; seeds: number[]; rows: Q1Row[] }[];

/** One decision boundary per activation on spirals: the seed whose final loss is the median (a typical run). */
function spiralBoundaries(q1Stats: Q1Stats, write: (name: string, svg: string) => void): void {
  const spiralsTask = q1Stats.find((t) => t.key === 'spirals')!;
  const sp = data('spirals');
  const spPoints = sp.x.toArray();
  for (const r of spiralsTask.rows) {
    const st = r.scaled;
    const order = st.outcomes.map((o, i) => [o.loss, st.seeds[i]!] as const).sort((a, b) => a[0] - b[0]);
    const seed = order[(order.length - 1) >> 1]![1];
    const net = buildNet(st.setup, seed);
    trainNet(net, st.setup, sp);
    const o = st.outcomes[st.seeds.indexOf(seed)]!;
    write(`q1-spirals-boundary-${r.act}.svg`, decisionBoundarySvg(net, spPoints, sp.labels, {
      title: `spirals, ${ACT_NAME[r.act]}, ${initText(st.setup.init)}, seed ${seed}: acc. ${pct(o.accuracy)}, loss ${lossCell(o.loss)}`,
      width: 560, height: 580,
    }));
    net.dispose();
  }
}

/** The question's tables (stdout) and plots; its statistics for the answers. */
export function reportQ1(plan: Plan, q1: ReturnType<typeof planQ1>, write: (name: string, svg: string) => void): Q1Stats {
  console.log('\n=== (1) How does the activation function change training? ===');
  console.log(`Hidden activation varies, output Sigmoid, binary cross-entropy. "success" = final training accuracy 1 on XOR, ≥ 0.95 on the others;`);
  console.log(`"epochs<${THRESHOLD}" = median first epoch with loss < ${THRESHOLD} (never counts as ∞: "—" when at least half never got there).`);
  console.log(`Inits: the chapter's randn·0.01, and the one suited to the activation: He (σ=√(2/in)) for ReLU/LeakyReLU, Xavier (σ=√(2/(in+out))) for Tanh/Sigmoid.`);
  console.log(`XOR uses the chapter's training (plain SGD); the 2-D sets (200 points each, data seed 0) use SGD with momentum 0.9 to keep the 3-layer nets within a few thousand epochs.`);
  const q1Stats: Q1Stats = q1.map((t) => ({ ...t, rows: t.refs.map((r) => ({ act: r.act, chapter: plan.stats(r.chapter), scaled: plan.stats(r.scaled) }) as Q1Row) }));
  for (const t of q1Stats) {
    console.log(`\n${t.label}: ${optText(t.base as Setup)}, ${t.seeds.length} seeds`);
    const rows = t.rows.flatMap((r) => [r.chapter, r.scaled].map((st) => [
      ACT_NAME[r.act], initText(st.setup.init), rateCell(st), lossCell(st.medLoss), epochCell(st), `${st.reached}/${st.n}`,
      r.act === 'relu' || r.act === 'leaky' ? pct(st.deadFrac) : '',
      modesCell(st),
    ]));
    console.log(formatTable(['activation', 'init', 'success', 'median loss', 'epochs<0.1', 'reached', 'dead/inactive', 'failures'], rows));
    for (const kind of ['chapter', 'scaled'] as const) {
      const series: LineSeries[] = t.rows.map((r) => ({
        name: kind === 'chapter' ? ACT_NAME[r.act] : `${ACT_NAME[r.act]} (${initText(r[kind].setup.init)})`,
        values: medianCurve(r[kind]),
        color: ACT_COLOR[r.act],
      }));
      write(`q1-loss-${t.key}-${kind === 'chapter' ? 'chapter-init' : 'he-xavier'}.svg`, lineChartSvg(series, {
        title: `${t.label}: median loss over ${t.seeds.length} seeds, ${kind === 'chapter' ? "chapter's 0.01 init" : 'He (ReLU family) / Xavier (tanh, sigmoid) init'}`,
        xLabel: 'Epoch', yLabel: 'Loss (median over seeds)', logY: true,
      }));
    }
  }
  spiralBoundaries(q1Stats, write);
  return q1Stats;
}

/** The answer's lines, as printed. */
export function answerQ1(q1Stats: Q1Stats): string[] {
  return [
    ...q1Stats.map((t) => `  - ${answerQ1Task(t.label, t.rows)}`),
    ...answerQ1Summary(q1Stats.map((t) => ({ label: t.label, rows: t.rows })), linearLosses()).map((line) => `  ${line}`),
  ];
}

/** The training loss of the best linear model (logistic regression, [2,1] Sigmoid) on each data set. */
function linearLosses(): Map<DataName, number> {
  const out = new Map<DataName, number>();
  for (const name of ['xor', 'circle', 'moons', 'spirals'] as DataName[]) {
    const d = data(name);
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 0 });
    const r = net.train(d.x, d.y, { epochs: 3000, learningRate: 0.05, optimizer: 'adam', loss: 'binaryCrossEntropy' });
    out.set(name, r.loss[r.loss.length - 1]!);
    net.dispose();
  }
  return out;
}

type Q1Rows = { act: Act; chapter: Stats; scaled: Stats }[];

function answerQ1Task(label: string, rows: Q1Rows): string {
  const fmt = (k: 'chapter' | 'scaled') => rows.map((r) => `${ACT_NAME[r.act]} ${pct(r[k].rate)}`).join(', ');
  const best = rows.map((r) => ({ act: r.act, st: better(r.chapter, r.scaled) }));
  const reached = best.filter((b) => Number.isFinite(b.st.medEpochs)).sort((a, b) => a.st.medEpochs - b.st.medEpochs);
  let speed = 'no activation got the median run below loss 0.1';
  if (reached.length) {
    const f = reached[0]!;
    speed = `fastest to loss ${THRESHOLD}: ${ACT_NAME[f.act]} (median ${Math.round(f.st.medEpochs)} epochs, ${initName(f.st.setup.init)} init)`;
    const slow = reached[reached.length - 1]!;
    if (reached.length > 1) speed += `, slowest that got there: ${ACT_NAME[slow.act]} (${Math.round(slow.st.medEpochs)})`;
    const never = best.filter((b) => !Number.isFinite(b.st.medEpochs)).map((b) => ACT_NAME[b.act]);
    if (never.length) speed += `; never in the median run: ${list(never)}`;
  }
  return `${label}: success with the chapter's init — ${fmt('chapter')}; with He/Xavier — ${fmt('scaled')}; ${speed}.`;
}

function answerQ1Summary(tasks: { label: string; rows: Q1Rows }[], linear: Map<DataName, number>): string[] {
  const out: string[] = [];
  const meanRate = (act: Act, k: 'chapter' | 'scaled') =>
    tasks.reduce((s, t) => s + t.rows.find((r) => r.act === act)![k].rate, 0) / tasks.length;
  const ranked = (k: 'chapter' | 'scaled') =>
    [...ACTS].sort((a, b) => meanRate(b, k) - meanRate(a, k)).map((a) => `${ACT_NAME[a]} ${pct(meanRate(a, k))}`).join(' > ');
  out.push(`Averaged over the ${tasks.length} tasks, success with the chapter's init: ${ranked('chapter')}; with He/Xavier: ${ranked('scaled')}.`);
  // Who was fastest, task by task (each activation with its better init).
  const wins = new Map<Act, string[]>();
  for (const t of tasks) {
    const best = t.rows.map((r) => ({ act: r.act, st: better(r.chapter, r.scaled) }))
      .filter((b) => b.st.rate >= 0.5 && Number.isFinite(b.st.medEpochs)).sort((a, b) => a.st.medEpochs - b.st.medEpochs)[0];
    if (best) wins.set(best.act, [...(wins.get(best.act) ?? []), t.label]);
  }
  if (wins.size) {
    out.push(`Fastest to loss ${THRESHOLD} (among activations solving at least half the seeds, each with its better init): ` +
      [...wins].map(([a, ts]) => `${ACT_NAME[a]} on ${list(ts)}`).join('; ') + '.');
  }
  // The weakest activation overall.
  const overall = (a: Act) => Math.max(meanRate(a, 'chapter'), meanRate(a, 'scaled'));
  const worst = [...ACTS].sort((a, b) => overall(a) - overall(b))[0]!;
  const worstTasks = tasks.filter((t) => {
    const r = t.rows.find((x) => x.act === worst)!;
    const b = better(r.chapter, r.scaled);
    return t.rows.every((x) => x.act === worst || better(x.chapter, x.scaled).rate >= b.rate);
  }).map((t) => t.label);
  out.push(`Weakest overall: ${ACT_NAME[worst]} (best-init mean success ${pct(overall(worst))}); it had the lowest (or tied-lowest) success on ${worstTasks.length} of ${tasks.length} tasks` +
    `${worst === 'sigmoid' ? ' — its derivative is at most 0.25, so gradients shrink through every sigmoid layer' : ''}.`);
  // ReLU vs LeakyReLU with the chapter's init, and dead units.
  const relu = tasks.map((t) => t.rows.find((r) => r.act === 'relu')!), leaky = tasks.map((t) => t.rows.find((r) => r.act === 'leaky')!);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rc = mean(relu.map((r) => r.chapter.rate)), lc = mean(leaky.map((r) => r.chapter.rate));
  const rd = mean(relu.map((r) => r.chapter.deadFrac)), ld = mean(leaky.map((r) => r.chapter.deadFrac));
  out.push(`LeakyReLU(0.01) vs ReLU with the chapter's init: mean success ${pct(lc)} vs ${pct(rc)}` +
    `${Math.abs(lc - rc) < 0.03 ? ' (about the same)' : lc > rc ? ' (the leak helps)' : ' (the leak does not help)'}; ` +
    `units negative on every input at the end: ${pct(ld)} (leaky, still getting 1% of the gradient) vs ${pct(rd)} (ReLU: dead, no gradient at all).`);
  const symmetric = symmetricSentence(tasks, linear);
  if (symmetric) out.push(symmetric);
  // Where the init mattered most.
  let big = { gain: -Infinity, text: '' };
  for (const t of tasks) {
    for (const r of t.rows) {
      const gain = r.scaled.rate - r.chapter.rate;
      if (gain > big.gain) big = { gain, text: `${ACT_NAME[r.act]} on ${t.label}: ${pct(r.chapter.rate)} → ${pct(r.scaled.rate)}` };
    }
  }
  if (big.gain > 0) out.push(`The activation cannot be judged apart from the init: the biggest change from switching 0.01 to He/Xavier was ${big.text}.`);
  else out.push(`Switching from 0.01 to He/Xavier never raised the success rate here.`);
  return out;
}

/** Tanh and sigmoid at the chapter's init: an almost linear model. */
function symmetricSentence(tasks: { label: string; rows: Q1Rows }[], linear: Map<DataName, number>): string | null {
  const symmetric = (['tanh', 'sigmoid'] as Act[]).filter((a) => tasks.every((t) => t.rows.find((r) => r.act === a)!.chapter.rate === 0));
  if (!symmetric.length) return null;
  const vsLinear = tasks.map((t) => {
    const losses = symmetric.map((a) => lossCell(t.rows.find((r) => r.act === a)!.chapter.medLoss).replace(/0+$/, ''));
    return `${t.label.split(' ')[0]} ${losses.join('/')} (linear ${linear.get(t.rows[0]!.chapter.setup.data)!.toFixed(3)})`;
  }).filter((x, i, all) => all.findIndex((y) => y.split(' ')[0] === x.split(' ')[0]) === i);
  const atOrAbove = tasks.every((t) => symmetric.every((a) => t.rows.find((r) => r.act === a)!.chapter.medLoss >= linear.get(t.rows[0]!.chapter.setup.data)! - 0.005));
  const reluTasks = tasks.filter((t) => t.rows.some((r) => (r.act === 'relu' || r.act === 'leaky') && r.chapter.rate > 0)).length;
  return `${list(symmetric.map((a) => ACT_NAME[a]))} never trained from the chapter's 0.01 init, on any task. Near 0 they are almost linear, ` +
    `so a tiny-weight net is almost a linear model${atOrAbove ? ', and every one of them ended at or above the loss of the best linear model' : ''}: median final losses ` +
    `${symmetric.map((a) => ACT_NAME[a]).join('/')} vs the best logistic regression on the same data: ${vsLinear.join(', ')}. ` +
    `ReLU's kink at 0 is nonlinear at any scale: the ReLU family trained from 0.01 on ${reluTasks} of ${tasks.length} tasks.`;
}
