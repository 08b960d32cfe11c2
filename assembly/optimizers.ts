// Parameter updates.

// Each update writes the new parameters to `out` and reads the old ones from `param`: the same
// pointer updates in place; two pointers keep the old parameters (the training loop alternates
// between two copies instead of backing the weights up before each step). State is in place.
//
// Each scalar loop (the scalar build's whole pass, and the SIMD build's last n mod 4 floats)
// computes what a SIMD lane computes: the same f32 operations in the same order (o·(g·g), not
// (o·g)·g; g + (l1·sign + l2·w), not (g + l1·sign) + l2·w), so every build and every element
// gets the same bits. src/reference/optimizers.ts does the same in TS with Math.fround.

/** w − lr·g on four floats: SGD's rule, shared with the step fused into the dW product (gradient-step.ts). */
@inline export function sgdVec(w: v128, g: v128, lr: v128): v128 {
  return f32x4.sub(w, f32x4.mul(lr, g));
}

/** g + l1·sign(w) + l2·w on four floats: regularizeGrad's rule, shared with gradient-step.ts. */
@inline export function regularizedVec(g: v128, w: v128, l1: v128, l2: v128): v128 {
  const sign = v128.or(v128.and(f32x4.gt(w, f32x4.splat(0)), f32x4.splat(1)), v128.and(f32x4.lt(w, f32x4.splat(0)), f32x4.splat(-1)));
  return f32x4.add(g, f32x4.add(f32x4.mul(l1, sign), f32x4.mul(l2, w)));
}

/** Plain SGD: out = param − learningRate · grad over n floats. */
export function sgdUpdate(out: usize, param: usize, grad: usize, learningRate: f32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const lr = f32x4.splat(learningRate);
    for (; i + 16 <= end; i += 16) {
      v128.store(out + i, sgdVec(v128.load(param + i), v128.load(grad + i), lr));
    }
  }
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(param + i) - learningRate * load<f32>(grad + i));
}

/**
 * Momentum SGD (Keras / tfjs form): v = μ·v − lr·g; then out = p + v, or with Nesterov
 * out = p + μ·v − lr·g (the look-ahead step). `velocity` has n floats.
 */
export function momentumUpdate(out: usize, param: usize, grad: usize, velocity: usize, learningRate: f32, momentum: f32, nesterov: i32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const lr = f32x4.splat(learningRate), mu = f32x4.splat(momentum);
    for (; i + 16 <= end; i += 16) {
      const g = f32x4.mul(lr, v128.load(grad + i));
      const v = f32x4.sub(f32x4.mul(mu, v128.load(velocity + i)), g);
      v128.store(velocity + i, v);
      const step = nesterov ? f32x4.sub(f32x4.mul(mu, v), g) : v;
      v128.store(out + i, f32x4.add(v128.load(param + i), step));
    }
  }
  for (; i < end; i += 4) {
    const g = learningRate * load<f32>(grad + i);
    const v = momentum * load<f32>(velocity + i) - g;
    store<f32>(velocity + i, v);
    store<f32>(out + i, load<f32>(param + i) + (nesterov ? momentum * v - g : v));
  }
}

/** Adam on 4 floats (the rule of adamUpdate below). */
@inline function adamVec(
  out: usize, param: usize, grad: usize, m: usize, v: usize, b1: v128, b2: v128, o1: v128, o2: v128, lr: v128, eps: v128, k1: v128, k2: v128,
): void {
  const g = v128.load(grad);
  const mm = f32x4.add(f32x4.mul(b1, v128.load(m)), f32x4.mul(o1, g));
  const vv = f32x4.add(f32x4.mul(b2, v128.load(v)), f32x4.mul(o2, f32x4.mul(g, g)));
  v128.store(m, mm);
  v128.store(v, vv);
  const step = f32x4.div(f32x4.mul(lr, f32x4.mul(mm, k1)), f32x4.add(f32x4.sqrt(f32x4.mul(vv, k2)), eps));
  v128.store(out, f32x4.sub(v128.load(param), step));
}

