/**
 * The plain-TypeScript peer: the kernels of src/reference/*.ts composed into the very training
 * loop scratchnet runs (src/nn/buffers.ts, src/nn/arena.ts, src/training/train.ts), kernel for kernel, on
 * Float32Arrays instead of WebAssembly memory.
 *
 * @module
 */
import * as act from '../../../src/reference/activations.js';
import { addBiasRows, gatherRows, sumColumns } from '../../../src/reference/bias.js';
import { gemm } from '../../../src/reference/gemm.js';
import * as L from '../../../src/reference/losses.js';
import { sgdUpdate } from '../../../src/reference/optimizers.js';
import type { LayerParams } from './data.js';

type F = Float32Array;
type Fwd = (out: F, x: F, rows: number, cols: number, alpha: number) => void;
type Bwd = (out: F, grad: F, x: F, y: F, rows: number, cols: number, alpha: number) => void;

/** Activations the reference loop knows (the kernel families of src/reference/activations.ts). */
export type RefActivation = 'relu' | 'sigmoid' | 'softmax' | 'linear' | 'tanh';
/** Losses the reference loop knows. */
export type RefLoss = 'binaryCrossEntropy' | 'softmaxCrossEntropy';

const KERNELS: Record<RefActivation, { forward: Fwd; backward: Bwd }> = {
  relu: { forward: act.reluForward, backward: act.reluBackward },
  sigmoid: { forward: act.sigmoidForward, backward: act.sigmoidBackward },
  softmax: { forward: act.softmaxForward, backward: act.softmaxBackward },
  linear: { forward: act.linearForward, backward: act.linearBackward },
  tanh: { forward: act.tanhForward, backward: act.tanhBackward },
};

interface RefLayer {
  inp: number;
  out: number;
  act: { forward: Fwd; backward: Bwd };
  w: F; b: F; dw: F; db: F;
  x: F; z: F; y: F; g: F;
}

/** A network of reference kernels with buffers for batches of up to `maxRows` rows. */
export class RefNet {
  private readonly layers: RefLayer[];
  private readonly target: F;
  private readonly lossOut = new Float64Array(1);
  private readonly fused: boolean;

  constructor(params: readonly LayerParams[], activations: readonly RefActivation[], private readonly loss: RefLoss, maxRows: number) {
    this.layers = params.map((p, i) => ({
      inp: p.inputSize,
      out: p.outputSize,
      act: KERNELS[activations[i]!],
      w: p.weights.slice(),
      b: p.bias.slice(),
      dw: new Float32Array(p.inputSize * p.outputSize),
      db: new Float32Array(p.outputSize),
      x: new Float32Array(maxRows * p.inputSize),
      z: new Float32Array(maxRows * p.outputSize),
      y: new Float32Array(maxRows * p.outputSize),
      g: new Float32Array(maxRows * p.outputSize),
    }));
    this.target = new Float32Array(maxRows * params[params.length - 1]!.outputSize);
    this.fused = loss === 'softmaxCrossEntropy';
  }

  /** Load a batch: rows `index[0..rows)` of x and t (gathered, as train() does for mini-batches). */
  gather(x: F, t: F, index: Int32Array, rows: number): void {
    const first = this.layers[0]!, last = this.layers[this.layers.length - 1]!;
    gatherRows(first.x, x, index, rows, first.inp);
    gatherRows(this.target, t, index, rows, last.out);
  }

  /** Load a full batch as is. */
  set(x: F, t: F): void {
    this.layers[0]!.x.set(x);
    this.target.set(t);
  }

  /** One SGD step on the loaded `rows` rows; returns the batch's loss before the update. */
  step(rows: number, learningRate: number): number {
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const x = i === 0 ? l.x : layers[i - 1]!.y;
      gemm(l.z, x, l.w, rows, l.out, l.inp, 0, 0);
      addBiasRows(l.z, l.z, l.b, rows, l.out);
      l.act.forward(l.y, l.z, rows, l.out, 0);
    }
    const last = layers[layers.length - 1]!;
    let value: number;
    if (this.loss === 'binaryCrossEntropy') {
      L.binaryCrossEntropyLoss(this.lossOut, last.y, this.target, rows * last.out);
      value = this.lossOut[0]!;
      L.binaryCrossEntropyGrad(last.g, last.y, this.target, rows * last.out, 1 / (rows * last.out));
    } else {
      L.softmaxCrossEntropyLoss(this.lossOut, last.z, this.target, rows, last.out);
      value = this.lossOut[0]!;
      L.softmaxCrossEntropyGrad(last.g, last.z, this.target, rows, last.out, 1 / rows);
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      const x = i === 0 ? l.x : layers[i - 1]!.y;
      if (!(this.fused && i === layers.length - 1)) l.act.backward(l.g, l.g, l.z, l.y, rows, l.out, 0);
      gemm(l.dw, x, l.g, l.inp, l.out, rows, 1, 0);
      sumColumns(l.db, l.g, rows, l.out);
      if (i > 0) gemm(layers[i - 1]!.g, l.g, l.w, rows, l.inp, l.out, 0, 1);
      sgdUpdate(l.w, l.w, l.dw, learningRate, l.inp * l.out);
      sgdUpdate(l.b, l.b, l.db, learningRate, l.out);
    }
    return value;
  }
}
