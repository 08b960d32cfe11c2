// Losses (value and gradient). Values are accumulated in f64 and written as one f64 at `out`;
// gradients are written as f32, scaled by `scale` (the host passes 1/count so the gradient is
// exactly d(loss)/d(pred)).

// The chapter's clamp: log(p + 1e-15) and log(1 - p + 1e-15).
const EPS: f64 = 1e-15;

/** out(f64) = −mean(t·log(p + ε) + (1 − t)·log(1 − p + ε)) over n elements. */
export function binaryCrossEntropyLoss(out: usize, pred: usize, target: usize, n: i32): void {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const p = <f64>load<f32>(pred + (i << 2));
    const t = <f64>load<f32>(target + (i << 2));
    // A target of exactly 1 or 0 weighs one of the logarithms by 0: that term adds a zero to a
    // finite value, so leaving it out gives the same bits and saves a logarithm.
    if (t == 1) s += Math.log(p + EPS);
    else if (t == 0) s += Math.log(1 - p + EPS);
    else s += t * Math.log(p + EPS) + (1 - t) * Math.log(1 - p + EPS);
  }
  store<f64>(out, -s / <f64>n);
}

/** out = −(t/(p + ε) − (1 − t)/(1 − p + ε)) · scale, elementwise over n. out may alias pred. */
export function binaryCrossEntropyGrad(out: usize, pred: usize, target: usize, n: i32, scale: f32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const p = <f64>load<f32>(pred + (i << 2));
    const t = <f64>load<f32>(target + (i << 2));
    // as in the loss: a target of exactly 1 or 0 zeroes one quotient (the same bits without it)
    const g = t == 1 ? -(1 / (p + EPS)) : t == 0 ? 1 / (1 - p + EPS) : -(t / (p + EPS) - (1 - t) / (1 - p + EPS));
    store<f32>(out + (i << 2), <f32>(g * <f64>scale));
  }
}

/** out(f64) = mean((p − t)²) over n elements. */
export function meanSquaredErrorLoss(out: usize, pred: usize, target: usize, n: i32): void {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const d = <f64>load<f32>(pred + (i << 2)) - <f64>load<f32>(target + (i << 2));
    s += d * d;
  }
  store<f64>(out, s / <f64>n);
}

/** out = 2·(p − t)·scale, elementwise over n. out may alias pred. */
export function meanSquaredErrorGrad(out: usize, pred: usize, target: usize, n: i32, scale: f32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const s2 = f32x4.splat(2 * scale);
    for (; i + 16 <= end; i += 16) {
      v128.store(out + i, f32x4.mul(s2, f32x4.sub(v128.load(pred + i), v128.load(target + i))));
    }
  }
  for (; i < end; i += 4) store<f32>(out + i, 2 * scale * (load<f32>(pred + i) - load<f32>(target + i)));
}

/**
 * Softmax cross-entropy from logits, stable (log-sum-exp):
 * out(f64) = (1/rows) Σ_i Σ_j t_ij · (logΣ_k exp(z_ik) − z_ij).
 */
export function softmaxCrossEntropyLoss(out: usize, logits: usize, target: usize, rows: i32, cols: i32): void {
  softmaxCrossEntropy(out, 0, logits, target, rows, cols, 0, true, false);
}

/**
 * Gradient of the loss above with respect to the logits, times scale:
 * out_ij = (softmax(z_i)_j · Σ_k t_ik − t_ij) · scale. out may alias logits.
 */
export function softmaxCrossEntropyGrad(out: usize, logits: usize, target: usize, rows: i32, cols: i32, scale: f32): void {
  softmaxCrossEntropy(0, out, logits, target, rows, cols, scale, false, true);
}

/**
 * softmaxCrossEntropyLoss into `out` and softmaxCrossEntropyGrad into `grad` in one pass over the
 * rows, each exponential taken once instead of twice: the same operations on every element as the
 * two kernels, so the same bits. The training loop's step; `grad` must not overlap `logits` or
 * `target`.
 */
export function softmaxCrossEntropyLossGrad(out: usize, grad: usize, logits: usize, target: usize, rows: i32, cols: i32, scale: f32): void {
  softmaxCrossEntropy(out, grad, logits, target, rows, cols, scale, true, true);
}

/**
 * The three kernels above (`loss`, `gradient`: which to compute, constants at each call). Per row:
 * the max, the exponentials e_j = exp(z_j − max) summed in f64 (stored as f32 in the gradient),
 * then the loss terms t_j·(log Σe + max − z_j) and the gradient (e_j/Σe · Σt − t_j) · scale.
 * The gradient reads each z_j before it stores there, so it may overwrite the logits when the loss
 * is not wanted.
 */
@inline
function softmaxCrossEntropy(
  out: usize, grad: usize, logits: usize, target: usize, rows: i32, cols: i32, scale: f32, loss: bool, gradient: bool,
): void {
  const C = <usize>cols << 2;
  let total: f64 = 0;
  for (let i: usize = 0; i < <usize>rows; i++) {
    const z = logits + i * C, t = target + i * C, o = grad + i * C;
    let m = -Infinity;
    for (let j: usize = 0; j < C; j += 4) m = Math.max(m, <f64>load<f32>(z + j));
    let s: f64 = 0, tsum: f64 = 0;
    for (let j: usize = 0; j < C; j += 4) {
      const e = Math.exp(<f64>load<f32>(z + j) - m);
      s += e;
      if (gradient) {
        tsum += <f64>load<f32>(t + j);
        store<f32>(o + j, <f32>e);
      }
    }
    const lse = loss ? m + Math.log(s) : 0;
    const inv = gradient ? 1 / s : 0;
    for (let j: usize = 0; j < C; j += 4) {
      const tj = <f64>load<f32>(t + j);
      if (loss && tj != 0) total += tj * (lse - <f64>load<f32>(z + j));
      if (gradient) store<f32>(o + j, <f32>((<f64>load<f32>(o + j) * inv * tsum - tj) * <f64>scale));
    }
  }
  if (loss) store<f64>(out, total / <f64>rows);
}

/**
 * Binary cross-entropy from logits z (the pre-activation of a sigmoid output), stable for any z:
 * out(f64) = mean(max(z, 0) − z·t + log(1 + e^−|z|)).
 */
export function binaryCrossEntropyLogitsLoss(out: usize, logits: usize, target: usize, n: i32): void {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const z = <f64>load<f32>(logits + (i << 2));
    const t = <f64>load<f32>(target + (i << 2));
    s += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
  }
  store<f64>(out, s / <f64>n);
}

/** Its gradient with respect to the logits: out = (sigmoid(z) − t)·scale. out may alias logits. */
export function binaryCrossEntropyLogitsGrad(out: usize, logits: usize, target: usize, n: i32, scale: f32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const z = <f64>load<f32>(logits + (i << 2));
    const t = <f64>load<f32>(target + (i << 2));
    const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    store<f32>(out + (i << 2), <f32>((s - t) * <f64>scale));
  }
}
