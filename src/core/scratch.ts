/**
 * Temporary linear memory for one-off operations (matmul, Activation.forward, Loss.forward):
 * copy inputs in, run a kernel, copy results out, release. Networks use their arenas instead.
 *
 * @module
 */
import type { Backend } from '../backend/heap.js';
import { ownedMatrix, type Matrix } from './matrix.js';

/**
 * Allocate room for `sizes` floats each (16-byte aligned), call `fn` with their pointers, and
 * release the memory afterwards, even when `fn` throws.
 *
 * @internal
 */
export function withScratch<T>(b: Backend, what: string, sizes: readonly number[], fn: (ptrs: number[]) => T): T {
  const aligned = sizes.map((n) => Math.ceil(Math.max(n, 2) / 4) * 4);
  const block = b.alloc(aligned.reduce((s, n) => s + n * 4, 0), what);
  try {
    const ptrs: number[] = [];
    let p = block.ptr;
    for (const n of aligned) {
      ptrs.push(p);
      p += n * 4;
    }
    return fn(ptrs);
  } finally {
    b.release(block);
  }
}

/**
 * Read a rows×cols matrix out of linear memory into a new JS-owned Matrix.
 *
 * @internal
 */
export function readMatrix(b: Backend, ptr: number, rows: number, cols: number): Matrix {
  return ownedMatrix(rows, cols, b.read(ptr, rows * cols));
}

/**
 * Throw what `toMatrix(x, op, name)` would for the first NaN or ±Infinity of `x`, found by one
 * SIMD pass (`firstNonFinite`) over its copy at `ptr` in linear memory: of all of `x`, or of
 * `count` of its values from value `from` on (a block of rows copied in).
 *
 * @internal
 */
export function checkFiniteCopy(b: Backend, ptr: number, x: Matrix, op: string, name = 'input', from = 0, count = x.data.length - from): void {
  const at = b.kernels.firstNonFinite(ptr, count);
  if (at < 0) return;
  const i = from + at, r = Math.floor(i / x.cols);
  throw new Error(`${op}: ${name}[${r}][${i - r * x.cols}] is ${x.data[i]}, not a finite number`);
}
