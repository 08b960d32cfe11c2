/**
 * W1's plain-JS peer: the chapter's XOR network ([2, 4, 1] ReLU/Sigmoid, BCE, full batch, SGD)
 * written by hand as loops over preallocated Float32Arrays, the way a careful JS programmer
 * would: no library, no allocation per epoch, float32 storage (arithmetic in JS doubles between stores).
 *
 * @module
 */
import type { LayerParams } from './data.js';

const X = [0, 0, 0, 1, 1, 0, 1, 1];
const T = [0, 1, 1, 0];
const EPS = 1e-15;

/** Train `epochs` epochs from `params` (the W1 starting weights); returns every epoch's loss. */
export function plainJsXor(params: readonly LayerParams[], epochs: number, lr: number): number[] {
  const w1 = params[0]!.weights.slice(), b1 = params[0]!.bias.slice();
  const w2 = params[1]!.weights.slice(), b2 = params[1]!.bias.slice();
  const x = new Float32Array(X), t = new Float32Array(T);
  const z1 = new Float32Array(16), a1 = new Float32Array(16), out = new Float32Array(4);
  const g2 = new Float32Array(4), g1 = new Float32Array(16);
  const dw1 = new Float32Array(8), db1 = new Float32Array(4), dw2 = new Float32Array(4);
  const losses = new Array<number>(epochs);
  const scale = 1 / 4;
  for (let e = 0; e < epochs; e++) {
    // forward
    for (let r = 0; r < 4; r++) {
      const x0 = x[2 * r]!, x1 = x[2 * r + 1]!;
      let s = b2[0]!;
      for (let j = 0; j < 4; j++) {
        const z = x0 * w1[j]! + x1 * w1[4 + j]! + b1[j]!;
        z1[4 * r + j] = z;
        const a = z > 0 ? z : 0;
        a1[4 * r + j] = a;
        s += a * w2[j]!;
      }
      out[r] = 1 / (1 + Math.exp(-s));
    }
    // loss and its gradient through the sigmoid
    let loss = 0;
    for (let r = 0; r < 4; r++) {
      const p = out[r]!, y = t[r]!;
      loss += y * Math.log(p + EPS) + (1 - y) * Math.log(1 - p + EPS);
      const g = -(y / (p + EPS) - (1 - y) / (1 - p + EPS)) * scale;
      g2[r] = g * (p * (1 - p));
    }
    losses[e] = -loss / 4;
    // backward
    let db2 = 0;
    dw2.fill(0);
    for (let r = 0; r < 4; r++) {
      const g = g2[r]!;
      db2 += g;
      for (let j = 0; j < 4; j++) dw2[j] = dw2[j]! + a1[4 * r + j]! * g;
      for (let j = 0; j < 4; j++) g1[4 * r + j] = z1[4 * r + j]! > 0 ? g * w2[j]! : 0;
    }
    dw1.fill(0);
    db1.fill(0);
    for (let r = 0; r < 4; r++) {
      const x0 = x[2 * r]!, x1 = x[2 * r + 1]!;
      for (let j = 0; j < 4; j++) {
        const g = g1[4 * r + j]!;
        dw1[j] = dw1[j]! + x0 * g;
        dw1[4 + j] = dw1[4 + j]! + x1 * g;
        db1[j] = db1[j]! + g;
      }
    }
    // update
    for (let i = 0; i < 8; i++) w1[i] = w1[i]! - lr * dw1[i]!;
    for (let j = 0; j < 4; j++) {
      b1[j] = b1[j]! - lr * db1[j]!;
      w2[j] = w2[j]! - lr * dw2[j]!;
    }
    b2[0] = b2[0]! - lr * db2;
  }
  return losses;
}
