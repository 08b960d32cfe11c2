// The README's opening example, verbatim (run: npx tsx scripts/example.ts).
import { init, NeuralNetwork, ReLU, Sigmoid } from '../src/index.js';

await init();
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];
const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
const { loss } = net.train(X, y, { epochs: 3000, learningRate: 0.5, loss: 'binaryCrossEntropy' });
console.log(`loss ${loss[0]!.toFixed(4)} -> ${loss.at(-1)!.toFixed(4)}`);
console.log(net.predict(X).toArray().map(([p]) => p!.toFixed(3)));
