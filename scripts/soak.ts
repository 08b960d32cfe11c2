// Memory soak: 1,000,000 training steps, sampling WebAssembly memory and the JS heap, to show
// both stay flat (no growth per step). Run: npx tsx --expose-gc scripts/soak.ts [--steps N]
//   (or: node --expose-gc --import tsx scripts/soak.ts)
import { backendInfo, init, NeuralNetwork, ReLU, Sigmoid, Softmax, Matrix, RandomState } from '../src/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STEPS = arg('steps', 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (b: number) => (b / 2 ** 20).toFixed(2);

await init();
console.log(`build: ${backendInfo().build}; ${STEPS.toLocaleString()} steps per workload; gc exposed: ${gc !== undefined}`);

function soak(name: string, net: NeuralNetwork, x: Matrix, y: Matrix, batchSize: number, stepsPerCall: number): void {
  const rows: string[] = [];
  const calls = Math.ceil(STEPS / stepsPerCall);
  const batchesPerEpoch = Math.ceil(x.rows / batchSize);
  const epochs = Math.max(1, Math.round(stepsPerCall / batchesPerEpoch));
  const sample = (done: number) => {
    gc?.();
    const { memoryBytes, usedBytes } = backendInfo();
    rows.push(`${String(done).padStart(9)}  wasm ${mib(memoryBytes)} MiB (used ${mib(usedBytes)})  js heap ${mib(process.memoryUsage().heapUsed)} MiB`);
    return { memoryBytes, usedBytes, heap: process.memoryUsage().heapUsed };
  };
  net.train(x, y, { epochs, batchSize, learningRate: 0.01 }); // warm-up
  const first = sample(0);
  const t = performance.now();
  let steps = 0;
  for (let c = 0; c < calls; c++) {
    net.train(x, y, { epochs, batchSize, learningRate: 0.01 });
    steps += epochs * batchesPerEpoch;
    if ((c + 1) % Math.max(1, Math.floor(calls / 5)) === 0) sample(steps);
  }
  const last = sample(steps);
  const secs = (performance.now() - t) / 1000;
  console.log(`\n${name}: ${steps.toLocaleString()} steps in ${secs.toFixed(1)} s`);
  for (const r of rows) console.log(r);
  console.log(
    `  wasm memory change ${last.memoryBytes - first.memoryBytes} B, allocated change ${last.usedBytes - first.usedBytes} B, ` +
      `js heap change ${mib(last.heap - first.heap)} MiB`,
  );
}

const xor = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
soak('XOR [2,4,1] full batch', xor, Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]), Matrix.from([[0], [1], [1], [0]]), 4, 10_000);

const rng = new RandomState(1);
const n = 256;
const X = new Matrix(n, 32, Float32Array.from({ length: n * 32 }, () => rng.random()));
const Y = new Matrix(n, 4);
for (let i = 0; i < n; i++) Y.data[i * 4 + rng.integer(4)] = 1;
const mlp = new NeuralNetwork([32, 16, 4], [new ReLU(), new Softmax()], { seed: 1 });
soak('MLP [32,16,4] softmax, batch 8, shuffled', mlp, X, Y, 8, 10_240);

// Concurrency soak: several networks train at once with trainAsync, while predictions of every
// network (large batches, through temporary buffers) run between the slices, round after round.
// Each network must end bit-identical to the same training run alone, and memory must stay flat.
async function concurrentSoak(rounds: number): Promise<void> {
  const seeds = [1, 2, 3, 4];
  const probe = new Matrix(512, 32, Float32Array.from({ length: 512 * 32 }, () => rng.random()));
  const make = (s: number) => new NeuralNetwork([32, 16, 4], [new ReLU(), new Softmax()], { seed: s });
  const opts = { epochs: 30, batchSize: 16, learningRate: 0.05, optimizer: 'adam' as const };
  const alone = seeds.map((s) => {
    const net = make(s);
    net.train(X, Y, opts);
    const w = net.layers.flatMap((l) => Array.from(l.weights.data));
    net.dispose();
    return w;
  });
  const t = performance.now();
  let first = 0, predictions = 0, mismatches = 0;
  for (let r = 0; r < rounds; r++) {
    const nets = seeds.map(make);
    await Promise.all(nets.map((net) => net.trainAsync(X, Y, {
      ...opts,
      yieldEvery: 1,
      onProgress: () => {
        for (const other of nets) if (!other.disposed) { other.predict(probe); predictions++; }
      },
    })));
    nets.forEach((net, i) => {
      const w = net.layers.flatMap((l) => Array.from(l.weights.data));
      if (w.some((v, j) => !Object.is(v, alone[i]![j]))) mismatches++;
      net.dispose();
    });
    gc?.();
    if (r === 0) first = backendInfo().usedBytes;
  }
  const { usedBytes, memoryBytes } = backendInfo();
  console.log(`\nconcurrent trainAsync: ${rounds} rounds of ${seeds.length} networks, ${predictions.toLocaleString()} predictions between slices, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`  networks not bit-identical to training alone: ${mismatches}; allocated change after round 1: ${usedBytes - first} B; wasm ${mib(memoryBytes)} MiB`);
  if (mismatches || usedBytes !== first) process.exitCode = 1;
}
await concurrentSoak(Math.max(2, Math.round(STEPS / 50_000)));