/**
 * Adam (Kingma & Ba), bias-corrected: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
 * out = p − lr · (m·c1) / (√(v·c2) + ε), where c1 = 1/(1 − β1^t) and c2 = 1/(1 − β2^t) for step t.
 */
export function adamUpdate(
  out: usize, param: usize, grad: usize, m: usize, v: usize, learningRate: f32, beta1: f32, beta2: f32, epsilon: f32,
  c1: f32, c2: f32, n: i32,
): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), o1 = f32x4.splat(1 - beta1), o2 = f32x4.splat(1 - beta2);
    const lr = f32x4.splat(learningRate), eps = f32x4.splat(epsilon), k1 = f32x4.splat(c1), k2 = f32x4.splat(c2);
    // four vectors a step: the square roots and divisions of neighbours overlap (1.3x a vector a step)
    for (; i + 64 <= end; i += 64) {
      adamVec(out + i, param + i, grad + i, m + i, v + i, b1, b2, o1, o2, lr, eps, k1, k2);
      adamVec(out + i + 16, param + i + 16, grad + i + 16, m + i + 16, v + i + 16, b1, b2, o1, o2, lr, eps, k1, k2);
      adamVec(out + i + 32, param + i + 32, grad + i + 32, m + i + 32, v + i + 32, b1, b2, o1, o2, lr, eps, k1, k2);
      adamVec(out + i + 48, param + i + 48, grad + i + 48, m + i + 48, v + i + 48, b1, b2, o1, o2, lr, eps, k1, k2);
    }
    for (; i + 16 <= end; i += 16) adamVec(out + i, param + i, grad + i, m + i, v + i, b1, b2, o1, o2, lr, eps, k1, k2);
  }
  for (; i < end; i += 4) {
    const g = load<f32>(grad + i);
    const mm = beta1 * load<f32>(m + i) + (1 - beta1) * g;
    const vv = beta2 * load<f32>(v + i) + (1 - beta2) * (g * g); // o2·(g·g), as adamVec: not ((1 − β2)·g)·g
    store<f32>(m + i, mm);
    store<f32>(v + i, vv);
    store<f32>(out + i, load<f32>(param + i) - (learningRate * (mm * c1)) / (Mathf.sqrt(vv * c2) + epsilon));
  }
}

/** RMSprop: s = ρ·s + (1 − ρ)·g²; out = p − lr·g / (√s + ε). */
export function rmspropUpdate(out: usize, param: usize, grad: usize, s: usize, learningRate: f32, rho: f32, epsilon: f32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const r = f32x4.splat(rho), o = f32x4.splat(1 - rho), lr = f32x4.splat(learningRate), eps = f32x4.splat(epsilon);
    for (; i + 16 <= end; i += 16) {
      const g = v128.load(grad + i);
      const ss = f32x4.add(f32x4.mul(r, v128.load(s + i)), f32x4.mul(o, f32x4.mul(g, g)));
      v128.store(s + i, ss);
      v128.store(out + i, f32x4.sub(v128.load(param + i), f32x4.div(f32x4.mul(lr, g), f32x4.add(f32x4.sqrt(ss), eps))));
    }
  }
  for (; i < end; i += 4) {
    const g = load<f32>(grad + i);
    const ss = rho * load<f32>(s + i) + (1 - rho) * (g * g); // o·(g·g), as the SIMD lanes
    store<f32>(s + i, ss);
    store<f32>(out + i, load<f32>(param + i) - (learningRate * g) / (Mathf.sqrt(ss) + epsilon));
  }
}

/** Regularization, added to a weight gradient in place: g += l1·sign(w) + l2·w. */
export function regularizeGrad(grad: usize, param: usize, l1: f32, l2: f32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f32x4.splat(l1), b = f32x4.splat(l2);
    for (; i + 16 <= end; i += 16) v128.store(grad + i, regularizedVec(v128.load(grad + i), v128.load(param + i), a, b));
  }
  for (; i < end; i += 4) {
    const w = load<f32>(param + i);
    const sign: f32 = w > 0 ? 1 : w < 0 ? -1 : 0;
    store<f32>(grad + i, load<f32>(grad + i) + (l1 * sign + l2 * w)); // g + (l1·sign + l2·w), as regularizedVec
  }
}
