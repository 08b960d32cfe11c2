// The chapter's XOR run, shared by the per-build test files (each test file has its own module
// graph, so each can init() a different build of the kernels).
import { BinaryCrossEntropy, NeuralNetwork, ReLU, Sigmoid } from '../../src/index.js';

export const CHAPTER_LOG = ['0.6931', '0.4972', '0.4791', '0.4782', '0.4778', '0.4777', '0.4777', '0.4776', '0.4776', '0.4775'];
export const CHAPTER_PREDICTIONS = ['0.6665', '0.6665', '0.6665', '0.0006'];

/** The chapter's loop by hand, then train(): the printed log and predictions of each. */
export function runChapter(): { handLog: string[]; handPredictions: string[]; trainLog: string[]; trainPredictions: string[] } {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const bce = new BinaryCrossEntropy();
  const network = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
  const handLog: string[] = [];
  for (let epoch = 0; epoch < 10000; epoch++) {
    const output = network.forward(X);
    if (epoch % 1000 === 0) handLog.push(bce.forward(output, y).toFixed(4));
    network.backward(bce.backward(output, y), 0.1);
  }
  const handPredictions = Array.from(network.forward(X).data, (v) => v.toFixed(4));
  network.dispose();
  const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
  const { loss } = net.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
  const trainLog = loss.filter((_, e) => e % 1000 === 0).map((l) => l.toFixed(4));
  const trainPredictions = Array.from(net.predict(X).data, (v) => v.toFixed(4));
  net.dispose();
  return { handLog, handPredictions, trainLog, trainPredictions };
}
