// Real data sets end to end (test/fixtures/, see its README): split (stratified, seeded),
// standardize with the training statistics, train with scratchnet's SGD from the chapter's
// 0.01·randn weights, judge on the held-out rows.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, NeuralNetwork, ReLU, Sigmoid, Softmax } from '../../src/index.js';
import type { CsvData } from '../../src/data/csv.js';
import { oneHot } from '../../src/data/encoding.js';
import { accuracy } from '../../src/data/metrics.js';
import { StandardScaler } from '../../src/data/scalers.js';
import { trainTestSplit } from '../../src/data/split.js';
import { realData } from '../support/data-fixtures.js';

let digits: CsvData, iris: CsvData, cancer: CsvData;

beforeAll(async () => {
  await init();
  ({ digits, iris, cancer } = await realData());
});

describe('real data: held-out accuracy', () => {
  interface Run { testAcc: number; trainAcc: number; loss: number[] }

  function run(data: CsvData, hidden: number, classes: number, o: { epochs: number; learningRate: number; batchSize: number; seed: number }): Run {
    const { xTrain, yTrain, xTest, yTest } = trainTestSplit(data.x, data.labels, { seed: o.seed, stratify: true });
    const scaler = new StandardScaler().fit(xTrain);
    const binary = classes === 2;
    const net = new NeuralNetwork(
      [data.x.cols, hidden, binary ? 1 : classes],
      [new ReLU(), binary ? new Sigmoid() : new Softmax()],
      { seed: o.seed },
    );
    try {
      const { loss } = net.train(scaler.transform(xTrain), binary ? yTrain.map((v) => [v]) : oneHot(yTrain, classes), {
        epochs: o.epochs, learningRate: o.learningRate, batchSize: o.batchSize, seed: o.seed,
        loss: binary ? 'binaryCrossEntropy' : 'softmaxCrossEntropy',
      });
      return {
        trainAcc: accuracy(net.predict(scaler.transform(xTrain)), yTrain),
        testAcc: accuracy(net.predict(scaler.transform(xTest)), yTest),
        loss,
      };
    } finally {
      net.dispose();
    }
  }

  const report = (name: string, r: Run): void =>
    console.log(`${name}: held-out accuracy ${r.testAcc.toFixed(4)} (train ${r.trainAcc.toFixed(4)}), loss ${r.loss[0]!.toFixed(4)} -> ${r.loss.at(-1)!.toFixed(4)}`);

  it('digits (1797 8x8 images, 10 classes): [64, 64, 10] ReLU/Softmax >= 0.95', () => {
    const r = run(digits, 64, 10, { epochs: 100, learningRate: 0.1, batchSize: 32, seed: 0 });
    report('digits', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.95);
  });

  it('iris (150 flowers, 3 classes): [4, 16, 3] ReLU/Softmax >= 0.93', () => {
    const r = run(iris, 16, 3, { epochs: 500, learningRate: 0.1, batchSize: 16, seed: 0 });
    report('iris', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.93);
  });

  it('breast cancer (569 tumours, binary): [30, 16, 1] ReLU/Sigmoid with BCE >= 0.95', () => {
    const r = run(cancer, 16, 2, { epochs: 100, learningRate: 0.1, batchSize: 32, seed: 0 });
    report('breast cancer', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic: the same seeds give the same accuracy and losses', () => {
    const a = run(cancer, 16, 2, { epochs: 20, learningRate: 0.1, batchSize: 32, seed: 5 });
    const b = run(cancer, 16, 2, { epochs: 20, learningRate: 0.1, batchSize: 32, seed: 5 });
    expect(b.loss).toEqual(a.loss);
    expect(b.testAcc).toBe(a.testAcc);
  });

  it('holds up across splits and initial weights, not only for seed 0', () => {
    const accs = [1, 2, 3, 4, 5].map((seed) => run(iris, 16, 3, { epochs: 500, learningRate: 0.1, batchSize: 16, seed }).testAcc);
    const cancerAccs = [1, 2, 3, 4, 5].map((seed) => run(cancer, 16, 2, { epochs: 100, learningRate: 0.1, batchSize: 32, seed }).testAcc);
    console.log(`iris seeds 1-5: ${accs.map((a) => a.toFixed(3)).join(' ')}; breast cancer seeds 1-5: ${cancerAccs.map((a) => a.toFixed(3)).join(' ')}`);
    expect(accs.reduce((a, b) => a + b) / accs.length).toBeGreaterThanOrEqual(0.93);
    expect(cancerAccs.reduce((a, b) => a + b) / cancerAccs.length).toBeGreaterThanOrEqual(0.95);
  });
});
