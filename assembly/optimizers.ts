// Parameter updates.

// Each update writes the new parameters to `out` and reads the old ones from `param`: the same
// pointer updates in place; two pointers keep the old parameters (the training loop alternates
// between two copies instead of backing the weights up before each step). State is in place.
//
// Each scalar loop (the scalar build's whole pass, and the SIMD build's last n mod 4 floats)
// computes what a SIMD lane computes: the same f32 operations in the same order (o·(g·g), not
// (o·g)·g; g + (l1·sign + l2·w), not (g + l1·sign) + l2·w), so every build and every element
// gets the same bits. src/reference/optimizers.ts does the same in TS with Math.fround.
//
// The optimizers' state (momentum's velocity, Adam's moments, RMSprop's mean square) is flushed
// to zero where it falls below 2^-126, the smallest normal f32, as TensorFlow's CPU kernels do
// (flush-to-zero). Where a weight's gradient stays 0 (a ReLU unit inactive over whole batches),
// its state decays geometrically into the subnormal range, and arithmetic on subnormals takes a
// slow path in the CPU: with every moment subnormal, Adam's pass took 4.3× as long (momentum 1.6×,
// RMSprop 2.9×), and W4 spent 20% of its step there. What a flushed value would have done is
// below rounding for any weight not itself tiny: a mean square under 2^-126 adds under 2^-63 to
// √s, below ε's rounding; a momentum under 2^-126 moves no weight above 2^-102; an Adam mean
// under 2^-126 none above 2^-85 (lr 1e-3, ε 1e-7). Adam divides before it scales,
// (lr·c1)·(m / (√(v·c2) + ε)), as PyTorch orders it, so a small but normal m does not go
// subnormal on the way (lr·m first did).

/** The smallest normal f32, 2^-126: state below it in magnitude is flushed to zero. */
const NORMAL_MIN: f32 = 1.1754943508222875e-38;

/** x, or +0 where |x| < 2^-126 (a subnormal, or −0); NaN stays NaN. */
@inline function flushVec(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(NORMAL_MIN)));
}

/** The scalar flushVec. */
@inline function flush(x: f32): f32 {
  return Mathf.abs(x) < NORMAL_MIN ? 0 : x;
}

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
 * Momentum SGD (Keras / tfjs form): v = μ·v − lr·g (flushed); then out = p + v, or with Nesterov
 * out = p + μ·v − lr·g (the look-ahead step). `velocity` has n floats.
 */
export function momentumUpdate(out: usize, param: usize, grad: usize, velocity: usize, learningRate: f32, momentum: f32, nesterov: i32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const lr = f32x4.splat(learningRate), mu = f32x4.splat(momentum);
    for (; i + 16 <= end; i += 16) {
      const g = f32x4.mul(lr, v128.load(grad + i));
      const v = flushVec(f32x4.sub(f32x4.mul(mu, v128.load(velocity + i)), g));
      v128.store(velocity + i, v);
      const step = nesterov ? f32x4.sub(f32x4.mul(mu, v), g) : v;
      v128.store(out + i, f32x4.add(v128.load(param + i), step));
    }
  }
  for (; i < end; i += 4) {
    const g = learningRate * load<f32>(grad + i);
    const v = flush(momentum * load<f32>(velocity + i) - g);
    store<f32>(velocity + i, v);
    store<f32>(out + i, load<f32>(param + i) + (nesterov ? momentum * v - g : v));
  }
}

/** Adam on 4 floats with gradient `g` (the rule of adamUpdate below; `lr` is lr·c1). */
@inline function adamVec(
  out: usize, param: usize, g: v128, m: usize, v: usize, b1: v128, b2: v128, o1: v128, o2: v128, lr: v128, eps: v128, k2: v128,
): void {
  const mm = flushVec(f32x4.add(f32x4.mul(b1, v128.load(m)), f32x4.mul(o1, g)));
  const vv = flushVec(f32x4.add(f32x4.mul(b2, v128.load(v)), f32x4.mul(o2, f32x4.mul(g, g))));
  v128.store(m, mm);
  v128.store(v, vv);
  const w = f32x4.mul(vv, k2);
  // minus (w − w): 0, or NaN where v·c2 overflowed, which m/(√∞ + ε) = 0 would hide (the weight
  // would stop moving for good, silently); NaN stops training as divergence
  const step = f32x4.sub(f32x4.mul(lr, f32x4.div(mm, f32x4.add(f32x4.sqrt(w), eps))), f32x4.sub(w, w));
  v128.store(out, f32x4.sub(v128.load(param), step));
}

