// One training run for test/backend/profile.test.ts, which runs it on the profile builds in its
// own process and on the shipped builds in a child process (that imports init and setThreads
// from here too, so both see one instance of the library).
import { Matrix, NeuralNetwork, RandomState, ReLU, Softmax } from '../../src/index.js';

export { init, setThreads } from '../../src/index.js';

/** Adam on 300 shuffled rows, 256-256-10 (products large enough to split across threads): losses and some weights. */
export function trainRun(): { loss: number[]; w: number[] } {
  const rng = new RandomState(5);
  const x = new Matrix(300, 256, Float32Array.from({ length: 300 * 256 }, () => rng.random() * 2 - 1));
  const y = new Matrix(300, 10);
  for (let i = 0; i < 300; i++) y.data[i * 10 + rng.integer(10)] = 1;
  const net = new NeuralNetwork([256, 256, 10], [new ReLU(), new Softmax()], { seed: 2, init: 'he' });
  try {
    const r = net.train(x, y, { epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: 'adam', shuffle: true, seed: 4 });
    return { loss: r.loss, w: Array.from(net.layers[0]!.weights.data.slice(0, 64)) };
  } finally {
    net.dispose();
  }
}
