/**
 * Plain-TypeScript twin of assembly/losses.ts (values written to `out[0]` of a Float64Array).
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const out = new Float64Array(1);
 * meanSquaredErrorLoss(out, new Float32Array([1, 2]), new Float32Array([1, 4]), 2);
 * out[0]; // 2
 * ```
 * @module
 */
const EPS = 1e-15;

/** out[0] = −mean(t·log(p + ε) + (1 − t)·log(1 − p + ε)). */
export function binaryCrossEntropyLoss(out: Float64Array, pred: Float32Array, target: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = pred[i]!, t = target[i]!;
    s += t * Math.log(p + EPS) + (1 - t) * Math.log(1 - p + EPS);
  }
  out[0] = -s / n;
}

/** out = −(t/(p + ε) − (1 − t)/(1 − p + ε))·scale. */
export function binaryCrossEntropyGrad(out: Float32Array, pred: Float32Array, target: Float32Array, n: number, scale: number): void {
  for (let i = 0; i < n; i++) {
    const p = pred[i]!, t = target[i]!;
    out[i] = -(t / (p + EPS) - (1 - t) / (1 - p + EPS)) * Math.fround(scale);
  }
}

/** out[0] = mean((p − t)²). */
export function meanSquaredErrorLoss(out: Float64Array, pred: Float32Array, target: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += (pred[i]! - target[i]!) ** 2;
  out[0] = s / n;
}

/** out = 2(p − t)·scale. */
export function meanSquaredErrorGrad(out: Float32Array, pred: Float32Array, target: Float32Array, n: number, scale: number): void {
  for (let i = 0; i < n; i++) out[i] = 2 * Math.fround(scale) * (pred[i]! - target[i]!);
}

/** out[0] = (1/rows)·Σ_i Σ_j t_ij·(logΣ_k e^{z_ik} − z_ij). */
export function softmaxCrossEntropyLoss(out: Float64Array, logits: Float32Array, target: Float32Array, rows: number, cols: number): void {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const lse = logSumExp(logits, i * cols, cols);
    for (let j = 0; j < cols; j++) {
      const t = target[i * cols + j]!;
      if (t !== 0) total += t * (lse - logits[i * cols + j]!);
    }
  }
  out[0] = total / rows;
}

/** out_ij = (softmax(z_i)_j·Σ_k t_ik − t_ij)·scale. */
export function softmaxCrossEntropyGrad(out: Float32Array, logits: Float32Array, target: Float32Array, rows: number, cols: number, scale: number): void {
  for (let i = 0; i < rows; i++) {
    const lse = logSumExp(logits, i * cols, cols);
    let tsum = 0;
    for (let j = 0; j < cols; j++) tsum += target[i * cols + j]!;
    for (let j = 0; j < cols; j++) {
      const p = Math.exp(logits[i * cols + j]! - lse);
      out[i * cols + j] = (p * tsum - target[i * cols + j]!) * Math.fround(scale);
    }
  }
}

function logSumExp(z: Float32Array, off: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, z[off + j]!);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(z[off + j]! - m);
  return m + Math.log(s);
}

/** out[0] = mean(max(z, 0) − z·t + log(1 + e^−|z|)). */
export function binaryCrossEntropyLogitsLoss(out: Float64Array, logits: Float32Array, target: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = logits[i]!, t = target[i]!;
    s += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
  }
  out[0] = s / n;
}

/** out = (sigmoid(z) − t)·scale. */
export function binaryCrossEntropyLogitsGrad(out: Float32Array, logits: Float32Array, target: Float32Array, n: number, scale: number): void {
  for (let i = 0; i < n; i++) {
    const z = logits[i]!;
    const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    out[i] = (s - target[i]!) * Math.fround(scale);
  }
}