/**
 * Adam (Kingma & Ba), bias-corrected: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g² (both
 * flushed); out = p − (lr·c1) · (m / (√(v·c2) + ε)), where c1 = 1/(1 − β1^t) and
 * c2 = 1/(1 − β2^t) for step t: lr·m̂/(√v̂ + ε); NaN where v·c2 overflowed.
 */
export function adamUpdate(
  out: usize, param: usize, grad: usize, m: usize, v: usize, learningRate: f32, beta1: f32, beta2: f32, epsilon: f32,
  c1: f32, c2: f32, n: i32,
): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), o1 = f32x4.splat(1 - beta1), o2 = f32x4.splat(1 - beta2);
    const lr = f32x4.splat(learningRate * c1), eps = f32x4.splat(epsilon), k2 = f32x4.splat(c2);
    // four vectors a step: the square roots and divisions of neighbours overlap (1.3x a vector a step)
    for (; i + 64 <= end; i += 64) {
      adamVec(out + i, param + i, v128.load(grad + i), m + i, v + i, b1, b2, o1, o2, lr, eps, k2);
      adamVec(out + i + 16, param + i + 16, v128.load(grad + i + 16), m + i + 16, v + i + 16, b1, b2, o1, o2, lr, eps, k2);
      adamVec(out + i + 32, param + i + 32, v128.load(grad + i + 32), m + i + 32, v + i + 32, b1, b2, o1, o2, lr, eps, k2);
      adamVec(out + i + 48, param + i + 48, v128.load(grad + i + 48), m + i + 48, v + i + 48, b1, b2, o1, o2, lr, eps, k2);
    }
    for (; i + 16 <= end; i += 16) adamVec(out + i, param + i, v128.load(grad + i), m + i, v + i, b1, b2, o1, o2, lr, eps, k2);
  }
  for (; i < end; i += 4) {
    const g = load<f32>(grad + i);
    const mm = flush(beta1 * load<f32>(m + i) + (1 - beta1) * g);
    const vv = flush(beta2 * load<f32>(v + i) + (1 - beta2) * (g * g)); // o2·(g·g), as adamVec: not ((1 − β2)·g)·g
    store<f32>(m + i, mm);
    store<f32>(v + i, vv);
    const w = vv * c2;
    store<f32>(out + i, load<f32>(param + i) - ((learningRate * c1) * (mm / (Mathf.sqrt(w) + epsilon)) - (w - w)));
  }
}

/** RMSprop: s = ρ·s + (1 − ρ)·g² (flushed); out = p − lr·g / (√s + ε); NaN where s overflowed (as Adam). */
export function rmspropUpdate(out: usize, param: usize, grad: usize, s: usize, learningRate: f32, rho: f32, epsilon: f32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const r = f32x4.splat(rho), o = f32x4.splat(1 - rho), lr = f32x4.splat(learningRate), eps = f32x4.splat(epsilon);
    for (; i + 16 <= end; i += 16) {
      const g = v128.load(grad + i);
      const ss = flushVec(f32x4.add(f32x4.mul(r, v128.load(s + i)), f32x4.mul(o, f32x4.mul(g, g))));
      v128.store(s + i, ss);
      const step = f32x4.sub(f32x4.div(f32x4.mul(lr, g), f32x4.add(f32x4.sqrt(ss), eps)), f32x4.sub(ss, ss));
      v128.store(out + i, f32x4.sub(v128.load(param + i), step));
    }
  }
  for (; i < end; i += 4) {
    const g = load<f32>(grad + i);
    const ss = flush(rho * load<f32>(s + i) + (1 - rho) * (g * g)); // o·(g·g), as the SIMD lanes
    store<f32>(s + i, ss);
    store<f32>(out + i, load<f32>(param + i) - ((learningRate * g) / (Mathf.sqrt(ss) + epsilon) - (ss - ss)));
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
