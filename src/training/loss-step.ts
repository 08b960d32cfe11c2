/**
 * The loss and its gradient on a batch in linear memory, for the step-by-step path: a built-in
 * loss runs its kernels; a user's `Loss` subclass gets the batch as matrices and its TypeScript
 * `forward`/`backward` run, with their results checked before they reach the kernels.
 *
 * @module
 * @internal
 */
import type { Backend } from '../backend/heap.js';
import { readMatrix } from '../core/scratch.js';
import { returnedMatrix } from '../core/matrix.js';
import { userCall } from '../core/validate.js';
import { lossKernel, type Loss } from '../nn/losses.js';

/**
 * The mean loss of `rows`×`cols` predictions at `pred` against targets at `target`.
 *
 * @internal
 */
export function lossValue(be: Backend, loss: Loss, slot: number, pred: number, target: number, rows: number, cols: number, op: string): number {
  const k = lossKernel(loss);
  if (k) {
    k.value(be, slot, pred, target, rows, cols);
    return be.readF64(slot);
  }
  const P = readMatrix(be, pred, rows, cols);
  if (!P.data.every(Number.isFinite)) return NaN; // diverged: no user code sees non-finite predictions
  const T = readMatrix(be, target, rows, cols);
  const v: unknown = userCall(`${op}: ${loss.name}.forward`, () => loss.forward(P, T));
  if (typeof v !== 'number') throw new Error(`${op}: ${loss.name}.forward must return a number, got ${String(v)}`);
  return v;
}

/**
 * Write d(loss)/d(pred) at `out` (rows×cols floats).
 *
 * @internal
 */
export function lossGrad(be: Backend, loss: Loss, out: number, pred: number, target: number, rows: number, cols: number, op: string): void {
  const k = lossKernel(loss);
  if (k) {
    k.grad(be, out, pred, target, rows, cols);
    return;
  }
  const P = readMatrix(be, pred, rows, cols), T = readMatrix(be, target, rows, cols);
  const g: unknown = userCall(`${op}: ${loss.name}.backward`, () => loss.backward(P, T));
  be.write(out, returnedMatrix(op, `${loss.name}.backward`, g, rows, cols).data);
}
