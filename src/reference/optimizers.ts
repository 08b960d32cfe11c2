/**
 * Plain-TypeScript twin of assembly/optimizers.ts.
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const w = new Float32Array([1]);
 * sgdUpdate(w, w, new Float32Array([2]), 0.1, 1); // in place: out is param
 * w; // Float32Array [0.8]
 * ```
 * @module
 */

/**
 * Each update below is the f32 arithmetic of a SIMD lane of assembly/optimizers.ts, operation for
 * operation in the same order, each result rounded to f32 (`f`, Math.fround): so the reference,
 * the SIMD lanes, the scalar tails and the scalar build all give the same bits. (One f64 operation
 * on f32 values rounded once to f32 is the f32 operation: the double rounding is harmless for
 * +, −, ×, ÷ and √.) The hyperparameters are rounded too, as a kernel's f32 parameters are.
 */
const f = Math.fround;

/** The smallest normal f32, 2^-126. */
const NORMAL_MIN = 2 ** -126;

/**
 * x, or +0 where |x| < 2^-126 (a subnormal f32, or −0); NaN stays NaN. The optimizers' state is
 * flushed so, as the kernels flush it (assembly/optimizers.ts says why).
 */
const flush = (x: number): number => (Math.abs(x) < NORMAL_MIN ? 0 : x);

/** out = param − learningRate · grad (out may be param). */
export function sgdUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, learningRate: number, n: number): void {
  const lr = f(learningRate);
  for (let i = 0; i < n; i++) out[i] = f(param[i]! - f(lr * grad[i]!));
}

/** Momentum SGD: v = μv − lr·g (flushed); out = p + v (or p + μv − lr·g with Nesterov). */
export function momentumUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, velocity: Float32Array, learningRate: number, momentum: number, nesterov: number, n: number): void {
  const lr = f(learningRate), mu = f(momentum);
  for (let i = 0; i < n; i++) {
    const g = f(lr * grad[i]!);
    const v = flush(f(f(mu * velocity[i]!) - g));
    velocity[i] = v;
    out[i] = f(param[i]! + (nesterov ? f(f(mu * v) - g) : v));
  }
}

/**
 * Adam, bias-corrected with c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t): m = β1·m + o1·g, v = β2·v + o2·(g·g)
 * (o = 1 − β; both flushed); out = p − (lr·c1)·(m / (√(v·c2) + ε)), NaN where v·c2 overflowed.
 */
export function adamUpdate(
  out: Float32Array, param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, learningRate: number, beta1: number,
  beta2: number, epsilon: number, c1: number, c2: number, n: number,
): void {
  const b1 = f(beta1), b2 = f(beta2), o1 = f(1 - b1), o2 = f(1 - b2);
  const lr = f(f(learningRate) * f(c1)), eps = f(epsilon), k2 = f(c2);
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mm = flush(f(f(b1 * m[i]!) + f(o1 * g)));
    const vv = flush(f(f(b2 * v[i]!) + f(o2 * f(g * g))));
    m[i] = mm;
    v[i] = vv;
    const w = f(vv * k2); // minus (w − w): NaN where v·c2 overflowed, as the kernels
    out[i] = f(param[i]! - f(f(lr * f(mm / f(f(Math.sqrt(w)) + eps))) - f(w - w)));
  }
}

/** RMSprop: s = ρs + (1 − ρ)·(g·g) (flushed); out = p − lr·g/(√s + ε), NaN where s overflowed. */
export function rmspropUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, s: Float32Array, learningRate: number, rho: number, epsilon: number, n: number): void {
  const r = f(rho), o = f(1 - r), lr = f(learningRate), eps = f(epsilon);
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const ss = flush(f(f(r * s[i]!) + f(o * f(g * g))));
    s[i] = ss;
    out[i] = f(param[i]! - f(f(f(lr * g) / f(f(Math.sqrt(ss)) + eps)) - f(ss - ss)));
  }
}

/** g += l1·sign(w) + l2·w, as g + (l1·sign(w) + l2·w); sign(w) is 1, −1 or +0 (also for −0 and NaN), as the kernel's. */
export function regularizeGrad(grad: Float32Array, param: Float32Array, l1: number, l2: number, n: number): void {
  const a = f(l1), b = f(l2);
  for (let i = 0; i < n; i++) {
    const w = param[i]!;
    const sign = w > 0 ? 1 : w < 0 ? -1 : 0;
    grad[i] = f(grad[i]! + f(f(a * sign) + f(b * w)));
  }
}
