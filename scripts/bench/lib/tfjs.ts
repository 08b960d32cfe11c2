/**
 * TensorFlow.js peers (4.22): the `wasm` backend (XNNPACK, SIMD, one thread in Node) and the
 * plain-JS `cpu` backend, both through the full `@tensorflow/tfjs` package (gradients need
 * tfjs-layers / the optimizers). Loaded lazily: a failure becomes a skip, never a crash.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GemmShape, LayerParams, W2Data } from './data.js';
import { now, sampleCalls, type SampleOptions } from './timing.js';

type TF = typeof import('@tensorflow/tfjs');

/** The loaded library and what we learnt about its wasm backend. */
export interface TfHandle {
  tf: TF;
  version: string;
  /** Backends that initialised, and why the others did not. */
  backends: Partial<Record<'wasm' | 'cpu', { ok: true } | { ok: false; reason: string }>>;
  wasm: { threads: number | null; simd: boolean | null; multithread: boolean | null; wasmDir: string };
}

/**
 * Import tfjs and tfjs-backend-wasm. In Node the wasm backend must be told where its .wasm files
 * are: `setWasmPaths(<node_modules/@tensorflow/tfjs-backend-wasm/dist/>)`, a plain file path
 * prefix (Node's loader reads the file; no fetch). Throws when tfjs itself cannot be imported.
 */
export async function loadTf(): Promise<TfHandle> {
  const tf = (await import('@tensorflow/tfjs')) as TF;
  const handle: TfHandle = {
    tf,
    version: tf.version.tfjs,
    backends: {},
    wasm: { threads: null, simd: null, multithread: null, wasmDir: '' },
  };
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
    handle.wasm.wasmDir = dir;
    wasm.setWasmPaths(dir);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error(`tf.setBackend('wasm') returned false (looked for ${join(dir, 'tfjs-backend-wasm*.wasm')})`);
    await tf.ready();
    handle.wasm.threads = wasm.getThreadsCount();
    handle.wasm.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    handle.wasm.multithread = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    handle.backends.wasm = { ok: true };
  } catch (err) {
    handle.backends.wasm = { ok: false, reason: `tfjs wasm backend did not load: ${(err as Error).message}` };
  }
  try {
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new Error("tf.setBackend('cpu') returned false");
    handle.backends.cpu = { ok: true };
  } catch (err) {
    handle.backends.cpu = { ok: false, reason: `tfjs cpu backend did not load: ${(err as Error).message}` };
  }
  return handle;
}

async function use(h: TfHandle, backend: 'wasm' | 'cpu'): Promise<void> {
  const state = h.backends[backend];
  if (!state?.ok) throw new Error(state && !state.ok ? state.reason : `${backend} backend not loaded`);
  if (h.tf.getBackend() !== backend && !(await h.tf.setBackend(backend))) throw new Error(`setBackend('${backend}') failed`);
}

/** W1 measured in chunks: µs/epoch of each timed chunk, and the loss of the last epoch. */
export interface ChunkedRun {
  usPerEpoch: number[];
  loss: number;
  epochs: number;
  leakedTensors: number;
}

/**
 * W1 in tfjs: the chapter's network as variables, the chapter's loss (BCE with its 1e-15 terms)
 * written with tf ops, `tf.train.sgd(lr).minimize` once per epoch (full batch of 4). `epochs`
 * epochs in chunks of `chunk`; the first chunk is the warm-up, the rest are timed.
 */
export async function tfjsXor(
  h: TfHandle, backend: 'wasm' | 'cpu', params: readonly LayerParams[], epochs: number, chunk: number, lr: number,
): Promise<ChunkedRun> {
  await use(h, backend);
  const tf = h.tf;
  const before = tf.memory().numTensors;
  const X = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tf.tensor2d([[0], [1], [1], [0]]);
  const [p1, p2] = [params[0]!, params[1]!];
  // tf.variable(t) keeps t alive as a separate tensor: create the initial values inside tidy.
  const variable = (values: Float32Array, shape: [number, number]) => tf.tidy(() => tf.variable(tf.tensor2d(values, shape)));
  const W1 = variable(p1.weights, [p1.inputSize, p1.outputSize]);
  const b1 = variable(p1.bias, [1, p1.outputSize]);
  const W2 = variable(p2.weights, [p2.inputSize, p2.outputSize]);
  const b2 = variable(p2.bias, [1, p2.outputSize]);
  const vars = [W1, b1, W2, b2];
  const opt = tf.train.sgd(lr);
  const lossFn = () => {
    const output = tf.sigmoid(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(X, W1), b1)), W2), b2));
    const ll = tf.add(tf.mul(y, tf.log(tf.add(output, 1e-15))), tf.mul(tf.sub(1, y), tf.log(tf.add(tf.sub(1, output), 1e-15))));
    return tf.neg(tf.mean(ll)) as import('@tensorflow/tfjs').Scalar;
  };
  const usPerEpoch: number[] = [];
  let loss = Number.NaN;
  try {
    for (let done = 0, c = 0; done < epochs; c++) {
      const n = Math.min(chunk, epochs - done);
      const t = now();
      for (let e = 0; e < n; e++) {
        const last = done + e === epochs - 1;
        if (last) {
          const cost = tf.tidy(() => opt.minimize(lossFn, true, vars)!);
          loss = (await cost.data())[0]!;
          cost.dispose();
        } else {
          tf.tidy(() => {
            opt.minimize(lossFn, false, vars);
          });
        }
      }
      const dt = now() - t;
      if (c > 0) usPerEpoch.push((dt / n) * 1000);
      done += n;
    }
  } finally {
    opt.dispose();
    tf.dispose([X, y, W1, b1, W2, b2]);
  }
  return { usPerEpoch, loss, epochs, leakedTensors: tf.memory().numTensors - before };
}

