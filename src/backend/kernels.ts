/**
 * The kernel module's exports as the binding sees them: pointers are byte offsets into linear
 * memory. Part of the binding layer (only src/backend knows the instance, memory and pointers).
 *
 * @module
 * @internal
 */
import type { Backend } from './heap.js';

type Ptr = number;

/**
 * The kernel exports (see assembly/index.ts). Pointers are byte offsets into linear memory.
 *
 * @internal
 */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  setScratch(ptr: Ptr, bytes: number): void;
  scratchBytes(): number;
  setControl(ctrl: Ptr, id: number): void;
  shutdownWorkers(): void;
  gemm(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  gemmAccumulate(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  addBiasRows(out: Ptr, x: Ptr, bias: Ptr, rows: number, cols: number): void;
  sumColumns(out: Ptr, x: Ptr, rows: number, cols: number): void;
  gatherRows(out: Ptr, src: Ptr, index: Ptr, count: number, cols: number): void;
  /** Index of the first NaN or ±Infinity among n floats at p, or −1. */
  firstNonFinite(p: Ptr, n: number): number;
  sgdUpdate(out: Ptr, param: Ptr, grad: Ptr, learningRate: number, n: number): void;
  trainEpochs(plan: Ptr, epochs: number, done: Ptr): void;
  /** Bytes of room for each of layer `layer`'s two copies of its weights in the forward's panel layout, when training with optimizer `kind` (an OptimizerId) steps them so (0: none). */
  trainingPanelBytes(layer: number, inputs: number, outputs: number, kind: number, batch: number): number;
  /** Milliseconds the training loop spent in a `ProfilePhase` since profileReset (0 unless a profile build). */
  profileTime(phase: number): number;
  profileReset(): void;
  momentumUpdate(out: Ptr, param: Ptr, grad: Ptr, velocity: Ptr, lr: number, momentum: number, nesterov: number, n: number): void;
  adamUpdate(out: Ptr, param: Ptr, grad: Ptr, m: Ptr, v: Ptr, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, n: number): void;
  rmspropUpdate(out: Ptr, param: Ptr, grad: Ptr, s: Ptr, lr: number, rho: number, eps: number, n: number): void;
  regularizeGrad(grad: Ptr, param: Ptr, l1: number, l2: number, n: number): void;
  accuracyCount(out: Ptr, pred: Ptr, target: Ptr, rows: number, cols: number, threshold: number): void;
  denseForward(z: Ptr, y: Ptr, x: Ptr, w: Ptr, b: Ptr, rows: number, out: number, inp: number, id: number, alpha: number): void;
  binaryCrossEntropyLoss(out: Ptr, pred: Ptr, target: Ptr, n: number): void;
  binaryCrossEntropyGrad(out: Ptr, pred: Ptr, target: Ptr, n: number, scale: number): void;
  meanSquaredErrorLoss(out: Ptr, pred: Ptr, target: Ptr, n: number): void;
  meanSquaredErrorGrad(out: Ptr, pred: Ptr, target: Ptr, n: number, scale: number): void;
  softmaxCrossEntropyLoss(out: Ptr, logits: Ptr, target: Ptr, rows: number, cols: number): void;
  softmaxCrossEntropyGrad(out: Ptr, logits: Ptr, target: Ptr, rows: number, cols: number, scale: number): void;
  binaryCrossEntropyLogitsLoss(out: Ptr, logits: Ptr, target: Ptr, n: number): void;
  binaryCrossEntropyLogitsGrad(out: Ptr, logits: Ptr, target: Ptr, n: number, scale: number): void;
  [activationKernel: string]: unknown;
}

/**
 * Forward / derivative kernel of an activation: (out, x, rows, cols, alpha).
 *
 * @internal
 */
export type ActivationKernel = (out: Ptr, x: Ptr, rows: number, cols: number, alpha: number) => void;
/**
 * Backward kernel of an activation: (out, grad, x, y, rows, cols, alpha).
 *
 * @internal
 */
export type ActivationBackwardKernel = (
  out: Ptr, grad: Ptr, x: Ptr, y: Ptr, rows: number, cols: number, alpha: number,
) => void;

/**
 * The three kernels of one activation, looked up once per backend.
 *
 * @internal
 */
export interface ActivationKernels {
  forward: ActivationKernel;
  derivative: ActivationKernel;
  backward: ActivationBackwardKernel;
}


/**
 * The kernels named `${name}Forward`, `${name}Derivative`, `${name}Backward` in `be`.
 *
 * @internal
 */
export function activationKernels(be: Backend, name: string): ActivationKernels {
  const K = be.kernels as Record<string, unknown>;
  const forward = K[`${name}Forward`], derivative = K[`${name}Derivative`], backward = K[`${name}Backward`];
  if (typeof forward !== 'function' || typeof derivative !== 'function' || typeof backward !== 'function') {
    throw new Error(`scratchnet: no kernels for activation "${name}"`);
  }
  return { forward, derivative, backward } as ActivationKernels;
}

