/**
 * A layer's machinery, kept out of the public class: where its parameters and gradients live in
 * linear memory (W, b, dW, db: they never move), its batch buffers (own input, z, y, the gradient
 * g, own input gradient: re-pointed when a larger batch needs a bigger workspace), and the
 * chapter's forward and backward passes on them, through the named kernel facade.
 *
 * @module
 * @internal
 */
import type { Backend, Block } from '../backend/heap.js';
import type { Activation } from './activations.js';
import { activationBackward, activationForward, dense, matmulInto, sumRows } from './kernel-ops.js';

/** Round a float count up to a multiple of 4 (16 bytes), so every buffer is SIMD-aligned. */
export const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * Pointers and batch state of one dense layer.
 *
 * @internal
 */
export class LayerBuffers {
  /** Weights (inputs×outputs), bias (1×outputs) and their gradients. */
  readonly w: number;
  readonly b: number;
  readonly dw: number;
  readonly db: number;
  /** The workspace block the batch buffers below point into (null: none yet). */
  ws: Block | null = null;
  /** The layer's own input buffer, z = x·W + b, y = f(z), the gradient g, and its own input gradient. */
  xOwn = 0;
  z = 0;
  y = 0;
  g = 0;
  dxOwn = 0;
  /** The current input: xOwn, or the previous layer's y in a network. */
  x = 0;
  /** Rows of the cached forward pass (0: none). */
  rows = 0;
  /** The layer whose output feeds this one in a network (null: own input). */
  inputFrom: LayerBuffers | null = null;

  constructor(
    readonly be: Backend,
    readonly inputs: number,
    readonly outputs: number,
    readonly activation: Activation,
    readonly params: Block,
    readonly offset: number,
  ) {
    const wN = align4(inputs * outputs), bN = align4(outputs);
    this.w = params.ptr + offset;
    this.b = this.w + wN * 4;
    this.dw = this.b + bN * 4;
    this.db = this.dw + wN * 4;
  }

  /** Floats of parameters and their gradients: W, b, dW, db (each 16-byte aligned). */
  static paramFloats(inputs: number, outputs: number): number {
    return 2 * (align4(inputs * outputs) + align4(outputs));
  }

  /** Floats of batch buffers for `rows`: own input, z, y, g, own input gradient. */
  static workspaceFloats(inputs: number, outputs: number, rows: number): number {
    return 2 * align4(rows * inputs) + 3 * align4(rows * outputs);
  }

  /** Point the batch buffers at `ptr` inside `block` (room for workspaceFloats of `rows`). */
  bind(block: Block, ptr: number, rows: number): void {
    const inN = align4(rows * this.inputs), outN = align4(rows * this.outputs);
    this.ws = block;
    this.xOwn = ptr;
    this.z = ptr + inN * 4;
    this.y = this.z + outN * 4;
    this.g = this.y + outN * 4;
    this.dxOwn = this.g + outN * 4;
    this.x = this.inputFrom ? this.inputFrom.y : this.xOwn;
    this.rows = 0;
  }

  /** The chapter's forward pass on `rows` rows at `x`: z = x·W + b; y = activation(z). */
  forward(rows: number): void {
    this.forwardAt(this.x, this.z, this.y, rows);
    this.rows = rows;
  }

  /** The same pass on other buffers (predict's temporary ones), leaving this layer's caches alone. */
  forwardAt(x: number, z: number, y: number, rows: number): void {
    dense(this.be, { z, y, x, W: this.w, b: this.b, rows, inputs: this.inputs, outputs: this.outputs, activation: this.activation });
  }

  /**
   * y = activation(z) for the cached `rows` rows, from the z already there (a training run whose
   * loss reads the logits computes z only).
   */
  activate(): void {
    activationForward(this.be, this.activation, { out: this.y, x: this.z, rows: this.rows, cols: this.outputs });
  }

  /**
   * The chapter's backward pass from the gradient at the output (in `g`): g = g ⊙ f'(z) (skipped
   * when `g` already holds the gradient at z, as the fused losses on logits give it), then
   * dW = xᵀ·g, db = Σ rows g, and dx = g·Wᵀ into `dx` (0: not needed).
   */
  backward(dx: number, gradAtZ: boolean): void {
    const { be, rows, inputs, outputs } = this;
    if (!gradAtZ) activationBackward(be, this.activation, { out: this.g, grad: this.g, z: this.z, y: this.y, rows, cols: outputs });
    matmulInto(be, { out: this.dw, a: this.x, b: this.g, m: inputs, n: outputs, k: rows, transposeA: true });
    sumRows(be, { out: this.db, x: this.g, rows, cols: outputs });
    if (dx !== 0) matmulInto(be, { out: dx, a: this.g, b: this.w, m: rows, n: inputs, k: outputs, transposeB: true });
  }
}

const registry = new WeakMap<object, LayerBuffers>();

/**
 * Attach a layer's buffers to it (called once, by its constructor).
 *
 * @internal
 */
export function attachBuffers(layer: object, buffers: LayerBuffers): void {
  registry.set(layer, buffers);
}

/**
 * The buffers of a layer (network and trainer code only; users never see them).
 *
 * @internal
 */
export function buffersOf(layer: object): LayerBuffers {
  const b = registry.get(layer);
  if (!b) throw new Error('scratchnet: not a Layer');
  return b;
}
