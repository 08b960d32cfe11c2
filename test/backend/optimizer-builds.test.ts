// Training on the simd and the scalar build ends with the same weights, bit for bit, for every
// optimizer and with the l1 and l2 penalties: the optimizer kernels compute a SIMD lane's
// operations in their scalar loops (the scalar build's, and the SIMD build's last n mod 4
// parameters). Net 0 leaves every tail length: weights 7×5 = 35 (Adam's 16-float loop twice, then
// 3), 5×3 = 15, 3×2 = 6; biases 5, 3, 2. Net 1's 16×24 layer, trained in batches of 64, takes the
// SGD step fused into its dW product on the simd build (gemmStep), which the scalar build does as
// regularizeGrad then sgdUpdate.
//
// The layers after the first are at most 3 wide: dX = dZ·Wᵀ sums over a layer's outputs, and for
// a product too small for the packed path the simd build sums 4 lanes apart (gemm.ts dotRows) where
// the scalar build sums in order, so with 4 or more outputs the builds differ there, whatever the
// optimizer.
//
// init() picks one build per process, so each build trains in a child process of its own.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

const CASES = [
  { name: 'adam', optimizer: 'adam', l1: 0, l2: 0 },
  { name: 'adam+l1+l2', optimizer: 'adam', l1: 1e-3, l2: 1e-2 },
  { name: 'rmsprop', optimizer: 'rmsprop', l1: 0, l2: 0 },
  { name: 'sgd+l1+l2', optimizer: 'sgd', l1: 1e-3, l2: 1e-2 },
  { name: 'sgd', optimizer: 'sgd', l1: 0, l2: 0 },
  { name: 'momentum', optimizer: 'momentum', l1: 0, l2: 0 },
  { name: 'nesterov+l2', optimizer: 'nesterov', l1: 0, l2: 1e-2 },
];

/** A script that trains every case on `build` and prints, per case and network, each layer's weight and bias bits. */
const script = (build: 'simd' | 'scalar') => `
import { init, backendInfo, NeuralNetwork, RandomState, ReLU, Tanh, Linear } from ${JSON.stringify(root + 'src/index.ts')};
await init({ threads: 1, simd: ${build === 'simd'}, relaxedSimd: false });
const rng = new RandomState(3);
const data = (rows, inputs, outputs) => {
  const x = Array.from({ length: rows }, () => Array.from({ length: inputs }, () => rng.random() * 2 - 1));
  return [x, x.map((r) => Array.from({ length: outputs }, (_, j) => Math.sin(r[j % inputs] * 2 + j) - 0.5 * r[(j + 1) % inputs]))];
};
const nets = [
  { sizes: [7, 5, 3, 2], acts: () => [new Tanh(), new ReLU(), new Linear()], data: data(37, 7, 2), batchSize: 8, epochs: 40 },
  { sizes: [16, 24, 3], acts: () => [new ReLU(), new Linear()], data: data(128, 16, 3), batchSize: 64, epochs: 15 },
];
const bits = (m) => Array.from(new Uint32Array(Float32Array.from(m.data).buffer), (b) => b.toString(16)).join(' ');
const out = { build: backendInfo().build };
for (const c of ${JSON.stringify(CASES)}) {
  nets.forEach((n, i) => {
    const net = new NeuralNetwork(n.sizes, n.acts(), { seed: 5, init: 'he' });
    net.train(n.data[0], n.data[1], { epochs: n.epochs, batchSize: n.batchSize, learningRate: 0.01, optimizer: c.optimizer, loss: 'mse', l1: c.l1, l2: c.l2, seed: 1 });
    out[c.name + ' net ' + i] = net.layers.map((l) => ({ weights: bits(l.weights), bias: bits(l.bias) }));
    net.dispose();
  });
}
console.log(JSON.stringify(out));
`;

const trained: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  await Promise.all(
    (['simd', 'scalar'] as const).map(async (build) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(build)], { cwd: root, timeout: 60_000 });
      trained[build] = JSON.parse(stdout) as Record<string, unknown>;
    }),
  );
}, 90_000);

describe('training on the simd and the scalar build', () => {
  it('runs each build', () => {
    expect([trained.simd!.build, trained.scalar!.build]).toEqual(['simd', 'scalar']);
  });

  it.each(CASES.map((c) => c.name))('%s: the same weights and biases, bit for bit', (name) => {
    for (const net of [0, 1]) {
      const key = `${name} net ${net}`;
      expect(trained.scalar![key], key).toEqual(trained.simd![key]);
    }
  });
});
