// TensorFlow.js layers format (src/interop/tfjs.ts, NeuralNetwork.toTfjs / fromTfjs), checked by
// @tensorflow/tfjs loading the files, by a model tfjs itself saved, and by Keras 2 and Keras 3
// shaped converter files (test/fixtures/interop/keras2, keras3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  Activation, backendInfo, init, LeakyReLU, Linear, Matrix, NeuralNetwork, ReLU, Sigmoid, Softmax, Tanh,
} from '../../src/index.js';
import { expectRejects } from '../support/rejects.js';
import { maxRelDiff, runTfjs, tf, uniform } from './runtimes.js';

const FIX = new URL('../fixtures/interop/', import.meta.url);
const measured: Record<string, number> = {};
const record = (key: string, d: number): number => ((measured[key] = Math.max(measured[key] ?? 0, d)), d);

beforeAll(async () => {
  await init();
});
afterAll(() => {
  console.log('interop tfjs: max relative differences', JSON.stringify(measured));
});

const ACTS: [string, () => Activation][] = [
  ['relu', () => new ReLU()], ['sigmoid', () => new Sigmoid()], ['tanh', () => new Tanh()],
  ['leakyRelu', () => new LeakyReLU(0.07)], ['linear', () => new Linear()], ['softmax', () => new Softmax()],
];

async function checkAgainstTfjs(net: NeuralNetwork, rows: number, seed: number, key: string): Promise<void> {
  const x = uniform(rows * net.inputSize, seed);
  const ours = net.predict(new Matrix(rows, net.inputSize, x)).data;
  const { modelJson, weights } = net.toTfjs();
  const text = JSON.stringify(modelJson); // what a user writes to model.json
  const theirs = await runTfjs(JSON.parse(text), weights, x, [rows, net.inputSize]);
  expect(record(key, maxRelDiff(ours, theirs))).toBeLessThan(1e-5);
  const back = NeuralNetwork.fromTfjs(text, weights);
  try {
    const { training: _, ...doc } = net.toJSON();
    expect(back.toJSON()).toEqual(doc);
    expect(back.predict(new Matrix(rows, net.inputSize, x)).data).toEqual(ours);
  } finally {
    back.dispose();
  }
}

describe('toTfjs loads in tf.loadLayersModel, fromTfjs(toTfjs(net)) is exact', () => {
  for (const [name, make] of ACTS) {
    it(`${name} as the hidden and the output activation, sizes 5-7-3`, async () => {
      const net = new NeuralNetwork([5, 7, 3], [make(), make()], { seed: 3, init: 'he' });
      await checkAgainstTfjs(net, 9, 1, name);
      net.dispose();
    });
  }

  it('odd sizes: 1-1, 1-3-1 and 13-17-11-7 with two LeakyReLU slopes', async () => {
    for (const [sizes, acts] of [
      [[1, 1], [new Sigmoid()]],
      [[1, 3, 1], [new Tanh(), new Linear()]],
      [[13, 17, 11, 7], [new LeakyReLU(0.2), new LeakyReLU(), new Softmax()]],
    ] as [number[], Activation[]][]) {
      const net = new NeuralNetwork(sizes, acts, { seed: 5, init: 'xavier' });
      await checkAgainstTfjs(net, 3, 2, 'odd sizes');
      net.dispose();
    }
  });

  it('784-256-128-10 (relu, relu, softmax), a batch of 32', async () => {
    const net = new NeuralNetwork([784, 256, 128, 10], [new ReLU(), new ReLU(), new Softmax()], { seed: 9, init: 'he' });
    await checkAgainstTfjs(net, 32, 3, '784-256-128-10');
    net.dispose();
  });

  it('writes named Dense layers, batch_input_shape, a LeakyReLU layer with our slope, kernel [in, out]', () => {
    const net = new NeuralNetwork([3, 4, 2], [new LeakyReLU(), new Sigmoid()], { seed: 2 });
    const { modelJson, weights } = net.toTfjs();
    const layers = modelJson.modelTopology.config.layers;
    expect(layers.map((l) => [l.class_name, l.config.name])).toEqual([['Dense', 'dense'], ['LeakyReLU', 'leaky_re_lu'], ['Dense', 'dense_1']]);
    expect(layers[0]!.config).toMatchObject({ units: 4, activation: 'linear', batch_input_shape: [null, 3] });
    expect(layers[1]!.config.alpha).toBe(0.01);
    expect(modelJson.weightsManifest[0]!.weights.map((w) => [w.name, w.shape])).toEqual([
      ['dense/kernel', [3, 4]], ['dense/bias', [4]], ['dense_1/kernel', [4, 2]], ['dense_1/bias', [2]],
    ]);
    expect(new Float32Array(weights.slice(0, 48).buffer)).toEqual(net.layers[0]!.weights.data);
    net.dispose();
  });
});

