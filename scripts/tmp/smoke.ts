import { init, NeuralNetwork, ReLU, Sigmoid, matmul } from '../../src/index.js';
console.log(await init());
console.log(matmul([[1, 2], [3, 4]], [[5], [6]]).toArray());
const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
console.log(net.layers[0]!.weights.toArray(), net.layers[1]!.weights.toArray());
const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
const r = net.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy', logEvery: 1000 });
console.log(net.predict(X).toArray());
