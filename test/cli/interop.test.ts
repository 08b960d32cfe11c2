// scratchnet export / import (src/cli/export.ts, src/cli/import.ts), in-process through main():
// a trained model file exported with its scalers folded in runs on raw features in
// onnxruntime-web and TensorFlow.js as scratchnet predicts; PyTorch and Keras files imported
// become model files `scratchnet predict` uses; errors are one line.
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Matrix, NeuralNetwork, parseCsv } from '../../src/index.js';
import { defaultIO, type CliIO } from '../../src/cli/io.js';
import { loadModel } from '../../src/cli/model-file.js';
import { maxRelDiff, runOnnx, runTfjs } from '../interop/runtimes.js';
import { csvRows, fails, IRIS, root, run, useFixtures } from './support.js';

const fx = useFixtures();
const tmp = fx.tmp;
let irisModel: string, regModel: string, binModel: string;
const FIX = join(root, 'test/fixtures/interop');

beforeAll(async () => {
  irisModel = tmp('iris-model.json');
  expect((await run(['train', IRIS, '--layers', '8', '--epochs', '20', '--quiet', '--out', irisModel])).code).toBe(0);
  regModel = tmp('reg-model.json');
  expect((await run(['train', tmp('reg.csv'), '--task', 'regression', '--layers', '6', '--epochs', '10', '--quiet', '--out', regModel])).code).toBe(0);
  binModel = tmp('bin-model.json');
  expect((await run(['train', join(root, 'test/fixtures/breast_cancer.csv'), '--layers', '5', '--epochs', '5', '--quiet', '--out', binModel])).code).toBe(0);
});

/** What scratchnet computes for raw rows with a model file (scaled in, target-unscaled out). */
async function scratchnetOutputs(modelFile: string, x: Matrix): Promise<Float32Array> {
  const m = loadModel(await readFile(modelFile, 'utf8'), modelFile);
  try {
    const out = m.net.predict(m.scaler.transform(x));
    return m.targetScaler ? Float32Array.from(m.targetScaler.inverseTransform(out).data) : out.data;
  } finally {
    m.net.dispose();
  }
}

const features = (file: string, drop = 1): Matrix => {
  const rows = csvRows(file).map((r) => r.slice(0, r.length - drop).map(Number)).filter((r) => r.every(Number.isFinite));
  return new Matrix(rows.length, rows[0]!.length, Float32Array.from(rows.flat()));
};

