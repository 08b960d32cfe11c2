/**
 * Plain-TypeScript twin of assembly/activations.ts: the same names and signatures
 * (out, x, rows, cols, alpha) / (out, grad, x, y, rows, cols, alpha), in float64 arithmetic.
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const out = new Float32Array(2);
 * reluForward(out, new Float32Array([-1, 2]), 1, 2, 0);
 * out; // Float32Array [0, 2]
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
 * const out = new Float32Array(3);
 * reluForward(out, new Float32Array([-1, 0, 2]), 1, 3, 0);
 * out; // Float32Array [0, 0, 2]
 * ```
 */
export const reluForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => Math.max(0, v));
/**
 * relu — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * reluDerivative(out, new Float32Array([-1, 0, 2]), 1, 3, 0);
 * out; // Float32Array [0, 0, 1]
 * ```
 */
export const reluDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => (v > 0 ? 1 : 0));
/**
 * relu — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * reluBackward(out, new Float32Array([5, 5, 5]), new Float32Array([-1, 0, 2]), new Float32Array([0, 0, 2]), 1, 3, 0);
 * out; // Float32Array [0, 0, 5]
 * ```
 */
export const reluBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (v) => (v > 0 ? 1 : 0));

/**
 * leakyRelu — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * leakyReluForward(out, new Float32Array([-2, 3]), 1, 2, 0.5);
 * out; // Float32Array [-1, 3]
 * ```
 */
export const leakyReluForward = (out: F, x: F, r: number, c: number, a: number) => map(out, x, r * c, (v) => (v > 0 ? v : Math.fround(a) * v));
/**
 * leakyRelu — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * leakyReluDerivative(out, new Float32Array([-2, 3]), 1, 2, 0.5);
 * out; // Float32Array [0.5, 1]
 * ```
 */
export const leakyReluDerivative = (out: F, x: F, r: number, c: number, a: number) => map(out, x, r * c, (v) => (v > 0 ? 1 : a));
/**
 * leakyRelu — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * leakyReluBackward(out, new Float32Array([4, 4]), new Float32Array([-2, 3]), new Float32Array([-1, 3]), 1, 2, 0.5);
 * out; // Float32Array [2, 4]
 * ```
 */
export const leakyReluBackward = (out: F, g: F, x: F, y: F, r: number, c: number, a: number) => mapGrad(out, g, x, y, r * c, (v) => (v > 0 ? 1 : Math.fround(a)));

/**
 * linear — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * linearForward(out, new Float32Array([-3, 2]), 1, 2, 0);
 * out; // Float32Array [-3, 2]
 * ```
 */
export const linearForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => v);
/**
 * linear — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * linearDerivative(out, new Float32Array([-3, 2]), 1, 2, 0);
 * out; // Float32Array [1, 1]
 * ```
 */
export const linearDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, () => 1);
/**
 * linear — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * linearBackward(out, new Float32Array([4, 5]), new Float32Array([-3, 2]), new Float32Array([-3, 2]), 1, 2, 0);
 * out; // Float32Array [4, 5]
 * ```
 */
export const linearBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, () => 1);

/**
 * sigmoid — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * sigmoidForward(out, new Float32Array([0]), 1, 1, 0);
 * out; // Float32Array [0.5]
 * ```
 */
export const sigmoidForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, sigmoid);
/**
 * sigmoid — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * sigmoidDerivative(out, new Float32Array([0]), 1, 1, 0);
 * out; // Float32Array [0.25]
 * ```
 */
export const sigmoidDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => sigmoid(v) * (1 - sigmoid(v)));
/**
 * sigmoid — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * sigmoidBackward(out, new Float32Array([2]), new Float32Array([0]), new Float32Array([0.5]), 1, 1, 0);
 * out; // Float32Array [0.5]
 * ```
 */
export const sigmoidBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (_x, s) => s * (1 - s));

/**
 * tanh — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * tanhForward(out, new Float32Array([0]), 1, 1, 0);
 * out; // Float32Array [0]
 * ```
 */
export const tanhForward = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, Math.tanh);
/**
 * tanh — out = f'(x), the derivative at the pre-activation; twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * tanhDerivative(out, new Float32Array([0]), 1, 1, 0);
 * out; // Float32Array [1]
 * ```
 */
export const tanhDerivative = (out: F, x: F, r: number, c: number, _a: number) => map(out, x, r * c, (v) => 1 - Math.tanh(v) ** 2);
/**
 * tanh — out = grad ⊙ f'(x) (softmax: the Jacobian-vector product); y = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * tanhBackward(out, new Float32Array([3]), new Float32Array([0]), new Float32Array([0]), 1, 1, 0);
 * out; // Float32Array [3]
 * ```
 */
export const tanhBackward = (out: F, g: F, x: F, y: F, r: number, c: number, _a: number) => mapGrad(out, g, x, y, r * c, (_x, t) => 1 - t * t);

/**
 * softmax — out = f(x); twin of the kernel of the same name.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * softmaxForward(out, new Float32Array([0, 0]), 1, 2, 0);
 * out; // Float32Array [0.5, 0.5]
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
 * const out = new Float32Array(2);
 * softmaxDerivative(out, new Float32Array([0, 0]), 1, 2, 0);
 * out; // Float32Array [0.25, 0.25]
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
 * const out = new Float32Array(2);
 * softmaxBackward(out, new Float32Array([1, 0]), new Float32Array([0, 0]), new Float32Array([0.5, 0.5]), 1, 2, 0);
 * out; // Float32Array [0.25, -0.25]
 * ```
 */
export function softmaxBackward(out: F, grad: F, _x: F, y: F, rows: number, cols: number, _a: number): void {
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += grad[i * cols + j]! * y[i * cols + j]!;
    for (let j = 0; j < cols; j++) out[i * cols + j] = y[i * cols + j]! * (grad[i * cols + j]! - dot);
  }
}