describe('fromTfjs reads files written by others', () => {
  it('a model TensorFlow.js itself built and saved (model.save), predictions as tfjs gives them', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 6, activation: 'tanh' }),
        tf.layers.dense({ units: 5 }),
        tf.layers.leakyReLU({ alpha: 0.15 }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const art = saved! as tf.io.ModelArtifacts;
    const modelJson = { format: 'layers-model', modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] };
    const x = uniform(7 * 4, 11);
    const theirs = tf.tidy(() => (model.predict(tf.tensor2d(x, [7, 4])) as tf.Tensor).dataSync());
    const net = NeuralNetwork.fromTfjs(JSON.parse(JSON.stringify(modelJson)), new Uint8Array(art.weightData as ArrayBuffer));
    expect(net.layerSizes).toEqual([4, 6, 5, 3]);
    expect(net.toJSON().activations).toEqual([{ name: 'tanh' }, { name: 'leakyRelu', slope: 0.15 }, { name: 'softmax' }]);
    expect(record('saved by tfjs', maxRelDiff(net.predict(new Matrix(7, 4, x)).data, theirs))).toBeLessThan(1e-5);
    net.dispose();
    model.dispose();
  });

  /** What `model.save()` writes, as model.json and the weights' bytes. */
  async function saved(model: tf.LayersModel, options?: tf.io.SaveConfig): Promise<{ modelJson: any; weights: Uint8Array }> {
    let art: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => {
      art = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), options);
    const a = art! as tf.io.ModelArtifacts;
    const modelJson = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    return { modelJson: JSON.parse(JSON.stringify(modelJson)), weights: new Uint8Array(a.weightData as ArrayBuffer) };
  }

  it('a Softmax layer with tfjs\' default axis (1, the units after a Dense layer), and a ReLU layer', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 5 }), tf.layers.reLU(), tf.layers.dense({ units: 4 }), tf.layers.softmax()] });
    const { modelJson, weights } = await saved(model);
    expect(modelJson.modelTopology.config.layers.at(-1).config.axis).toBe(1);
    const net = NeuralNetwork.fromTfjs(modelJson, weights);
    const x = uniform(6 * 3, 21);
    const theirs = tf.tidy(() => (model.predict(tf.tensor2d(x, [6, 3])) as tf.Tensor).dataSync());
    expect(net.toJSON().activations).toEqual([{ name: 'relu' }, { name: 'softmax' }]);
    expect(record('softmax layer', maxRelDiff(net.predict(new Matrix(6, 3, x)).data, theirs))).toBeLessThan(1e-5);
    net.dispose();
    model.dispose();
  });

  it('a model saved with its optimizer (includeOptimizer): the optimizer\'s entries (int32 step count, moments) are skipped', async () => {
    await tf.setBackend('cpu');
    for (const optimizer of ['adam', 'sgd', 'rmsprop']) {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
      model.compile({ optimizer, loss: 'binaryCrossentropy' });
      const xs = tf.tensor2d(uniform(16 * 3, 5), [16, 3]), ys = tf.tensor2d(Float32Array.from(uniform(16, 6), (v) => (v > 0 ? 1 : 0)), [16, 1]);
      await model.fit(xs, ys, { epochs: 2, verbose: 0 });
      const { modelJson, weights } = await saved(model, { includeOptimizer: true });
      expect(modelJson.weightsManifest[0].weights.some((w: { dtype: string }) => w.dtype === 'int32'), optimizer).toBe(true);
      const net = NeuralNetwork.fromTfjs(modelJson, weights);
      const x = uniform(5 * 3, 22);
      const theirs = tf.tidy(() => (model.predict(tf.tensor2d(x, [5, 3])) as tf.Tensor).dataSync());
      expect(record('saved with optimizer', maxRelDiff(net.predict(new Matrix(5, 3, x)).data, theirs)), optimizer).toBeLessThan(1e-5);
      net.dispose();
      tf.dispose([xs, ys]);
      model.dispose();
    }
  });

  it('a leading Flatten with data_format channels_first: the first kernel\'s rows follow the input as it is flattened', async () => {
    await tf.setBackend('cpu');
    for (const inputShape of [[2, 3], [3, 2, 2], [1, 5]]) {
      // seeded weights: unseeded, some draws put an output near 0, where f32 sums in another
      // order differ by more than 1e-5 of maxRelDiff's 0.01 floor (1e-7) and the test was flaky
      const kernelInitializer = tf.initializers.glorotUniform({ seed: 11 });
      const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape, dataFormat: 'channelsFirst' }), tf.layers.dense({ units: 3, activation: 'tanh', kernelInitializer })] });
      const { modelJson, weights } = await saved(model);
      const n = inputShape.reduce((a, b) => a * b, 1);
      const x = uniform(4 * n, 23);
      const theirs = tf.tidy(() => (model.predict(tf.tensor(x, [4, ...inputShape])) as tf.Tensor).dataSync());
      const net = NeuralNetwork.fromTfjs(modelJson, weights);
      expect(record('flatten channels_first', maxRelDiff(net.predict(new Matrix(4, n, x)).data, theirs)), `${inputShape}`).toBeLessThan(1e-5);
      net.dispose();
      // without the input's shape the order cannot be known: a named Error
      delete modelJson.modelTopology.config.layers[0].config.batch_input_shape;
      expectRejects(() => NeuralNetwork.fromTfjs(modelJson, weights), /Flatten with data_format channels_first needs the input shape \(batch_input_shape, on the first layer\)/);
      model.dispose();
    }
  });

  for (const name of ['keras2', 'keras3']) {
    it(`${name}-shaped converter output in two shards (outputs stored beside it)`, () => {
      const dir = new URL(`${name}/`, FIX);
      const modelJson = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
      const shards = (modelJson.weightsManifest[0].paths as string[]).map((p) => new Uint8Array(readFileSync(new URL(p, dir))));
      const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { input: number[][]; output: number[][] };
      const net = NeuralNetwork.fromTfjs(modelJson, shards);
      expect(record(`fixture ${name}`, maxRelDiff(net.predict(expected.input).data, expected.output.flat()))).toBeLessThan(1e-5);
      expect(net.toJSON().activations[1]).toEqual({ name: 'leakyRelu', slope: name === 'keras2' ? 0.3 : 0.2 });
      net.dispose();
    });
  }

  it('the Keras 2 fixture gives the same outputs in tfjs itself (the fixture is a file tfjs reads)', async () => {
    const dir = new URL('keras2/', FIX);
    const modelJson = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
    const weights = new Uint8Array(Buffer.concat((modelJson.weightsManifest[0].paths as string[]).map((p) => readFileSync(new URL(p, dir)))));
    const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { input: number[][]; output: number[][] };
    const theirs = await runTfjs(modelJson, weights, Float32Array.from(expected.input.flat()), [expected.input.length, 4]);
    expect(maxRelDiff(theirs, expected.output.flat())).toBeLessThan(1e-5);
  });
});

