// What the CLI measures (src/cli/metrics.ts): a single Sigmoid output of exactly 0.5 is class 1,
// as the library decides (accuracy, decisionBoundarySvg: p ≥ 0.5); it was class 0 (p > 0.5).
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { accuracy, Matrix, NeuralNetwork, Sigmoid } from '../../src/index.js';
import { classMetrics, predictedClasses } from '../../src/cli/metrics.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../../src/cli/model-file.js';
import { csvRows, run, useFixtures } from './support.js';

const fx = useFixtures();

describe('one Sigmoid output: p ≥ 0.5 is class 1, as in the library', () => {
  it('predictedClasses and classMetrics', () => {
    const out = Matrix.from([[0.5], [0.49999997], [0.50000006], [0], [1]]);
    expect(predictedClasses(out)).toEqual([1, 0, 1, 0, 1]);
    expect(classMetrics(out, 2, [1, 0, 1, 0, 1]).correct).toBe(5);
    // the library's accuracy agrees row by row
    expect(accuracy(out, [[1], [0], [1], [0], [1]])).toBe(1);
    // several columns: still the argmax
    expect(predictedClasses(Matrix.from([[0.5, 0.5], [0.2, 0.8]]))).toEqual([0, 1]);
  });

  it('scratchnet predict with a network whose output is exactly 0.5 predicts class 1', async () => {
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 0 });
    for (let j = 0; j < 2; j++) net.layers[0]!.weights.set(j, 0, 0); // sigmoid(0) = 0.5 for every row
    const doc: ModelFile = {
      format: MODEL_FORMAT, version: MODEL_VERSION, task: 'classification', classes: ['no', 'yes'],
      scaler: { type: 'StandardScaler', mean: [0, 0], scale: [1, 1] }, network: net.toJSON(),
    };
    net.dispose();
    await writeFile(fx.tmp('half.json'), JSON.stringify(doc));
    await writeFile(fx.tmp('half.csv'), 'a,b,y\n1,2,yes\n3,4,no\n');
    const r = await run(['predict', fx.tmp('half.json'), fx.tmp('half.csv'), '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(csvRows(r.stdout)).toEqual([['prediction', 'prob_no', 'prob_yes'], ['yes', '0.5', '0.5'], ['yes', '0.5', '0.5']]);
    expect(r.stderr).toContain('accuracy 0.500 (1/2)');
  });
});
