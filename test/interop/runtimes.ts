// The runtimes that read exported models, for the interop tests: onnxruntime-web (its wasm
// backend, in Node) and TensorFlow.js (its CPU backend), plus the comparison used throughout.
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import type { TfjsModelJSON } from '../../src/index.js';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

/** Run an ONNX model's single input → output in onnxruntime-web. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', x, dims) };
    const out = await session.run(feeds);
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Load a layers-format model in TensorFlow.js (tf.loadLayersModel + tf.io.fromMemory) and predict. */
export async function runTfjs(modelJson: TfjsModelJSON | Record<string, any>, weights: Uint8Array, x: Float32Array, dims: [number, number]): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
    weightData: weights.slice().buffer,
  }));
  try {
    const y = tf.tidy(() => (model.predict(tf.tensor2d(x, dims)) as tf.Tensor).dataSync());
    return Float32Array.from(y);
  } finally {
    model.dispose();
  }
}

/**
 * Largest |a − b| / max(|b|, 0.01): relative, with a floor so outputs under 0.01 compare
 * absolutely (a bound of 1e-5 then means |a − b| ≤ 1e-7, about one float32 step at 1).
 */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxRelDiff: ${a.length} vs ${b.length} values`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 0.01));
  return m;
}

/** Uniform values in [lo, hi) from a seeded LCG (test inputs). */
export function uniform(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

export { tf };
