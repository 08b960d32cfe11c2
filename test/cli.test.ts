// The command line (src/cli.ts): `main()` called in-process with fake stdout/stderr (files are
// real, in a temp dir), then once the built dist/cli.js as a child process. Trains and predicts
// on iris (3 classes), breast cancer (binary) and a generated regression CSV; help and version;
// and every error path: its exit code (1 error, 2 usage) and its one-line message.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type ModelFile } from '../src/cli.js';
import { init, NeuralNetwork, Softmax, StandardScaler } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string): string => join(root, 'test', 'fixtures', name);
const IRIS = fixture('iris.csv');
const CANCER = fixture('breast_cancer.csv');
const pkgVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `scratchnet ...args`, in-process. */
async function run(args: string[], options: { tty?: boolean } = {}): Promise<Run> {
  let stdout = '', stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => void (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => void (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** An error run: the exit code, and exactly one line on stderr with no stack trace. */
async function fails(args: string[], code: 1 | 2): Promise<string> {
  const r = await run(args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^scratchnet[ :]/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

const csvRows = (text: string): string[][] => text.trimEnd().split('\n').map((l) => l.split(','));
const metric = (text: string, line: string, name: string): number => {
  const m = new RegExp(`^${line}.*\\b${name} ([0-9.e+-]+)`, 'm').exec(text);
  if (!m) throw new Error(`no ${name} on a "${line}" line in:\n${text}`);
  return Number(m[1]);
};

let dir: string;
const tmp = (name: string): string => join(dir, name);
const readModel = async (path: string): Promise<ModelFile> => JSON.parse(await readFile(path, 'utf8')) as ModelFile;

beforeAll(async () => {
  await init();
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-cli-'));
  // regression: y = 3·x1 − 2·x2 + x1·x2 + 10 (+ small noise), 300 rows, a header of names
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
  const lines = ['x1,x2,y'];
  for (let i = 0; i < 300; i++) {
    const x1 = rand(), x2 = rand();
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${(3 * x1 - 2 * x2 + x1 * x2 + 10 + rand() * 0.05).toFixed(4)}`);
  }
  await writeFile(tmp('reg.csv'), lines.join('\n') + '\n');
  await writeFile(tmp('reg-features.csv'), lines.map((l) => l.split(',').slice(0, 2).join(',')).join('\n') + '\n');
  // iris with column names and text labels (quoted, with a space), and its columns reordered
  const iris = csvRows(readFileSync(IRIS, 'utf8')).slice(1);
  const names = ['Iris setosa', 'Iris versicolor', 'Iris virginica'];
  await writeFile(
    tmp('named.csv'),
    ['sepal length,sepal width,petal length,petal width,species', ...iris.map((r) => `${r.slice(0, 4).join(',')},"${names[Number(r[4])]}"`)].join('\n'),
  );
  await writeFile(
    tmp('reordered.csv'),
    ['species,petal width,petal length,sepal width,sepal length', ...iris.map((r) => `${names[Number(r[4])]},${r.slice(0, 4).reverse().join(',')}`)].join('\n'),
  );
  await writeFile(tmp('iris-features.csv'), iris.map((r) => r.slice(0, 4).join(',')).join('\n'));
  await writeFile(tmp('iris-noheader.csv'), iris.map((r) => r.join(',')).join('\n'));
  await writeFile(tmp('same.csv'), '1,2,0\n3,4,0\n5,6,0\n');
  await writeFile(tmp('three.csv'), iris.slice(0, 5).map((r) => r.slice(0, 3).join(',')).join('\n'));
  await writeFile(tmp('bad.csv'), 'a,b,label\n1,2,0\n3,oops,1\n4,5,0\n');
  await writeFile(tmp('ragged.csv'), '1,2,0\n3,4,1\n5,1\n');
  await writeFile(tmp('semicolons.csv'), '1;2;0\n3;4;1\n');
  await writeFile(tmp('empty.csv'), '\n\n');
  await writeFile(tmp('floats.csv'), 'a,b\n1,0.5\n2,1.5\n3,2.25\n4,3.125\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('help and version', () => {
  it('--help, -h and help: the commands and examples on stdout, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('scratchnet train <data.csv> [options]');
      expect(r.stdout).toContain('scratchnet predict <model.json> <data.csv> [options]');
      expect(r.stdout).toContain('scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json');
    }
  });

  it('help train / train --help list every option; help predict / predict --help', async () => {
    const a = await run(['help', 'train']), b = await run(['train', '--help']);
    expect(a.code).toBe(0);
    expect(b).toEqual(a);
    for (const opt of ['--label', '--task', '--layers', '--activation', '--epochs', '--lr', '--optimizer', '--batch-size', '--validation', '--seed', '--init', '--quiet', '--out']) {
      expect(a.stdout).toContain(opt);
    }
    const c = await run(['help', 'predict']), d = await run(['predict', '-h']);
    expect(c.code).toBe(0);
    expect(d).toEqual(c);
    expect(c.stdout).toContain('Usage: scratchnet predict <model.json> <data.csv>');
    expect(c.stdout).toContain('prob_<class>');
  });

  it('no arguments: the help on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage:');
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r).toEqual({ code: 0, stdout: `scratchnet ${pkgVersion}\n`, stderr: '' });
    }
  });
});

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

describe('errors: one line on stderr, exit 1 (errors) or 2 (usage), no stack trace', () => {
  let model: string, regModel: string;
  beforeAll(async () => {
    model = tmp('err-model.json');
    expect((await run(['train', IRIS, '--epochs', '5', '--quiet', '--out', model])).code).toBe(0);
    regModel = tmp('err-reg-model.json');
    expect((await run(['train', tmp('reg.csv'), '--task', 'regression', '--epochs', '2', '--quiet', '--out', regModel])).code).toBe(0);
  });

  it('missing files', async () => {
    expect(await fails(['train', tmp('nope.csv')], 1)).toBe(`scratchnet train: cannot read ${tmp('nope.csv')}: no such file`);
    expect(await fails(['predict', tmp('nope.json'), IRIS], 1)).toBe(`scratchnet predict: cannot read ${tmp('nope.json')}: no such file`);
    expect(await fails(['predict', model, tmp('nope.csv')], 1)).toBe(`scratchnet predict: cannot read ${tmp('nope.csv')}: no such file`);
    expect(await fails(['train', dir], 1)).toBe(`scratchnet train: cannot read ${dir}: it is a directory`);
    expect(await fails(['train', IRIS, '--quiet', '--out', join(dir, 'no-such-dir', 'm.json')], 1)).toBe(
      `scratchnet train: cannot write ${join(dir, 'no-such-dir', 'm.json')}: no such directory`,
    );
  });

  it('bad CSV files, with the line and column', async () => {
    expect(await fails(['train', tmp('bad.csv')], 1)).toBe(`scratchnet train: ${tmp('bad.csv')}: line 3, column 2: "oops" is not a number`);
    expect(await fails(['train', tmp('ragged.csv')], 1)).toBe(`scratchnet train: ${tmp('ragged.csv')}: line 3 has 2 columns, line 1 has 3`);
    expect(await fails(['train', tmp('empty.csv')], 1)).toContain('no data');
    expect(await fails(['train', tmp('semicolons.csv')], 1)).toContain('(is the delimiter ";"? pass --delimiter ";")');
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
    const doc = await readModel(model);
    const variants: [string, (d: Record<string, unknown>) => void, string][] = [
      ['v2.json', (d) => void (d.version = 2), 'is a model file of version 2; this scratchnet'],
      ['task.json', (d) => void (d.task = 'clustering'), 'task must be "classification" or "regression"'],
      ['scaler.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0, 0, 0], scale: [1, 1, 1, -1] }), 'scaler: scale[3] is -1'],
      ['weights.json', (d) => void ((d.network as { layers: { weights: unknown[] }[] }).layers[0]!.weights[2] = 'x'), 'network: layers[0].weights'],
      ['classes.json', (d) => void (d.classes = ['a', 'b']), 'a 2-class model needs 1 sigmoid output, the network has 3 "softmax"'],
      ['inputs.json', (d) => void (d.scaler = { type: 'StandardScaler', mean: [0, 0], scale: [1, 1] }), 'the network takes 4 inputs, the scaler 2'],
    ];
    for (const [name, change, message] of variants) {
      const copy = structuredClone(doc) as unknown as Record<string, unknown>;
      change(copy);
      await writeFile(tmp(name), JSON.stringify(copy));
      const line = await fails(['predict', tmp(name), IRIS], 1);
      expect(line).toContain(message);
      expect(line.startsWith(`scratchnet predict: ${tmp(name)} is`)).toBe(true);
    }
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

  it('usage errors: unknown command or option, missing arguments, bad option values (exit 2)', async () => {
    expect(await fails(['trian', 'x.csv'], 2)).toContain('unknown command "trian"; did you mean train?');
    expect(await fails(['data.csv'], 2)).toContain('did you mean scratchnet train data.csv?');
    expect(await fails(['help', 'fly'], 2)).toContain('help: no command "fly"');
    expect(await fails(['train'], 2)).toContain('train: missing the data file');
    expect(await fails(['train', 'a.csv', 'b.csv'], 2)).toContain('one data file expected, got 2');
    expect(await fails(['predict', model], 2)).toContain('predict: missing the data file');
    expect(await fails(['train', IRIS, '--epoch', '5'], 2)).toBe('scratchnet train: unknown option --epoch; did you mean --epochs? (see scratchnet help train)');
    expect(await fails(['predict', model, IRIS, '--layers', '5'], 2)).toContain('unknown option --layers');
    expect(await fails(['train', IRIS, '--epochs'], 2)).toContain('--epochs needs a value');
    expect(await fails(['train', IRIS, '--quiet=yes'], 2)).toContain('--quiet does not take a value');
    const bad: [string, string, string][] = [
      ['--epochs', '0', '--epochs must be an integer ≥ 1, got "0"'],
      ['--epochs', 'ten', '--epochs must be an integer ≥ 1, got "ten"'],
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

  it('--debug adds the stack trace', async () => {
    const r = await run(['train', tmp('bad.csv'), '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`scratchnet train: ${tmp('bad.csv')}: line 3, column 2: "oops" is not a number`);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('the built dist/cli.js, as a child process', () => {
  const cli = join(root, 'dist', 'cli.js');
  const exec = promisify(execFile);
  it.skipIf(!existsSync(cli))('starts with a shebang, prints its version, trains and predicts, exits 1/2 on errors', async () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const v = await exec(process.execPath, [cli, '--version']);
    expect(v.stdout).toBe(`scratchnet ${pkgVersion}\n`);
    const model = tmp('child.json');
    const t = await exec(process.execPath, [cli, 'train', IRIS, '--layers', '16', '--epochs', '100', '--out', model]);
    expect(metric(t.stdout, 'validation:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    const p = await exec(process.execPath, [cli, 'predict', model, IRIS]);
    expect(p.stdout.split('\n')[0]).toBe('prediction,prob_setosa,prob_versicolor,prob_virginica');
    expect(p.stderr).toMatch(/accuracy 0\.9\d+|accuracy 1\.000/);
    const codeOf = (args: string[]) =>
      exec(process.execPath, [cli, ...args]).then(() => 0, (e: { code: number; stderr: string }) => [e.code, e.stderr] as const);
    const [c1, e1] = (await codeOf(['predict', model, tmp('three.csv')])) as [number, string];
    expect(c1).toBe(1);
    expect(e1).toBe(`scratchnet predict: model expects 4 features, ${tmp('three.csv')} has 3\n`);
    const [c2, e2] = (await codeOf(['train', IRIS, '--bogus'])) as [number, string];
    expect(c2).toBe(2);
    expect(e2).toContain('unknown option --bogus');
  });
});
