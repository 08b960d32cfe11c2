// scratchnet predict (src/cli/predict.ts, src/cli/model-file.ts), in-process through main():
// models trained once in a temp dir, then every predict error: its exit code (1 error, 2 usage)
// and its one-line message; model files that lie (a scaler that overflows float32 included).
import { writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuralNetwork, Softmax } from '../../src/index.js';
import { fails, IRIS, readModel, run, useFixtures } from './support.js';

const fx = useFixtures();
const tmp = fx.tmp;
let model: string, regModel: string;

beforeAll(async () => {
  model = tmp('err-model.json');
  expect((await run(['train', IRIS, '--epochs', '5', '--quiet', '--out', model])).code).toBe(0);
  regModel = tmp('err-reg-model.json');
  expect((await run(['train', tmp('reg.csv'), '--task', 'regression', '--epochs', '2', '--quiet', '--out', regModel])).code).toBe(0);
});

/** The model file with one change, written as `name`. */
async function variant(name: string, change: (d: Record<string, unknown>) => void): Promise<string> {
  const copy = structuredClone(await readModel(model)) as unknown as Record<string, unknown>;
  change(copy);
  await writeFile(tmp(name), JSON.stringify(copy));
  return tmp(name);
}

describe('predict errors: one line on stderr, exit 1 (errors) or 2 (usage), no stack trace', () => {
  it('missing files', async () => {
    expect(await fails(['predict', tmp('nope.json'), IRIS], 1)).toBe(`scratchnet predict: cannot read ${tmp('nope.json')}: no such file`);
    expect(await fails(['predict', model, tmp('nope.csv')], 1)).toBe(`scratchnet predict: cannot read ${tmp('nope.csv')}: no such file`);
  });

  it('bad CSV files', async () => {
    expect(await fails(['predict', model, tmp('bad.csv')], 1)).toContain('model expects 4 features');
  });

  it('the feature count does not match the model', async () => {
    expect(await fails(['predict', model, tmp('three.csv')], 1)).toBe(`scratchnet predict: model expects 4 features, ${tmp('three.csv')} has 3`);
    expect(await fails(['predict', regModel, IRIS], 1)).toBe(
      `scratchnet predict: model expects 2 features (and optionally the label column), ${IRIS} has 5 columns`,
    );
  });

  it('files that are not model files', async () => {
    await writeFile(tmp('not-json.json'), 'hello');
    expect(await fails(['predict', tmp('not-json.json'), IRIS], 1)).toMatch(/is not a scratchnet model file \(it is not JSON: /);
    expect(await fails(['predict', IRIS, IRIS], 1)).toMatch(/iris\.csv is not a scratchnet model file \(it is not JSON/);
    await writeFile(tmp('number.json'), '42');
    expect(await fails(['predict', tmp('number.json'), IRIS], 1)).toContain('is not a scratchnet model file (it holds a number, not an object)');
    await writeFile(tmp('other.json'), '{"name": "something else"}');
    expect(await fails(['predict', tmp('other.json'), IRIS], 1)).toContain('is not a scratchnet model file (no "format": "scratchnet-model")');
    const net = new NeuralNetwork([4, 3], [new Softmax()], { seed: 0 });
    await writeFile(tmp('bare.json'), JSON.stringify(net.toJSON()));
    net.dispose();
    expect(await fails(['predict', tmp('bare.json'), IRIS], 1)).toContain('is a bare network (NeuralNetwork.toJSON()), not a model file');
    const variants: [string, (d: Record<string, unknown>) => void, string][] = [
      ['v2.json', (d) => void (d.version = 2), 'is a model file of version 2; this scratchnet'],
      ['task.json', (d) => void (d.task = 'clustering'), 'task must be "classification" or "regression"'],
      ['scaler.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0, 0, 0], scale: [1, 1, 1, -1] }), 'scaler: scale[3] is -1'],
      ['weights.json', (d) => void ((d.network as { layers: { weights: unknown[] }[] }).layers[0]!.weights[2] = 'x'), 'network: layers[0].weights'],
      ['classes.json', (d) => void (d.classes = ['a', 'b']), 'a 2-class model needs 1 sigmoid output, the network has 3 "softmax"'],
      ['inputs.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0], scale: [1, 1] }), 'the network takes 4 inputs, the scaler 2'],
    ];
    for (const [name, change, message] of variants) {
      const line = await fails(['predict', await variant(name, change), IRIS], 1);
      expect(line).toContain(message);
      expect(line.startsWith(`scratchnet predict: ${tmp(name)} is`)).toBe(true);
    }
  });

  it('usage errors (exit 2)', async () => {
    expect(await fails(['predict', model], 2)).toContain('predict: missing the data file');
    expect(await fails(['predict', model, IRIS, '--layers', '5'], 2)).toContain('unknown option --layers');
  });
});

describe('model files whose numbers float32 cannot use', () => {
  it('a scaler of scale 1e-300 (0 in float32) or mean 1e39 is refused when loading, by name', async () => {
    const tiny = await variant('tiny-scale.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0, 0, 0], scale: [1, 1e-300, 1, 1] }));
    expect(await fails(['predict', tiny, IRIS], 1)).toBe(
      `scratchnet predict: ${tiny} is not a valid scratchnet model: scaler: scale[1] is 1e-300, outside float32's range (1.4e-45 to 3.4e38)`,
    );
    const big = await variant('big-mean.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0, 1e39, 0], scale: [1, 1, 1, 1] }));
    expect(await fails(['predict', big, IRIS], 1)).toContain("scaler: mean[2] is 1e+39, beyond float32's range");
  });

  it('a scale float32 holds but the data overflows once scaled (5.1 / 1e-38): the row and feature are named', async () => {
    const small = await variant('small-scale.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0, 0, 0], scale: [1e-38, 1, 1, 1] }));
    expect(await fails(['predict', small, IRIS], 1)).toMatch(
      /^scratchnet predict: .*iris\.csv: row 1, feature 1: 5\.1 standardized \(mean 0, scale 1e-38\) is beyond float32's range$/,
    );
  });

  it('a network whose weights are finite but overflow on the data (3e38 each): the row is named, no NaN probabilities', async () => {
    const huge = await variant('huge-weights.json', (d) => {
      const layers = (d.network as { layers: { weights: number[] }[] }).layers;
      layers[0]!.weights = layers[0]!.weights.map(() => 3e38);
    });
    expect(await fails(['predict', huge, IRIS], 1)).toMatch(/^scratchnet predict: the network's output for row \d+ is (NaN|-?Infinity): its weights overflow float32 on this row$/);
  });
});

describe('regression predictions beyond float32: the data row named, never a raw library error', () => {
  it('a far-out input whose prediction, in the label\'s units, float32 cannot hold', async () => {
    const linear = tmp('linear-reg.json');
    expect((await run(['train', tmp('reg.csv'), '--task', 'regression', '--layers', 'none', '--epochs', '20', '--quiet', '--out', linear])).code).toBe(0);
    await writeFile(tmp('far.csv'), 'x1,x2\n1,2\n1e37,-1e37\n2e38,-2e38\n0,0\n');
    expect(await fails(['predict', linear, tmp('far.csv')], 1)).toMatch(
      new RegExp(`^scratchnet predict: .*far\\.csv: the prediction for data row 3 is [0-9.]+e\\+3[89], beyond float32's range \\(±3\\.4e38\\) that the network computes in$`),
    );
    const ok = await run(['predict', linear, tmp('reg-features.csv'), '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});