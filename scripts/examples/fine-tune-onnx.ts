// Bring a PyTorch model in, fine-tune it here, take it back out (run: npx tsx scripts/examples/fine-tune-onnx.ts).
// The model is test/fixtures/interop/torch-opset11.onnx: a 4-8-3 MLP (Linear, ReLU, Linear, Softmax)
// that torch.onnx.export wrote (scripts/fixtures/onnx_fixtures.py). Its weights are random: here it
// learns iris. The result is written as ONNX (for onnxruntime anywhere) and checked by reading it back.
import { readFileSync, writeFileSync } from 'node:fs';
import { accuracy, init, NeuralNetwork, oneHot, parseCsv, StandardScaler } from '../../src/index.js';

await init();
const root = new URL('../../', import.meta.url);
const net = NeuralNetwork.fromONNX(readFileSync(new URL('test/fixtures/interop/torch-opset11.onnx', root)));
console.log('imported from PyTorch:', net.layerSizes.join('-'), net.layers.map((l) => l.activation.name).join(', '));

const { x, labels } = parseCsv(readFileSync(new URL('test/fixtures/iris.csv', root), 'utf8'));
const scaler = new StandardScaler().fit(x);
const xs = scaler.transform(x);
const y = oneHot(labels, 3);
console.log(`accuracy before fine-tuning: ${(accuracy(net.predict(xs), labels) * 100).toFixed(1)}%`);
net.train(xs, y, { epochs: 200, learningRate: 0.01, optimizer: 'adam', loss: 'softmaxCrossEntropy', batchSize: 16, seed: 1 });
console.log(`accuracy after fine-tuning:  ${(accuracy(net.predict(xs), labels) * 100).toFixed(1)}%`);

const out = new URL('iris-finetuned.onnx', `file://${process.cwd()}/`);
const bytes = net.toONNX();
writeFileSync(out, bytes);
const again = NeuralNetwork.fromONNX(bytes);
const mine = net.predict(xs).data;
const same = again.predict(xs).data.every((v, i) => v === mine[i]);
console.log(`wrote ${out.pathname} (${bytes.length} bytes; it takes standardized features: mean ${scaler.mean!.map((m) => m.toFixed(2)).join(', ')}); reads back identically: ${same}`);
net.dispose();
again.dispose();