describe('fromTfjs refuses bad files with named errors, memory unchanged', () => {
  const good = (): { modelJson: any; weights: Uint8Array } => {
    const net = new NeuralNetwork([3, 4, 2], [new ReLU(), new Sigmoid()], { seed: 6 });
    const t = net.toTfjs();
    net.dispose();
    return { modelJson: JSON.parse(JSON.stringify(t.modelJson)), weights: t.weights };
  };
  const cases: [string, (m: any, w: Uint8Array) => [unknown, unknown], RegExp][] = [
    ['text that is not JSON', (_m, w) => ['{"format":', w], /model\.json is not valid JSON/],
    ['a graph model', (m, w) => [{ ...m, modelTopology: undefined, format: 'graph-model' }, w], /no modelTopology object \(is it a graph model\?/],
    ['a functional model', (m, w) => (m.modelTopology.class_name = 'Functional', [m, w]), /the model is a "Functional"; supported: Sequential/],
    ['an unsupported layer', (m, w) => (m.modelTopology.config.layers.splice(1, 0, { class_name: 'Conv2D', config: { name: 'conv' } }), [m, w]),
      /layers\[1\] \("Conv2D" "conv"\): unsupported layer "Conv2D"; supported: InputLayer, Dense, LeakyReLU/],
    ['an unsupported activation', (m, w) => (m.modelTopology.config.layers[0].config.activation = 'selu', [m, w]), /unsupported activation "selu"/],
    ['two activations on one Dense', (m, w) => (m.modelTopology.config.layers.splice(1, 0, { class_name: 'Activation', config: { name: 'act', activation: 'tanh' } }), [m, w]),
      /follows layer "dense", which already has the activation relu/],
    ['weights missing', (m, w) => (m.weightsManifest[0].weights[0].name = 'other/kernel', [m, w]), /no weights named "dense\/kernel" in the weightsManifest/],
    ['too few bytes', (m, w) => [m, w.subarray(0, w.length - 4)], /the weights hold 100 bytes, the weightsManifest describes 104/],
    ['int32 weights', (m, w) => (m.weightsManifest[0].weights[0].dtype = 'int32', [m, w]), /has dtype "int32" \(a string\); supported: float32/],
    ['quantized weights', (m, w) => (m.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 }, [m, w]), /is quantized/],
    ['a weight of dtype string (no fixed size)', (m, w) => (m.weightsManifest[0].weights.push({ name: 'vocab', shape: [2], dtype: 'string' }), [m, w]),
      /weights\[4\] \("vocab"\) has dtype "string" \(a string\); supported: float32 \(and int32, float16, int16, uint16, int8, uint8, bool, complex64 for weights that are not read\)/],
    ['a dtype named like an Object method', (m, w) => (m.weightsManifest[0].weights.push({ name: 'x', shape: [1], dtype: 'toString' }), [m, w]), /has dtype "toString"/],
    ['an input shape with a negative or fractional dimension', (m, w) => (m.modelTopology.config.layers[0].config.batch_input_shape = [null, -3], [m, w]),
      /the input shape \[null,-3\] has a dimension that is not a positive integer/],
    ['a Flatten with an unknown data_format', (m, w) => (m.modelTopology.config.layers.unshift({ class_name: 'Flatten', config: { name: 'f', data_format: 'bogus', batch_input_shape: [null, 3] } }), [m, w]),
      /layers\[0\] \("Flatten" "f"\): data_format "bogus" \(a string\); supported: channels_last, channels_first/],
    ['a channels_first Flatten whose input shape only a later layer gives', (m, w) => (m.modelTopology.config.layers.unshift({ class_name: 'Flatten', config: { name: 'f', data_format: 'channels_first' } }), [m, w]),
      /layers\[0\] \("Flatten" "f"\): Flatten with data_format channels_first needs the input shape \(batch_input_shape, on the first layer\)/],
    ['a Softmax layer on axis 0', (m, w) => (m.modelTopology.config.layers.push({ class_name: 'Softmax', config: { name: 'sm', axis: 0 } }), m.modelTopology.config.layers[1].config.activation = 'linear', [m, w]),
      /layers\[2\] \("Softmax" "sm"\): Softmax axis 0; supported: -1 or 1/],
    ['a huge shape with few bytes', (m, w) => (m.weightsManifest[0].weights[0].shape = [3, 1e9], [m, w]), /has shape \[3,1000000000\]/],
    ['huge units', (m, w) => (m.modelTopology.config.layers[0].config.units = 2 ** 40, [m, w]), /units must be an integer in \[1, 1048576\]/],
    ['a kernel shape that does not chain', (m, w) => (m.weightsManifest[0].weights[2].shape = [2, 2], [m, w.subarray(0, 88)]), /weights "dense_1\/kernel" have shape \[2,2\], expected \[4, 2\]/],
    ['a non-finite weight', (m, w) => {
      const bad = w.slice();
      new DataView(bad.buffer).setFloat32(8, Infinity, true);
      return [m, bad];
    }, /weights "dense\/kernel"\[2\] is Infinity, not a finite float32 number/],
    ['weights that are not bytes', (m) => [m, [1, 2, 3]], /weights\[0\] must be a Uint8Array or ArrayBuffer, got 1/],
    ['a detached weights buffer', (m, w) => [m, detached(w)], /^NeuralNetwork\.fromTfjs: weights: bytes cannot be read \(.*detached/],
    ['a detached shard', (m, w) => [m, [w.subarray(0, 16), detached(w.subarray(16))]], /^NeuralNetwork\.fromTfjs: weights\[1\]: bytes cannot be read/],
    // a LeakyReLU slope is checked here, naming the layer and the key (not left for fromJSON)
    ['a LeakyReLU alpha that overflows float32', (m, w) => leaky(m, w, { alpha: 1e39 }),
      /^NeuralNetwork\.fromTfjs: layers\[1\] \("LeakyReLU" "lr"\): the slope \(alpha\) is 1e\+39, which overflows float32/],
    ['a LeakyReLU negative_slope of NaN', (m, w) => leaky(m, w, { negative_slope: NaN }),
      /^NeuralNetwork\.fromTfjs: layers\[1\] \("LeakyReLU" "lr"\): the slope \(negative_slope\) must be a finite number, got NaN/],
    ['a LeakyReLU alpha that is text', (m, w) => leaky(m, w, { alpha: '0.2' }), /the slope \(alpha\) must be a finite number, got "0\.2" \(a string\)/],
  ];
  /** The bytes of `w` in an ArrayBuffer that is then detached (transferred away). */
  function detached(w: Uint8Array): ArrayBuffer {
    const buffer = w.slice().buffer;
    structuredClone(buffer, { transfer: [buffer] });
    return buffer;
  }
  /** The first Dense made linear and followed by a LeakyReLU layer with `config`. */
  function leaky(m: any, w: Uint8Array, config: Record<string, unknown>): [unknown, unknown] {
    m.modelTopology.config.layers[0].config.activation = 'linear';
    m.modelTopology.config.layers.splice(1, 0, { class_name: 'LeakyReLU', config: { name: 'lr', ...config } });
    return [m, w];
  }
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const { modelJson, weights } = good();
      const [m, w] = mutate(modelJson, weights);
      expect(expectRejects(() => NeuralNetwork.fromTfjs(m, w as Uint8Array), message).message).toMatch(/^NeuralNetwork\.fromTfjs: /);
    });
  }
});

