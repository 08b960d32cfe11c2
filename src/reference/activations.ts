/**
 * Plain-TypeScript twin of assembly/activations.ts: the same names and signatures
 * (out, x, rows, cols, alpha) / (out, grad, x, y, rows, cols, alpha), in float64 arithmetic.
 *
 * @example
 * ```ts
 * import { reluForward } from 'scratchnet/dist/reference/activations.js';
 * const out = new Float32Array(2);
 * reluForward(out, new Float32Array([-1, 2]), 1, 2, 0); // out = [0, 2]
 * ```
 * @module
 */
type F = Float32Array;

function map(out: F, x: F, n: number, f: (v: number) => number): void {
  for (let i = 0; i < n; i++) out[i] = f(x[i]!);
}
function mapGrad(out: F, grad: F, x: F, y: F, n: number, d: (x: number, y: number) => number): void {
  for (let i = 0; i < n; i++) out[i] = grad[i]! * d(x[i]!, y[i]!);
}
const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * relu — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * reluForward(out, x, 2, 3, 0.01);
 * ```
 */
export const reluForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => Math.max(0, v));
/**
 * relu — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * reluDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export const reluDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => (v > 0 ? 1 : 0));
/**
 * relu — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * reluBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export const reluBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (v) => (v > 0 ? 1 : 0));

/**
 * leakyRelu — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * leakyReluForward(out, x, 2, 3, 0.01);
 * ```
 */
export const leakyReluForward = (out: F, x: F, r: number, c: number, a: number) => map(out, x, r * c, (v) => (v > 0 ? v : Math.fround(a) * v));
/**
 * leakyRelu — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * leakyReluDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export const leakyReluDerivative = (out: F, x: F, r: number, c: number, a: number) => map(out, x, r * c, (v) => (v > 0 ? 1 : a));
/**
 * leakyRelu — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * leakyReluBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export const leakyReluBackward = (out: F, g: F, x: F, y: F, r: number, c: number, a: number) => mapGrad(out, g, x, y, r * c, (v) => (v > 0 ? 1 : Math.fround(a)));

/**
 * linear — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * linearForward(out, x, 2, 3, 0.01);
 * ```
 */
export const linearForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => v);
/**
 * linear — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * linearDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export const linearDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, () => 1);
/**
 * linear — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * linearBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export const linearBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, () => 1);

/**
 * sigmoid — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * sigmoidForward(out, x, 2, 3, 0.01);
 * ```
 */
export const sigmoidForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, sigmoid);
/**
 * sigmoid — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * sigmoidDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export const sigmoidDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => sigmoid(v) * (1 - sigmoid(v)));
/**
 * sigmoid — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * sigmoidBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export const sigmoidBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (_x, s) => s * (1 - s));

/**
 * tanh — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * tanhForward(out, x, 2, 3, 0.01);
 * ```
 */
export const tanhForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, Math.tanh);
/**
 * tanh — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * tanhDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export const tanhDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => 1 - Math.tanh(v) ** 2);
/**
 * tanh — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * tanhBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export const tanhBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (_x, t) => 1 - t * t);

/**
 * softmax — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * softmaxForward(out, x, 2, 3, 0.01);
 * ```
 */
export function softmaxForward(out: F, x: F, rows: number, cols: number, _a: number): void {
  for (let i = 0; i < rows; i++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[i * cols + j]!);
    let s = 0;
    const e: number[] = [];
    for (let j = 0; j < cols; j++) s += e[j] = Math.exp(x[i * cols + j]! - m);
    for (let j = 0; j < cols; j++) out[i * cols + j] = e[j]! / s;
  }
}

/**
 * softmax — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * softmaxDerivative(out, x, 2, 3, 0.01);
 * ```
 */
export function softmaxDerivative(out: F, x: F, rows: number, cols: number, a: number): void {
  const s = new Float64Array(rows * cols);
  const tmp = new Float32Array(rows * cols);
  softmaxForward(tmp, x, rows, cols, a);
  s.set(tmp);
  for (let i = 0; i < rows * cols; i++) out[i] = s[i]! * (1 - s[i]!);
}

/**
 * softmax — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * softmaxBackward(out, grad, x, y, 2, 3, 0.01);
 * ```
 */
export function softmaxBackward(out: F, grad: F, _x: F, y: F, rows: number, cols: number, _a: number): void {
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += grad[i * cols + j]! * y[i * cols + j]!;
    for (let j = 0; j < cols; j++) out[i * cols + j] = y[i * cols + j]! * (grad[i * cols + j]! - dot);
  }
}
