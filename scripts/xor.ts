// `npm start`: the chapter's XOR example, line by line, then the same training through
// `net.train()` for comparison. Flags: --seed N (default 42, the chapter's np.random.seed(42)),
// --epochs N (default 10000). Writes the loss curve to out/xor-loss.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, BinaryCrossEntropy, NeuralNetwork, ReLU, Sigmoid, type Matrix } from '../src/index.js';
import { lineChartSvg } from '../src/plot/line-chart.js';

/** `--name N` or `--name=N` from the command line, an integer in [min, max]. */
function intFlag(name: string, fallback: number, min: number, max: number): number {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const text = args[i]!.includes('=') ? args[i]!.slice(name.length + 3) : args[i + 1];
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
    console.error(`xor: --${name} needs an integer from ${min} to ${max}, got ${text ?? 'nothing'}`);
    process.exit(2);
  }
  return v;
}
const seed = intFlag('seed', 42, 0, 2 ** 32 - 1);
const epochs = intFlag('epochs', 10000, 1, 1e8);

await init();

// Generate a simple dataset: XOR problem
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];

// Create a neural network with one hidden layer (np.random.seed(42) -> { seed: 42 })
const network = new NeuralNetwork(
  [2, 4, 1], // Input layer: 2, Hidden layer: 4, Output layer: 1
  [new ReLU(), new Sigmoid()], // ReLU for hidden layer, Sigmoid for output
  { seed },
);

// Training loop
const learningRate = 0.1;
const losses: number[] = [];
const bce = new BinaryCrossEntropy(); // the chapter's loss and gradient, with its 1e-15 clamps

const handStart = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  // Forward pass
  const output = network.forward(X);

  // Compute loss (binary cross-entropy)
  const loss = bce.forward(output, y);
  losses.push(loss);

  // Compute gradient of loss with respect to output
  const gradOutput = bce.backward(output, y);

  // Backward pass
  network.backward(gradOutput, learningRate);

  // Print progress every 1000 epochs
  if (epoch % 1000 === 0) console.log(`Epoch ${epoch}, Loss: ${loss.toFixed(4)}`);
}
const handMs = performance.now() - handStart;

// Plot the learning curve
const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const svgPath = `${outDir}xor-loss.svg`;
writeFileSync(
  svgPath,
  lineChartSvg([{ name: 'loss', values: losses }], { title: 'Training Loss over Time', xLabel: 'Epoch', yLabel: 'Loss' }),
);
console.log(`\nLoss curve: ${relative(process.cwd(), svgPath) || svgPath}`);

// Test the network
const predictions = network.forward(X);
console.log('\nFinal predictions:');
console.log('Input -> Output (Expected)');
X.forEach((xi, i) => console.log(`[${xi.join(' ')}] -> ${predictions.get(i, 0).toFixed(4)} (${y[i]![0]})`));

// Did it learn XOR? If not, say why: inputs with identical hidden activations must share one output.
const show = (i: number): string => `[${X[i]!.join(' ')}]`;
const wrong = X.map((_, i) => i).filter((i) => (predictions.get(i, 0) >= 0.5 ? 1 : 0) !== y[i]![0]);
if (wrong.length === 0) {
  console.log(`\nNote: with seed ${seed} this network learns XOR (every output is on the right side of 0.5).`);
} else {
  const hidden = network.layers[0]!.output!.toArray();
  const groups = new Map<string, number[]>();
  hidden.forEach((row, i) => groups.set(row.join(','), [...(groups.get(row.join(',')) ?? []), i]));
  const stuck = [...groups.values()].find((g) => g.length > 1 && new Set(g.map((i) => y[i]![0])).size > 1);
  const what = stuck
    ? `${stuck.map(show).join(', ')} are stuck at ${predictions.get(stuck[0]!, 0).toFixed(4)}`
    : `${wrong.map(show).join(', ')} on the wrong side of 0.5`;
  console.log(`\nNote: with seed ${seed} this network does not learn XOR: ${what}`);
  console.log(`(the chapter's claim that it learns XOR does not hold for this seed).`);
  if (stuck) {
    const p = stuck.reduce((s, i) => s + y[i]![0]!, 0) / stuck.length;
    const floor = -stuck.reduce((s, i) => s + Math.log(y[i]![0] ? p : 1 - p), 0) / X.length;
    const allZero = hidden[stuck[0]!]!.every((v) => v === 0);
    console.log(
      (allZero ? `All ${hidden[0]!.length} ReLUs output 0 for these inputs` : 'These inputs have identical hidden activations') +
        `, so they must share one output;\nthe best shared value for targets ${stuck.map((i) => y[i]![0]).join(', ')} ` +
        `is ${p.toFixed(4)} (loss floor ${floor.toFixed(4)}), which they approach.`,
    );
  }
  if (seed !== 1) console.log('Try another seed, e.g. --seed 1 (it learns XOR in 10,000 epochs).');
}

// The same network, from the same seed, trained by the library's loop.
const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed });
const trainStart = performance.now();
const { loss: trainLosses } = net.train(X, y, { epochs, learningRate, loss: 'binaryCrossEntropy' });
const trainMs = performance.now() - trainStart;
let maxDiff = 0;
for (let i = 0; i < epochs; i++) maxDiff = Math.max(maxDiff, Math.abs(trainLosses[i]! - losses[i]!));
const identical = trainLosses.length === losses.length && trainLosses.every((v, i) => v === losses[i]);
const trained: Matrix = net.forward(X);
console.log(
  `\nnet.train(X, y, { epochs: ${epochs}, learningRate: ${learningRate}, loss: 'binaryCrossEntropy' }):` +
    `\n  loss curve ${identical ? 'identical to' : 'differs from'} the hand-written loop's (max |difference| ${maxDiff})` +
    `\n  predictions: ${X.map((_, i) => `${show(i)} -> ${trained.get(i, 0).toFixed(4)}`).join(', ')}`,
);
const perEpoch = (ms: number): string => `${ms.toFixed(1)} ms (${((ms * 1000) / epochs).toFixed(1)} µs/epoch)`;
console.log(`\nTime: hand-written loop ${perEpoch(handMs)}, net.train ${perEpoch(trainMs)}`);

network.dispose();
net.dispose();