describe('fromTfjs finds each weight by its name or a "/"-separated tail of it, in one pass', () => {
  /** A Sequential of 1-unit Dense layers named `names` (the first takes 1 input). */
  const topology = (names: string[]) => ({
    class_name: 'Sequential',
    config: { name: 's', layers: names.map((name, i) => ({ class_name: 'Dense', config: { name, units: 1, ...(i ? {} : { batch_input_shape: [null, 1] }) } })) },
  });
  const spec = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' });

  it('"dense/kernel", "sequential/dense/kernel" and "m/a/b/kernel" (layer "a/b") match; "xdense/kernel" does not', () => {
    const modelJson = {
      format: 'layers-model', modelTopology: topology(['dense', 'a/b']),
      weightsManifest: [{ paths: ['w.bin'], weights: [
        spec('xdense/kernel', [1, 1]), spec('sequential/dense/kernel', [1, 1]), spec('dense/bias', [1]),
        spec('m/a/b/kernel', [1, 1]), spec('b/bias/x', [1]), spec('a/b/bias', [1]),
      ] }],
    };
    const net = NeuralNetwork.fromTfjs(modelJson, new Uint8Array(new Float32Array([9, 2, 3, 4, 9, 5]).buffer));
    expect(net.toJSON().layers).toEqual([{ weights: [2], bias: [3] }, { weights: [4], bias: [5] }]);
    net.dispose();
    // two names that both end in "/dense/kernel" (or are it) are ambiguous
    modelJson.weightsManifest[0]!.weights[0] = spec('model/dense/kernel', [1, 1]);
    expectRejects(() => NeuralNetwork.fromTfjs(modelJson, new Uint8Array(24)), /several weights named "dense\/kernel" in the weightsManifest/);
  });

  it('a manifest of 100,000 weights and 500 Dense layers: every layer gets its own weights', () => {
    // the layers' weights last, in reverse order, after 100 groups of 1000 empty weights
    // (filtering the whole manifest once per layer took 33 s for 1000 layers of this)
    const L = 500;
    const names = Array.from({ length: L }, (_, i) => `d${i}`);
    const manifest = Array.from({ length: 100 }, (_, g) => ({
      paths: [] as string[], weights: Array.from({ length: 1000 }, (_, j) => spec(`sequential/pad${g}_${j}/kernel`, [0])),
    }));
    const real = names.slice().reverse().flatMap((n) => [spec(`sequential/${n}/kernel`, [1, 1]), spec(`sequential/${n}/bias`, [1])]);
    manifest.push({ paths: ['w.bin'], weights: real });
    const values = new Float32Array(2 * L);
    real.forEach((w, k) => (values[k] = Number(w.name.split('/')[1]!.slice(1)) + (w.name.endsWith('bias') ? 0.5 : 0)));
    const net = NeuralNetwork.fromTfjs({ format: 'layers-model', modelTopology: topology(names), weightsManifest: manifest }, new Uint8Array(values.buffer));
    expect(net.toJSON().layers).toEqual(names.map((_, i) => ({ weights: [i], bias: [i + 0.5] })));
    net.dispose();
  });
});

describe('fromTfjs on randomly damaged model.json files (fast-check)', () => {
  it('any value at any place: a valid network or a named Error, never a raw TypeError; memory unchanged', async () => {
    const fc = (await import('fast-check')).default;
    const net = new NeuralNetwork([3, 4, 2], [new LeakyReLU(0.2), new Softmax()], { seed: 6 });
    const { modelJson, weights } = net.toTfjs();
    net.dispose();
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, Array.isArray(v) ? Number(k) : k]);
    };
    walk(modelJson, []);
    const before = backendInfo().usedBytes;
    fc.assert(fc.property(fc.constantFrom(...paths.filter((p) => p.length)), fc.anything({ withBigInt: false }), (path, value) => {
      const doc = structuredClone(modelJson) as unknown as Record<string | number, unknown>;
      let o = doc;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
      o[path[path.length - 1]!] = value;
      try {
        NeuralNetwork.fromTfjs(doc, weights).dispose();
      } catch (e) {
        expect((e as Error).constructor).toBe(Error);
        expect((e as Error).message).toMatch(/^NeuralNetwork\.fromTfjs: /);
      }
    }), { numRuns: 500, seed: 11 });
    expect(backendInfo().usedBytes).toBe(before);
  });
});
