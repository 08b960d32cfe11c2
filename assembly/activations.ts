// Activations: forward, derivative (at the pre-activation x, as the chapter's `backward(x)`),
// and backward (the gradient through the activation: out = grad · f'(x), or for Softmax the full
// Jacobian-vector product). One signature for all, so a layer table can dispatch by id:
//   xxxForward(out, x, rows, cols, alpha)
//   xxxDerivative(out, x, rows, cols, alpha)
//   xxxBackward(out, grad, x, y, rows, cols, alpha)     y = xxxForward(x), cached by the layer
// `alpha` is LeakyReLU's negative slope and ignored by the others. out may alias x (forward,
// derivative) or grad (backward).

import { expNonPositive, expNonPositive4, one4, sigmoidf, sigmoidf4, tanhf, tanhf4 } from './expf';

// ---- ReLU: max(0, x); f'(x) = x > 0 ? 1 : 0 ----

export function reluForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 16 <= end; i += 16) v128.store(out + i, f32x4.max(v128.load(x + i), zero));
  }
  for (; i < end; i += 4) store<f32>(out + i, max<f32>(load<f32>(x + i), 0));
}

export function reluDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), one = f32x4.splat(1);
    for (; i + 16 <= end; i += 16) v128.store(out + i, v128.and(f32x4.gt(v128.load(x + i), zero), one));
  }
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(x + i) > 0 ? 1 : 0);
}

export function reluBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), one = f32x4.splat(1);
    for (; i + 16 <= end; i += 16) {
      const d = v128.and(f32x4.gt(v128.load(x + i), zero), one);
      v128.store(out + i, f32x4.mul(v128.load(grad + i), d));
    }
  }
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(grad + i) * (load<f32>(x + i) > 0 ? <f32>1 : <f32>0));
}

// ---- LeakyReLU: x > 0 ? x : alpha·x; f'(x) = x > 0 ? 1 : alpha ----

export function leakyReluForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), va = f32x4.splat(alpha);
    for (; i + 16 <= end; i += 16) {
      const v = v128.load(x + i);
      v128.store(out + i, v128.bitselect(v, f32x4.mul(v, va), f32x4.gt(v, zero)));
    }
  }
  for (; i < end; i += 4) {
    const v = load<f32>(x + i);
    store<f32>(out + i, v > 0 ? v : alpha * v);
  }
}

export function leakyReluDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), one = f32x4.splat(1), va = f32x4.splat(alpha);
    for (; i + 16 <= end; i += 16) v128.store(out + i, v128.bitselect(one, va, f32x4.gt(v128.load(x + i), zero)));
  }
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(x + i) > 0 ? <f32>1 : alpha);
}

export function leakyReluBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), one = f32x4.splat(1), va = f32x4.splat(alpha);
    for (; i + 16 <= end; i += 16) {
      const d = v128.bitselect(one, va, f32x4.gt(v128.load(x + i), zero));
      v128.store(out + i, f32x4.mul(v128.load(grad + i), d));
    }
  }
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(grad + i) * (load<f32>(x + i) > 0 ? <f32>1 : alpha));
}

// ---- Linear (identity): f'(x) = 1 ----

export function linearForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  if (out != x) memory.copy(out, x, bytes(rows, cols));
}

export function linearDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    for (; i + 16 <= end; i += 16) v128.store(out + i, one);
  }
  for (; i < end; i += 4) store<f32>(out + i, 1);
}

export function linearBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  if (out != grad) memory.copy(out, grad, bytes(rows, cols));
}

// ---- Sigmoid: 1/(1 + e^−x), evaluated without overflow for large |x|; f' = s(1 − s) ----
// (sigmoidf, tanhf and the exponentials of softmax: expf.ts, four lanes at a time)

export function sigmoidForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) for (; i + 16 <= end; i += 16) v128.store(out + i, sigmoidf4(v128.load(x + i)));
  for (; i < end; i += 4) store<f32>(out + i, sigmoidf(load<f32>(x + i)));
}

