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

/** out = param − learningRate · grad (out may be param). */
export function sgdUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, learningRate: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = param[i]! - learningRate * grad[i]!;
}

/** Momentum SGD: v = μv − lr·g; out = p + v (or p + μv − lr·g with Nesterov). */
export function momentumUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, velocity: Float32Array, learningRate: number, momentum: number, nesterov: number, n: number): void {
  const lr = Math.fround(learningRate), mu = Math.fround(momentum);
  for (let i = 0; i < n; i++) {
    const g = lr * grad[i]!;
    const v = mu * velocity[i]! - g;
    velocity[i] = v;
    out[i] = param[i]! + (nesterov ? mu * v - g : v);
  }
}

/** Adam, bias-corrected with c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t). */
export function adamUpdate(
  out: Float32Array, param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, learningRate: number, beta1: number,
  beta2: number, epsilon: number, c1: number, c2: number, n: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mm = beta1 * m[i]! + (1 - beta1) * g;
    const vv = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mm;
    v[i] = vv;
    out[i] = param[i]! - (learningRate * (mm * c1)) / (Math.sqrt(vv * c2) + epsilon);
  }
}

/** RMSprop: s = ρs + (1 − ρ)g²; out = p − lr·g/(√s + ε). */
export function rmspropUpdate(out: Float32Array, param: Float32Array, grad: Float32Array, s: Float32Array, learningRate: number, rho: number, epsilon: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const ss = rho * s[i]! + (1 - rho) * g * g;
    s[i] = ss;
    out[i] = param[i]! - (learningRate * g) / (Math.sqrt(ss) + epsilon);
  }
}

/** g += l1·sign(w) + l2·w. */
export function regularizeGrad(grad: Float32Array, param: Float32Array, l1: number, l2: number, n: number): void {
  for (let i = 0; i < n; i++) grad[i] = grad[i]! + Math.fround(l1) * Math.sign(param[i]!) + Math.fround(l2) * param[i]!;
}