/** W2 per-epoch timing: samples/s of the timed epochs and the loss of the last epoch. */
export interface EpochRun {
  samplesPerSec: number[];
  epochLoss: number[];
  leakedTensors: number;
}

/** How {@link tfjsMlp} trains. */
export interface TfMlpRun {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  shuffle: boolean;
  /**
   * Warm up with one untimed epoch on this many rows first, then time all `epochs` (for slow
   * epochs); without it epoch 0 is the warm-up.
   */
  warmupRows?: number;
}

/**
 * W2/W4 in tfjs-layers: Dense(relu) … → Dense(softmax), `categoricalCrossentropy`,
 * `tf.train.sgd(lr)` or `tf.train.adam(lr)`, `model.fit({ batchSize, epochs, shuffle })` with
 * scratchnet's starting weights (`layer.setWeights`).
 */
export async function tfjsMlp(
  h: TfHandle, backend: 'wasm' | 'cpu', params: readonly LayerParams[], data: W2Data, o: TfMlpRun,
): Promise<EpochRun> {
  await use(h, backend);
  const tf = h.tf;
  const before = tf.memory().numTensors;
  const model = tf.sequential();
  params.forEach((p, i) => {
    model.add(
      tf.layers.dense({
        units: p.outputSize,
        activation: i === params.length - 1 ? 'softmax' : 'relu',
        ...(i === 0 ? { inputShape: [p.inputSize] } : {}),
      }),
    );
  });
  model.layers.forEach((layer, i) => {
    const p = params[i]!;
    const w = [tf.tensor2d(p.weights, [p.inputSize, p.outputSize]), tf.tensor1d(p.bias)];
    layer.setWeights(w);
    tf.dispose(w);
  });
  model.compile({ optimizer: o.optimizer === 'adam' ? tf.train.adam(o.lr) : tf.train.sgd(o.lr), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(data.x, [data.n, data.inputSize]);
  const ys = tf.tensor2d(data.y, [data.n, data.classes]);
  const stamps: number[] = [];
  let run: EpochRun;
  try {
    if (o.warmupRows !== undefined) {
      const r = Math.min(o.warmupRows, data.n);
      const [wx, wy] = [xs.slice([0, 0], [r, data.inputSize]), ys.slice([0, 0], [r, data.classes])];
      await model.fit(wx, wy, { batchSize: o.batchSize, epochs: 1, shuffle: o.shuffle, verbose: 0 });
      tf.dispose([wx, wy]);
    }
    const start = now();
    const history = await model.fit(xs, ys, {
      batchSize: o.batchSize,
      epochs: o.epochs,
      shuffle: o.shuffle,
      verbose: 0,
      callbacks: { onEpochEnd: async () => void stamps.push(now()) },
    });
    const times = stamps.map((s, i) => s - (i === 0 ? start : stamps[i - 1]!));
    run = {
      samplesPerSec: times.slice(o.warmupRows !== undefined ? 0 : 1).map((ms) => data.n / (ms / 1000)),
      epochLoss: (history.history.loss as number[]).map(Number),
      leakedTensors: 0,
    };
  } finally {
    tf.dispose([xs, ys]);
    model.optimizer?.dispose();
    model.dispose();
  }
  run.leakedTensors = tf.memory().numTensors - before;
  return run;
}

/** W3 in tfjs: `tf.matMul(a, b, transposeA, transposeB)`, output disposed (not read back). */
export async function tfjsGemm(h: TfHandle, backend: 'wasm' | 'cpu', s: GemmShape, a: Float32Array, b: Float32Array, o: SampleOptions): Promise<number[]> {
  await use(h, backend);
  const tf = h.tf;
  const A = tf.tensor2d(a, s.transA ? [s.k, s.m] : [s.m, s.k]);
  const B = tf.tensor2d(b, s.transB ? [s.n, s.k] : [s.k, s.n]);
  try {
    const { perCallMs } = sampleCalls(() => tf.matMul(A, B, s.transA === 1, s.transB === 1).dispose(), o);
    return perCallMs;
  } finally {
    tf.dispose([A, B]);
  }
}