export function sigmoidDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  // s = sigmoid(x) first (the same bits as sigmoidForward's), then s(1 − s) in place: one copy
  // of the exponential's code instead of two (this is Activation.backward's, not training's)
  sigmoidForward(out, x, rows, cols, alpha);
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = one4();
    for (; i + 16 <= end; i += 16) {
      const s = v128.load(out + i);
      v128.store(out + i, f32x4.mul(s, f32x4.sub(one, s)));
    }
  }
  for (; i < end; i += 4) {
    const s = load<f32>(out + i);
    store<f32>(out + i, s * (1 - s));
  }
}

export function sigmoidBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = one4();
    for (; i + 16 <= end; i += 16) {
      const s = v128.load(y + i);
      v128.store(out + i, f32x4.mul(v128.load(grad + i), f32x4.mul(s, f32x4.sub(one, s))));
    }
  }
  for (; i < end; i += 4) {
    const s = load<f32>(y + i);
    store<f32>(out + i, load<f32>(grad + i) * (s * (1 - s)));
  }
}

// ---- Tanh: f' = 1 − tanh² ----

export function tanhForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) for (; i + 16 <= end; i += 16) v128.store(out + i, tanhf4(v128.load(x + i)));
  for (; i < end; i += 4) store<f32>(out + i, tanhf(load<f32>(x + i)));
}

export function tanhDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  // t = tanh(x) first (tanhForward's bits), then 1 − t² in place, as sigmoidDerivative does
  tanhForward(out, x, rows, cols, alpha);
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = one4();
    for (; i + 16 <= end; i += 16) {
      const t = v128.load(out + i);
      v128.store(out + i, f32x4.sub(one, f32x4.mul(t, t)));
    }
  }
  for (; i < end; i += 4) {
    const t = load<f32>(out + i);
    store<f32>(out + i, 1 - t * t);
  }
}

export function tanhBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  const end = bytes(rows, cols);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = one4();
    for (; i + 16 <= end; i += 16) {
      const t = v128.load(y + i);
      v128.store(out + i, f32x4.mul(v128.load(grad + i), f32x4.sub(one, f32x4.mul(t, t))));
    }
  }
  for (; i < end; i += 4) {
    const t = load<f32>(y + i);
    store<f32>(out + i, load<f32>(grad + i) * (1 - t * t));
  }
}

// ---- Softmax, row-wise: s_j = e^(x_j − max) / Σ_k e^(x_k − max) ----
// Derivative: the diagonal of the Jacobian, s(1 − s) (what an elementwise `backward(x)` can
// return). Backward: the full Jacobian-vector product, out_j = s_j · (g_j − Σ_k g_k s_k).

export function softmaxForward(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const C = <usize>cols << 2;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * C, o = out + r * C;
    let m: f32 = -Infinity;
    for (let j: usize = 0; j < C; j += 4) m = max<f32>(m, load<f32>(xr + j));
    // the exponentials four at a time, then their sum in column order (the same bits in every build)
    let j: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const mv = f32x4.splat(m);
      for (; j + 16 <= C; j += 16) v128.store(o + j, expNonPositive4(f32x4.sub(v128.load(xr + j), mv)));
    }
    for (; j < C; j += 4) store<f32>(o + j, expNonPositive(load<f32>(xr + j) - m));
    let s: f32 = 0;
    for (j = 0; j < C; j += 4) s += load<f32>(o + j);
    const inv: f32 = 1 / s;
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const iv = f32x4.splat(inv);
      for (; j + 16 <= C; j += 16) v128.store(o + j, f32x4.mul(v128.load(o + j), iv));
    }
    for (; j < C; j += 4) store<f32>(o + j, load<f32>(o + j) * inv);
  }
}

export function softmaxDerivative(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  softmaxForward(out, x, rows, cols, alpha);
  const end = bytes(rows, cols);
  for (let i: usize = 0; i < end; i += 4) {
    const s = load<f32>(out + i);
    store<f32>(out + i, s * (1 - s));
  }
}

export function softmaxBackward(out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  const C = <usize>cols << 2;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const g = grad + r * C, s = y + r * C, o = out + r * C;
    let dot: f32 = 0;
    for (let j: usize = 0; j < C; j += 4) dot += load<f32>(g + j) * load<f32>(s + j);
    for (let j: usize = 0; j < C; j += 4) store<f32>(o + j, load<f32>(s + j) * (load<f32>(g + j) - dot));
  }
}

@inline
function bytes(rows: i32, cols: i32): usize {
  return (<usize>rows * <usize>cols) << 2;
}