describe('scratchnet export: the scaler folded in, raw features in', () => {
  it('iris (3 classes) as ONNX: onnxruntime-web on raw features gives what scratchnet predicts', async () => {
    const r = await run(['export', irisModel, '--format', 'onnx', '--out', tmp('iris.onnx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*iris\.onnx \(ONNX opset 13, \d+ bytes; input "input" \[N, 4\], output "output" \[N, 3\]; scaler folded in: raw features in, the probabilities of "setosa", "versicolor", "virginica" out\)\n$/);
    const x = parseCsv(await readFile(IRIS, 'utf8')).x;
    const theirs = await runOnnx(new Uint8Array(await readFile(tmp('iris.onnx'))), x.data, [x.rows, 4]);
    expect(maxRelDiff(await scratchnetOutputs(irisModel, x), theirs)).toBeLessThan(1e-5);
  });

  it('a regression model as ONNX: the target scaling folded into the last layer too', async () => {
    expect((await run(['export', regModel, '--format', 'onnx', '--opset', '17', '--out', tmp('reg.onnx'), '--quiet'])).code).toBe(0);
    const x = features(await readFile(tmp('reg.csv'), 'utf8'));
    const theirs = await runOnnx(new Uint8Array(await readFile(tmp('reg.onnx'))), x.data, [x.rows, 2]);
    expect(maxRelDiff(await scratchnetOutputs(regModel, x), theirs)).toBeLessThan(1e-5);
  });

  it('a binary model as TensorFlow.js (a folder with model.json and weights.bin) loads in tfjs', async () => {
    const out = tmp('web_model');
    const r = await run(['export', binModel, '--format', 'tfjs', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('TensorFlow.js layers format; scaler folded in: raw features in, the probability of');
    const modelJson = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    const x = parseCsv(await readFile(join(root, 'test/fixtures/breast_cancer.csv'), 'utf8')).x;
    const theirs = await runTfjs(modelJson, new Uint8Array(await readFile(join(out, 'weights.bin'))), x.data, [x.rows, x.cols]);
    expect(maxRelDiff(await scratchnetOutputs(binModel, x), theirs)).toBeLessThan(1e-5);
  });

  it('a feature far from zero next to its spread (a timestamp): the export warns that float32 loses what the fold cancels', async () => {
    // timestamps around 1.7e9 s spread over ~10 minutes, beside a feature that says the class
    const lines = ['when,signal,label'];
    for (let i = 0; i < 120; i++) {
      const signal = ((i * 37) % 17) / 8 - 1;
      lines.push(`${(1.7e9 + ((i * 7919) % 600)).toFixed(3)},${signal.toFixed(4)},${signal + (((i * 13) % 7) - 3) / 10 > 0 ? 1 : 0}`);
    }
    await writeFile(tmp('times.csv'), lines.join('\n') + '\n');
    expect((await run(['train', tmp('times.csv'), '--layers', '6', '--epochs', '30', '--quiet', '--out', tmp('times.json')])).code).toBe(0);
    const r = await run(['export', tmp('times.json'), '--format', 'onnx', '--out', tmp('times.onnx')]);
    expect(r.code, r.stderr).toBe(0);
    const m = /^scratchnet export: warning: the scaler folded into float32 weights loses about ([\d.e-]+) of a standardized unit in the first layer, mostly through feature "when" \(mean 1700\d+(\.\d+)?, scale [\d.]+: far from zero next to its spread\), so the exported model's predictions can differ from scratchnet predict's; center such a feature/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(r.stderr.split('\n')).toHaveLength(2); // one line
    // the estimate is of the size the exported model actually loses (here well above 1e-4)
    const x = features(await readFile(tmp('times.csv'), 'utf8'));
    const ours = await scratchnetOutputs(tmp('times.json'), x);
    const theirs = await runOnnx(new Uint8Array(await readFile(tmp('times.onnx'))), x.data, [x.rows, 2]);
    const gap = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)));
    expect(Number(m![1])).toBeGreaterThan(1e-4);
    expect(gap).toBeGreaterThan(1e-4);
    // iris' features are near their spread: no warning
    expect((await run(['export', irisModel, '--format', 'onnx', '--out', tmp('iris2.onnx')])).stderr).toBe('');
  });

  it('a bare network (NeuralNetwork.toJSON()) exports as it is', async () => {
    const net = NeuralNetwork.fromONNX(await readFile(join(FIX, 'torch-opset13.onnx')));
    await writeFile(tmp('bare.json'), JSON.stringify(net.toJSON()));
    const r = await run(['export', tmp('bare.json'), '--format', 'onnx', '--out', tmp('bare.onnx')]);
    expect(r.stdout).toContain('a bare network: no scaler to fold');
    const again = NeuralNetwork.fromONNX(await readFile(tmp('bare.onnx')));
    expect(again.toJSON()).toEqual(net.toJSON());
    net.dispose();
    again.dispose();
  });

  it('errors: one line, exit 2 for usage and 1 for files', async () => {
    expect(await fails(['export', irisModel, '--out', tmp('x.onnx')], 2)).toBe('scratchnet export: --format onnx|tfjs is required (see scratchnet help export)');
    expect(await fails(['export', irisModel, '--format', 'pt', '--out', tmp('x.onnx')], 2)).toMatch(/^scratchnet export: --format must be one of onnx, tfjs/);
    expect(await fails(['export', irisModel, '--format', 'onnx'], 2)).toBe('scratchnet export: --out is required: the .onnx file to write');
    expect(await fails(['export', irisModel, '--format', 'tfjs', '--opset', '13', '--out', tmp('w')], 2)).toBe('scratchnet export: --opset is for --format onnx');
    // the message states the range, whatever the bound that was missed (it said "an integer, got ..." for 10, 0, -1)
    for (const opset of ['9', '10', '0', '-1', '18', '13.5', 'x']) {
      expect(await fails(['export', irisModel, '--format', 'onnx', '--opset', opset, '--out', tmp('x.onnx')], 2))
        .toBe(`scratchnet export: --opset must be an integer from 11 to 17, got "${opset}"`);
    }
    expect(await fails(['export', tmp('nope.json'), '--format', 'onnx', '--out', tmp('x.onnx')], 1)).toBe(`scratchnet export: cannot read ${tmp('nope.json')}: no such file`);
    expect(await fails(['export', IRIS, '--format', 'onnx', '--out', tmp('x.onnx')], 1)).toMatch(/^scratchnet export: .*iris\.csv is not a scratchnet model file \(it is not JSON/);
  });
});

describe('scratchnet import: files from PyTorch and Keras become model files predict uses', () => {
  it('a PyTorch ONNX classifier with --classes, then scratchnet predict on iris', async () => {
    const r = await run(['import', join(FIX, 'torch-opset11.onnx'), '--out', tmp('torch.json'), '--classes', 'setosa,versicolor,virginica']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${tmp('torch.json')}: a 4-8-3 (relu, softmax) network from ONNX, a 3-class model file for scratchnet predict\n`);
    const p = await run(['predict', tmp('torch.json'), IRIS, '--quiet']);
    expect(p.code, p.stderr).toBe(0);
    const net = NeuralNetwork.fromONNX(await readFile(join(FIX, 'torch-opset11.onnx')));
    const x = parseCsv(await readFile(IRIS, 'utf8')).x;
    const probs = csvRows(p.stdout).slice(1).map((row) => row.slice(1).map(Number));
    expect(maxRelDiff(probs.flat(), Array.from(net.predict(x).data).map((v) => Number(v.toPrecision(6))))).toBeLessThan(1e-4);
    net.dispose();
  });

  it('a Keras-2-shaped tfjs model.json: its two weight shards read from its folder', async () => {
    const r = await run(['import', join(FIX, 'keras2/model.json'), '--out', tmp('keras2.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('a 4-8-6-3 (relu, leakyRelu, softmax) network from TensorFlow.js, a 3-class model file');
    const doc = JSON.parse(await readFile(tmp('keras2.json'), 'utf8'));
    expect(doc).toMatchObject({ format: 'scratchnet-model', task: 'classification', classes: ['0', '1', '2'], scaler: { mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] } });
  });

  it('a network with two sigmoid outputs becomes a bare network', async () => {
    const r = await run(['import', join(FIX, 'torch-opset13.onnx'), '--out', tmp('two.json')]);
    expect(r.stdout).toContain('a bare network (its 2 sigmoid outputs are not a classifier\'s or a regression\'s): load it with NeuralNetwork.fromJSON');
    const net = NeuralNetwork.fromJSON(JSON.parse(await readFile(tmp('two.json'), 'utf8')));
    expect(net.layerSizes).toEqual([5, 7, 6, 2]);
    net.dispose();
  });

  it('errors: unsupported or hostile files, escaping weight paths, wrong --classes', async () => {
    await writeFile(tmp('trunc.onnx'), (await readFile(join(FIX, 'torch-opset13.onnx'))).subarray(0, 300));
    expect(await fails(['import', tmp('trunc.onnx'), '--out', tmp('y.json')], 1)).toMatch(/^scratchnet import: .*trunc\.onnx: truncated protobuf/);
    const kdir = tmp('k2');
    await mkdir(kdir, { recursive: true });
    const mj = JSON.parse(await readFile(join(FIX, 'keras2/model.json'), 'utf8'));
    mj.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(kdir, 'model.json'), JSON.stringify(mj));
    expect(await fails(['import', join(kdir, 'model.json'), '--out', tmp('y.json')], 1)).toBe(
      `scratchnet import: ${join(kdir, 'model.json')}: the weights file "../../etc/passwd" is not a path inside the model's folder`);
    mj.weightsManifest[0].paths = ['group1-shard1of2.bin'];
    await writeFile(join(kdir, 'model.json'), JSON.stringify(mj));
    await copyFile(join(FIX, 'keras2/group1-shard1of2.bin'), join(kdir, 'group1-shard1of2.bin'));
    expect(await fails(['import', join(kdir, 'model.json'), '--out', tmp('y.json')], 1)).toMatch(/the weights hold 231 bytes, the weightsManifest describes 460/);
    expect(await fails(['import', join(FIX, 'torch-opset11.onnx'), '--out', tmp('y.json'), '--classes', 'a,b'], 2)).toBe(
      'scratchnet import: --classes names 2 classes, the network has 3');
    expect(await fails(['import', join(FIX, 'torch-opset11.onnx')], 2)).toBe('scratchnet import: --out <model.json> is required');
  });
});

describe('import: the weight files of a model.json are bounded by what its weightsManifest describes', () => {
  /** The Keras-2 model.json with a changed weightsManifest, in a folder of its own with its shard files. */
  async function manifest(name: string, change: (m: { paths: string[]; weights: { shape: number[] }[] }[]) => void): Promise<string> {
    const dir = tmp(name);
    await mkdir(dir, { recursive: true });
    const mj = JSON.parse(await readFile(join(FIX, 'keras2/model.json'), 'utf8'));
    change(mj.weightsManifest);
    await writeFile(join(dir, 'model.json'), JSON.stringify(mj));
    for (const shard of ['group1-shard1of2.bin', 'group1-shard2of2.bin']) await copyFile(join(FIX, 'keras2', shard), join(dir, shard));
    return join(dir, 'model.json');
  }
  /** The real files, counting the bytes read. */
  const counting = (): { io: Partial<CliIO>; reads: string[] } => {
    const reads: string[] = [];
    return { reads, io: { readFile: (path, max) => (reads.push(path), defaultIO().readFile(path, max)) } };
  };

  it('one small file listed 10,000 or 1,000 times: refused by the file count, or once the bytes described are read', async () => {
    const file = await manifest('repeated', (m) => void (m[0]!.paths = Array(10_000).fill('group1-shard1of2.bin')));
    const { io, reads } = counting();
    const line = await fails(['import', file, '--out', tmp('rep.json')], 1, io);
    expect(line).toBe(`scratchnet import: ${file}: its weightsManifest lists 10000 weight files, more than the 1024 scratchnet reads`);
    expect(reads).toEqual([file]);
    const again = await manifest('repeated3', (m) => void (m[0]!.paths = Array(1000).fill('group1-shard1of2.bin')));
    const c = counting();
    expect(await fails(['import', again, '--out', tmp('rep.json')], 1, c.io)).toBe(
      `scratchnet import: ${again}: the weight files hold more than the 460 bytes its weightsManifest describes (${join(tmp('repeated3'), 'group1-shard1of2.bin')} is past them)`,
    );
    expect(c.reads).toHaveLength(3); // model.json, the 231 bytes once, then the second refused by its size
  });

  it('a manifest describing a huge tensor is refused before any weight file is read', async () => {
    const file = await manifest('huge', (m) => void (m[0]!.weights[0]!.shape = [1_000_000, 1_000_000]));
    const { io, reads } = counting();
    const started = Date.now();
    expect(await fails(['import', file, '--out', tmp('huge.json')], 1, io)).toMatch(
      new RegExp(`^scratchnet import: .*huge/model\\.json: its weightsManifest describes \\d+ bytes of weights, more than the 256 MiB scratchnet reads$`),
    );
    expect(reads).toEqual([file]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('--out - writes the model file to stdout (the note to stderr), as train does', async () => {
    const r = await run(['import', join(FIX, 'torch-opset11.onnx'), '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'scratchnet-model', task: 'classification' });
    expect(r.stderr).toMatch(/^wrote the model to stdout: a 4-8-3 \(relu, softmax\) network from ONNX/);
    expect((await run(['help', 'import'])).stdout).toContain('the model file to write ("-" = stdout)');
    expect(await fails(['export', irisModel, '--format', 'onnx', '--out', '-'], 2)).toBe(
      'scratchnet export: --out - (stdout) is not for export: give the .onnx file to write (./- for one named "-")');
  });

  it('an ONNX or TensorFlow.js file given to predict or export: "scratchnet import" suggested, no raw bytes', async () => {
    const onnx = join(FIX, 'torch-opset11.onnx');
    for (const cmd of ['predict', 'export']) {
      const args = cmd === 'predict' ? ['predict', onnx, IRIS] : ['export', onnx, '--format', 'tfjs', '--out', tmp('x')];
      expect(await fails(args, 1)).toBe(
        `scratchnet ${cmd}: ${onnx} is an ONNX model, not a scratchnet model file: make one of it with "scratchnet import ${onnx} --out model.json"`);
    }
    const tfjs = join(FIX, 'keras2/model.json');
    expect(await fails(['predict', tfjs, IRIS], 1)).toBe(
      `scratchnet predict: ${tfjs} is a TensorFlow.js model, not a scratchnet model file: make one of it with "scratchnet import ${tfjs} --out model.json"`);
  });
});

describe('scratchnet help import lists what the importers accept', () => {
  /** The "supported: a, b, a leading c" list at the end of an importer's refusal, as names. */
  const supported = (message: string): string[] =>
    (/supported: (.*)$/.exec(message)?.[1] ?? '').split(', ').map((s) => s.replace(/^a leading |^a (?=Transpose)/, ''));

  it('every ONNX op and TensorFlow.js layer the importers name is in the help', async () => {
    const help = (await run(['help', 'import'])).stdout;
    // an ONNX file with an op the importer does not know (Tanh renamed Tanx): its refusal lists what it takes
    const onnx = Buffer.from((await readFile(join(FIX, 'torch-opset13.onnx'))).toString('latin1').replaceAll('Tanh', 'Tanx'), 'latin1');
    let ops: string[] = [];
    try {
      NeuralNetwork.fromONNX(onnx).dispose();
    } catch (e) {
      ops = supported((e as Error).message);
    }
    const tfjs = { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Conv2D', config: { name: 'c' } }] } }, weightsManifest: [] };
    let layers: string[] = [];
    try {
      NeuralNetwork.fromTfjs(tfjs as never, new Uint8Array(0)).dispose();
    } catch (e) {
      layers = supported((e as Error).message);
    }
    expect(ops).toContain('Constant');
    expect(layers).toContain('InputLayer');
    const [onnxPart, tfjsPart] = help.split(/^ {2}TensorFlow\.js/m) as [string, string];
    for (const name of ops) expect(onnxPart, name).toMatch(new RegExp(`\\b${name}\\b`));
    for (const name of layers) expect(tfjsPart, name).toMatch(new RegExp(`\\b${name}\\b`));
    expect(help).toContain('refused with an error naming it and listing what is supported');
  });
});
