// scratchnet train (src/cli/train.ts), in-process through main() with fake stdout/stderr (files
// are real, in a temp dir): trains on iris (3 classes), breast cancer (binary) and a generated
// regression CSV and predicts with the model files; then every train error: its exit code
// (1 error, 2 usage) and its one-line message, the limits included (epochs, parameters,
// float32 range of --lr and of regression labels).
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/cli/main.js';
import { NeuralNetwork, StandardScaler } from '../../src/index.js';
import { CANCER, csvRows, fails, IRIS, metric, readModel, run, useFixtures } from './support.js';

const fx = useFixtures();
const tmp = fx.tmp;

describe('train and predict', () => {
  it('iris (3 classes, scikit-learn header): Softmax model, held-out accuracy >= 0.9, predictions match the library', async () => {
    const model = tmp('iris.json');
    const r = await run(['train', IRIS, '--layers', '16', '--epochs', '100', '--out', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    console.log(`scratchnet train iris.csv:\n${r.stdout}`);
    expect(r.stdout).toContain('150 rows, 4 features');
    expect(r.stdout).toContain('3 classes: setosa (50), versicolor (50), virginica (50)');
    expect(r.stdout).toContain('120 training rows, 30 validation rows (stratified)');
    expect(r.stdout).toMatch(/^epoch {3}1\/100 {2}loss [\d.]+ {2}acc [\d.]+ {2}val_loss [\d.]+ {2}val_acc [\d.]+$/m);
    expect(r.stdout).toMatch(/^epoch 100\/100 /m);
    expect(metric(r.stdout, 'validation:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    expect(metric(r.stdout, 'train:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    expect(r.stdout).toContain(`wrote ${model}`);

    const doc = await readModel(model);
    expect(doc).toMatchObject({ format: 'scratchnet-model', version: 1, task: 'classification', classes: ['setosa', 'versicolor', 'virginica'], labelIndex: 4 });
    expect(doc.featureNames).toBeUndefined(); // the scikit-learn header names classes, not columns
    expect(doc.scaler.type).toBe('StandardScaler');
    expect(doc.scaler.mean).toHaveLength(4);
    expect(doc.network.layerSizes).toEqual([4, 16, 3]);
    expect(doc.network.activations.map((a) => a.name)).toEqual(['relu', 'softmax']);
    expect(doc.network.training).toMatchObject({ optimizer: { name: 'adam' }, loss: 'softmaxCrossEntropy' });
    // a model file is for predict and export: no optimizer state (Adam's would triple its size)
    expect(doc.network.training!.state).toBeUndefined();

    // predict to a file: CSV of the predicted class and the class probabilities; accuracy on stdout
    const p = await run(['predict', model, IRIS, '--out', tmp('iris-pred.csv')]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain(`wrote 150 predictions to ${tmp('iris-pred.csv')}`);
    expect(metric(p.stdout, '.*iris.csv:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    const rows = csvRows(await readFile(tmp('iris-pred.csv'), 'utf8'));
    expect(rows[0]).toEqual(['prediction', 'prob_setosa', 'prob_versicolor', 'prob_virginica']);
    expect(rows).toHaveLength(151);
    for (const row of rows.slice(1)) {
      const probs = row.slice(1).map(Number);
      expect(probs.reduce((a, b) => a + b)).toBeCloseTo(1, 4);
      expect(row[0]).toBe(['setosa', 'versicolor', 'virginica'][probs.indexOf(Math.max(...probs))]);
    }
    // the same numbers as the library: scaler, then network
    const net = NeuralNetwork.fromJSON(doc.network);
    const irisRows = csvRows(readFileSync(IRIS, 'utf8')).slice(1);
    const picked = [0, 70, 149];
    const x = picked.map((r) => irisRows[r]!.slice(0, 4).map(Number));
    const expected = net.predict(StandardScaler.fromJSON(doc.scaler).transform(x)).toArray();
    net.dispose();
    picked.forEach((r, i) => rows[1 + r]!.slice(1).forEach((v, j) => expect(Number(v)).toBeCloseTo(expected[i]![j]!, 5)));

    // predict to stdout: only CSV there, the accuracy on stderr; a file of features only: no accuracy
    const s = await run(['predict', model, IRIS]);
    expect(s.code).toBe(0);
    expect(s.stdout).toBe(await readFile(tmp('iris-pred.csv'), 'utf8'));
    expect(s.stderr).toMatch(/iris\.csv: accuracy [\d.]+ \(\d+\/150\)/);
    const f = await run(['predict', model, tmp('iris-features.csv')]);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe(s.stdout);
    expect(f.stderr).toBe('');
  });

  it('breast cancer (binary): one Sigmoid output with BCE, two probability columns, validation accuracy >= 0.95', async () => {
    const model = tmp('cancer.json');
    const r = await run(['train', CANCER, '--layers', '16', '--epochs', '30', '--out', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 classes: malignant (212), benign (357)');
    expect(r.stdout).toContain('455 training rows, 114 validation rows (stratified)');
    expect(metric(r.stdout, 'validation:', 'accuracy')).toBeGreaterThanOrEqual(0.95);
    const doc = await readModel(model);
    expect(doc.classes).toEqual(['malignant', 'benign']);
    expect(doc.network.layerSizes).toEqual([30, 16, 1]);
    expect(doc.network.activations.at(-1)!.name).toBe('sigmoid');
    expect(doc.network.training!.loss).toBe('binaryCrossEntropyFromLogits');

    const p = await run(['predict', model, CANCER]);
    expect(p.code, p.stderr).toBe(0);
    const rows = csvRows(p.stdout);
    expect(rows[0]).toEqual(['prediction', 'prob_malignant', 'prob_benign']);
    expect(rows).toHaveLength(570);
    for (const row of rows.slice(1)) {
      expect(Number(row[1]) + Number(row[2])).toBeCloseTo(1, 5);
      expect(row[0]).toBe(Number(row[2]) >= 0.5 ? 'benign' : 'malignant');
    }
    expect(metric(p.stderr, '.*breast_cancer.csv:', 'accuracy')).toBeGreaterThanOrEqual(0.95);
  });

  it('regression: refused without --task regression; with it a Linear output in the target\'s units', async () => {
    const refused = await fails(['train', tmp('reg.csv')], 1);
    expect(refused).toMatch(/the labels \("y"\) are non-integer numbers with \d+ different values/);
    expect(refused).toContain('--task regression');

    const model = tmp('reg.json');
    const r = await run(['train', tmp('reg.csv'), '--task', 'regression', '--layers', '32,16', '--epochs', '150', '--out', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('300 rows, 2 features, label "y"; regression');
    expect(r.stdout).toContain('240 training rows, 60 validation rows;');
    expect(r.stdout).toMatch(/^epoch 150\/150 {2}mse \S+ {2}val_mse \S+$/m);
    expect(metric(r.stdout, 'validation:', 'r2')).toBeGreaterThan(0.97);
    expect(metric(r.stdout, 'validation:', 'rmse')).toBeLessThan(1);
    const doc = await readModel(model);
    expect(doc).toMatchObject({ task: 'regression', featureNames: ['x1', 'x2'], labelName: 'y', labelIndex: 2 });
    expect(doc.classes).toBeUndefined();
    expect(doc.targetScaler!.mean[0]).toBeCloseTo(10, 0);
    expect(doc.network.layerSizes).toEqual([2, 32, 16, 1]);
    expect(doc.network.activations.map((a) => a.name)).toEqual(['relu', 'relu', 'linear']);
    expect(doc.network.training!.loss).toBe('meanSquaredError');

    // predictions in the original units: close to the truth, with and without the label column
    const p = await run(['predict', model, tmp('reg.csv'), '--out', tmp('reg-pred.csv')]);
    expect(p.code, p.stderr).toBe(0);
    expect(metric(p.stdout, '.*reg.csv:', 'mse')).toBeLessThan(1);
    const truth = csvRows(await readFile(tmp('reg.csv'), 'utf8')).slice(1).map((row) => Number(row[2]));
    const pred = csvRows(await readFile(tmp('reg-pred.csv'), 'utf8'));
    expect(pred[0]).toEqual(['prediction']);
    const errors = pred.slice(1).map((row, i) => Math.abs(Number(row[0]) - truth[i]!));
    expect(errors.reduce((a, b) => a + b) / errors.length).toBeLessThan(0.6);
    const q = await run(['predict', model, tmp('reg-features.csv')]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toBe(await readFile(tmp('reg-pred.csv'), 'utf8'));
    expect(q.stderr).toBe('');
  });

  it('named columns and text labels: --label by name, predict matches columns by name, with or without the label', async () => {
    const model = tmp('named.json');
    const r = await run(['train', tmp('named.csv'), '--label', 'species', '--layers', '8', '--epochs', '60', '--activation', 'tanh', '--out', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('label "species"; classification, 3 classes: Iris setosa (50)');
    expect(r.stdout).toContain('init xavier');
    const doc = await readModel(model);
    expect(doc).toMatchObject({
      classes: ['Iris setosa', 'Iris versicolor', 'Iris virginica'],
      featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
      labelName: 'species',
      labelIndex: 4,
    });
    expect(doc.network.activations[0]!.name).toBe('tanh');
    const a = await run(['predict', model, tmp('named.csv')]);
    const b = await run(['predict', model, tmp('reordered.csv')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toContain('reordered by name');
    expect(a.stdout.split('\n')[0]).toBe('prediction,prob_Iris setosa,prob_Iris versicolor,prob_Iris virginica');
    expect(metric(a.stderr, '.*named.csv:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    // labels that are class indices (no header) are read as indices of the model's classes
    const c = await run(['predict', model, tmp('iris-noheader.csv')]);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(a.stdout);
    expect(metric(c.stderr, '.*iris-noheader.csv:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    // labels of other names: the predictions, a warning, no accuracy
    const d = await run(['predict', model, IRIS]);
    expect(d.code).toBe(0);
    expect(d.stdout).toBe(a.stdout);
    expect(d.stderr).toBe(
      'scratchnet predict: warning: row 1\'s label "setosa" is not one of the model\'s classes (Iris setosa, Iris versicolor, Iris virginica); no accuracy\n',
    );
  });

  it('--label by number (1-based, -1 = last), --validation 0, --optimizer and --lr', async () => {
    const r = await run(['train', IRIS, '--label', '-1', '--validation', '0', '--optimizer', 'sgd', '--epochs', '50', '--out', tmp('sgd.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('sgd, lr 0.1, batch 32, 50 epochs');
    expect(r.stdout).toContain('150 training rows, no validation rows');
    expect(r.stdout).not.toMatch(/^validation:/m);
    expect(r.stdout).not.toContain('val_');
    const s = await run(['train', tmp('named.csv'), '--label', '5', '--epochs', '2', '--lr', '0.005', '--optimizer', 'rmsprop', '--batch-size', '10', '--quiet', '--out', tmp('n5.json')]);
    expect(s).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readModel(tmp('n5.json'))).labelName).toBe('species');
  });

  it('the same seed gives the same model file; another seed another one', async () => {
    const args = (seed: string, out: string) => ['train', CANCER, '--epochs', '5', '--seed', seed, '--quiet', '--out', tmp(out)];
    await run(args('7', 'a.json'));
    await run(args('7', 'b.json'));
    await run(args('8', 'c.json'));
    const [a, b, c] = await Promise.all(['a.json', 'b.json', 'c.json'].map((f) => readFile(tmp(f), 'utf8')));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('--out - writes the model to stdout (messages go to stderr)', async () => {
    const r = await run(['train', IRIS, '--epochs', '3', '--out', '-']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ModelFile).format).toBe('scratchnet-model');
    expect(r.stderr).toContain('epoch 3/3');
  });

  it('progress: about 10 lines, --log-every, a redrawn line on a terminal, --patience', async () => {
    const r = await run(['train', IRIS, '--epochs', '20', '--log-every', '5', '--out', tmp('p.json')]);
    expect(r.stdout.match(/^epoch +\d+/gm)!.map((l) => Number(l.slice(6)))).toEqual([1, 5, 10, 15, 20]);
    const d = await run(['train', IRIS, '--epochs', '30', '--out', tmp('p.json')]);
    expect(d.stdout.match(/^epoch /gm)).toHaveLength(11); // 1, 3, 6, ..., 30
    const t = await run(['train', IRIS, '--epochs', '20', '--out', tmp('p.json')], { tty: true });
    expect(t.stdout).toContain('\repoch  1/20');
    expect(t.stdout).toMatch(/\repoch 20\/20 [^\n]*\x1b\[K\n/);
    const e = await run(['train', CANCER, '--epochs', '500', '--patience', '3', '--out', tmp('p.json')]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^epoch +(\d+)\/500 .*\nstopped early after \1 epochs: no improvement for 3 epochs; kept the weights of epoch \d+\n/m);
  });
});

describe('train errors: one line on stderr, exit 1 (errors) or 2 (usage), no stack trace', () => {
  it('missing files', async () => {
    expect(await fails(['train', tmp('nope.csv')], 1)).toBe(`scratchnet train: cannot read ${tmp('nope.csv')}: no such file`);
    expect(await fails(['train', fx.dir], 1)).toBe(`scratchnet train: cannot read ${fx.dir}: it is a directory`);
    expect(await fails(['train', IRIS, '--quiet', '--out', join(fx.dir, 'no-such-dir', 'm.json')], 1)).toBe(
      `scratchnet train: cannot write ${join(fx.dir, 'no-such-dir', 'm.json')}: no such directory`,
    );
  });

  it('bad CSV files, with the line and column', async () => {
    expect(await fails(['train', tmp('bad.csv')], 1)).toBe(`scratchnet train: ${tmp('bad.csv')}: line 3, column 2: "oops" is not a number`);
    expect(await fails(['train', tmp('ragged.csv')], 1)).toBe(`scratchnet train: ${tmp('ragged.csv')}: line 3 has 2 columns, line 1 has 3`);
    expect(await fails(['train', tmp('empty.csv')], 1)).toContain('no data');
    expect(await fails(['train', tmp('semicolons.csv')], 1)).toContain('(is the delimiter ";"? pass --delimiter ";")');
  });

  it('data that cannot be trained on', async () => {
    expect(await fails(['train', tmp('floats.csv')], 1)).toContain('pass --task regression');
    expect(await fails(['train', tmp('named.csv'), '--task', 'regression'], 1)).toContain('--task regression needs numeric labels');
    expect(await fails(['train', tmp('same.csv')], 1)).toBe('scratchnet train: every row has the same label ("0"): there is nothing to learn');
    expect(await fails(['train', IRIS, '--label', 'species'], 1)).toContain('has no header line of column names; give a column number (1 to 5');
    expect(await fails(['train', tmp('named.csv'), '--label', 'colour'], 1)).toContain('has no such column; its columns are sepal length,');
    expect(await fails(['train', IRIS, '--label', '9'], 1)).toBe(`scratchnet train: --label 9: ${IRIS} has 5 columns`);
    expect(await fails(['train', IRIS, '--optimizer', 'sgd', '--lr', '100', '--quiet'], 1)).toMatch(
      /^scratchnet train: training diverged: the loss stopped being a finite number at epoch \d+; try a smaller --lr/,
    );
  });

  it('usage errors: missing arguments, unknown options, bad option values (exit 2)', async () => {
    expect(await fails(['train'], 2)).toContain('train: missing the data file');
    expect(await fails(['train', 'a.csv', 'b.csv'], 2)).toContain('one data file expected, got 2');
    expect(await fails(['train', IRIS, '--epoch', '5'], 2)).toBe('scratchnet train: unknown option --epoch; did you mean --epochs? (see scratchnet help train)');
    expect(await fails(['train', IRIS, '--epochs'], 2)).toContain('--epochs needs a value');
    expect(await fails(['train', IRIS, '--quiet=yes'], 2)).toContain('--quiet does not take a value');
    const bad: [string, string, string][] = [
      ['--epochs', '0', '--epochs must be an integer from 1 to 1000000, got "0"'],
      ['--epochs', 'ten', '--epochs must be an integer from 1 to 1000000, got "ten"'],
      ['--batch-size', '0', '--batch-size must be an integer ≥ 1, got "0"'],
      ['--seed', '-1', '--seed must be an integer from 0 to 4294967295, got "-1"'],
      ['--seed', '4294967296', '--seed must be an integer from 0 to 4294967295, got "4294967296"'],
      ['--lr', '-1', '--lr must be a number > 0, got "-1"'],
      ['--validation', '1', '--validation must be a fraction in [0, 1)'],
      ['--layers', '32,x', '--layers must be hidden layer sizes separated by commas'],
      ['--optimizer', 'adamw', '--optimizer must be one of adam, sgd, momentum, nesterov, rmsprop; got "adamw" (did you mean adam?)'],
      ['--activation', 'gelu', '--activation must be one of relu, tanh, sigmoid, leakyRelu'],
      ['--task', 'cluster', '--task must be one of auto, classification, regression'],
      ['--init', 'zeros', '--init must be one of he, xavier, chapter'],
      ['--label', '0', '--label 0: column numbers start at 1'],
      ['--delimiter', ';;', '--delimiter must be one character'],
    ];
    for (const [flag, value, message] of bad) expect(await fails(['train', IRIS, flag, value], 2)).toContain(message);
    expect(await fails(['train', IRIS, '--header', '--no-header'], 2)).toContain('give --header or --no-header, not both');
  });
});

describe('train limits: bounded work and float32 numbers, each a named one-line error', () => {
  it('--epochs, --patience: at most 1,000,000 (documented in --help); 2^53 − 1 is refused before reading', async () => {
    expect((await run(['help', 'train'])).stdout).toContain('at most 1000000');
    for (const n of ['1000001', String(2 ** 53 - 1), '1' + '0'.repeat(30)]) {
      const line = await fails(['train', tmp('nope.csv'), '--epochs', n], 2);
      expect(line).toBe(`scratchnet train: --epochs must be an integer from 1 to 1000000, got "${n}"`);
    }
    expect(await fails(['train', IRIS, '--patience', '2000000'], 2)).toContain('--patience must be an integer from 1 to 1000000, got "2000000"');
  });

  it('--layers: more parameters than a model file may hold (65536,65536 included) is refused before allocating', async () => {
    const help = (await run(['help', 'train'])).stdout;
    expect(help).toContain('parameters in all');
    for (const layers of ['65536,65536', '4096,4096', '2000000']) {
      const line = await fails(['train', tmp('nope.csv'), '--layers', layers], 2);
      expect(line).toMatch(/--layers (must be hidden layer sizes separated by commas, like 32,16 \(or \"none\"\), each 1 to 65536|\S+ makes a network of \d+ parameters, more than the \d+ a model file may hold)/);
    }
    // the hidden layers fit; with iris's 4 inputs and 3 outputs they do not: found after reading (exit 1)
    expect(await fails(['train', IRIS, '--layers', '4095,4095'], 1)).toMatch(/--layers 4095,4095 makes a network of \d+ parameters/);
  });

  it('--lr: a number float32 can hold (1e39 and 1e-50 would be Infinity and 0 in the kernels)', async () => {
    expect((await run(['help', 'train'])).stdout).toMatch(/--lr <x> .* within float32's range\s+\(1\.2e-38 to 3\.4e38\)/);
    for (const lr of ['1e39', '1e-50', '3.5e38']) {
      expect(await fails(['train', IRIS, '--lr', lr], 2)).toBe(`scratchnet train: --lr ${lr} is outside float32's range (1.2e-38 to 3.4e38), which the kernels compute in`);
    }
  });

  it('regression labels near float32\'s limit: a prediction beyond it names its data row (in file order), no model written', async () => {
    // a step from 3e38 to 3.4e38: the least-squares line overshoots float32's largest number at the top rows
    await writeFile(tmp('step.csv'), ['x,y', ...Array.from({ length: 40 }, (_, i) => `${i},${i < 20 ? 3e38 : 3.4e38}`)].join('\n'));
    for (const validation of ['0.2', '0']) {
      const out = tmp(`step-${validation}.json`);
      const line = await fails(['train', tmp('step.csv'), '--task', 'regression', '--layers', 'none', '--validation', validation, '--quiet', '--out', out], 1);
      expect(line).toMatch(new RegExp(
        `^scratchnet train: .*step\\.csv: the prediction for data row (3\\d|40) is 3\\.4\\d+e\\+38, beyond float32's range \\(±3\\.4e38\\) that the network computes in; no model written`,
      ));
      expect(existsSync(out)).toBe(false);
    }
  });

  it('regression labels beyond float32 (1e300) are named with their row', async () => {
    const rows = ['a,b,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i * 2},${i === 7 ? '1e300' : i * 3}`)];
    await writeFile(tmp('huge-labels.csv'), rows.join('\n'));
    expect(await fails(['train', tmp('huge-labels.csv'), '--task', 'regression'], 1)).toBe(
      `scratchnet train: ${tmp('huge-labels.csv')}: the label of data row 8 is 1e+300, beyond float32's range (±3.4e38) that the network computes in`,
    );
  });
});

describe('--task auto, as its help describes it', () => {
  it('classes for names (at most 100) and integers (at most 20); anything else asks for --task, never picks regression', async () => {
    const help = (await run(['help', 'train'])).stdout;
    expect(help.replace(/\s+/g, ' ')).toContain('other labels stop with an error asking for --task: auto never picks regression');
    const labels = async (name: string, label: (i: number) => string): Promise<string> => {
      await writeFile(tmp(name), ['a,y', ...Array.from({ length: 210 }, (_, i) => `${i % 7},${label(i)}`)].join('\n'));
      return tmp(name);
    };
    const quiet = ['--epochs', '1', '--validation', '0', '--quiet'];
    expect((await run(['train', await labels('int20.csv', (i) => String(i % 20)), ...quiet, '--out', tmp('int20.json')])).code).toBe(0);
    expect((await readModel(tmp('int20.json'))).task).toBe('classification');
    expect((await run(['train', await labels('names100.csv', (i) => `c${i % 100}`), ...quiet, '--out', tmp('names100.json')])).code).toBe(0);
    expect((await readModel(tmp('names100.json'))).task).toBe('classification');
    expect(await fails(['train', await labels('int21.csv', (i) => String(i % 21)), ...quiet], 1)).toContain(
      'are numbers with 21 different values: to predict a number pass --task regression; to treat them as classes pass --task classification');
    expect(await fails(['train', await labels('float.csv', (i) => String(i / 2)), ...quiet], 1)).toContain('non-integer numbers');
    expect(await fails(['train', await labels('names101.csv', (i) => `c${i % 101}`), ...quiet], 1)).toContain(
      'has 101 different values in 210 rows, too many to be classes');
  });
});
