// One interface over the three implementations of every kernel: the plain-TS reference
// (src/reference), and the SIMD and scalar WASM builds. WASM kernels take pointers; the adapter
// here copies typed arrays into linear memory (one block per distinct array, so passing the same
// array twice tests aliasing), calls the kernel, and copies every array back.
import { buildSupported, loadBackend } from '../../src/backend/load.js';
import { type Backend } from '../../src/backend/heap.js';
import * as activations from '../../src/reference/activations.js';
import * as bias from '../../src/reference/bias.js';
import * as dense from '../../src/reference/dense.js';
import * as gemm from '../../src/reference/gemm.js';
import * as losses from '../../src/reference/losses.js';
import * as metrics from '../../src/reference/metrics.js';
import * as optimizers from '../../src/reference/optimizers.js';
import { RandomState } from '../../src/core/random.js';

type Arg = Float32Array | Float64Array | Int32Array | number;
export type KernelFn = (...args: Arg[]) => void;
export type KernelSet = Record<string, KernelFn>;

const { ACTIVATION_IDS: _ids, ...denseKernels } = dense;
export const reference = { ...gemm, ...bias, ...activations, ...losses, ...optimizers, ...metrics, ...denseKernels } as unknown as KernelSet;

export function wasmKernels(be: Backend): KernelSet {
  const set: KernelSet = {};
  for (const name of Object.keys(reference)) {
    const kernel = (be.kernels as unknown as Record<string, (...a: number[]) => void>)[name];
    if (typeof kernel !== 'function') throw new Error(`no wasm kernel ${name}`);
    set[name] = (...args: Arg[]) => {
      const arrays = [...new Set(args.filter((a): a is Exclude<Arg, number> => typeof a !== 'number'))];
      const blocks = arrays.map((a) => be.alloc(a.byteLength, `test ${name}`));
      const mem = () => new Uint8Array(be.kernels.memory.buffer);
      arrays.forEach((a, i) => mem().set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), blocks[i]!.ptr));
      const ptrArgs = args.map((a) => (typeof a === 'number' ? a : blocks[arrays.indexOf(a)]!.ptr));
      kernel(...ptrArgs);
      arrays.forEach((a, i) =>
        new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(mem().subarray(blocks[i]!.ptr, blocks[i]!.ptr + a.byteLength)),
      );
      blocks.forEach((b) => be.release(b));
    };
  }
  return set;
}

export interface Impl {
  name: string;
  k: KernelSet;
}

/**
 * The names of the WASM builds under test: SIMD and scalar always; relaxed SIMD too (Node ≥ 22
 * has it; vitest runs its workers on Node 20 with --experimental-wasm-relaxed-simd, see
 * vitest.config.ts, so it is required).
 */
export const BUILDS = ['simd', 'scalar', 'relaxed'] as const;

/** The WASM builds under test, instantiated. */
export async function wasmImpls(): Promise<Impl[]> {
  if (!buildSupported('relaxed')) throw new Error(`the relaxed-SIMD build does not validate on Node ${process.version}: run vitest through vitest.config.ts (Node 20 needs --experimental-wasm-relaxed-simd)`);
  const simd = await loadBackend('simd');
  const scalar = await loadBackend('scalar');
  const relaxed = await loadBackend('relaxed');
  if (simd.kernels.simdEnabled() !== 1 || scalar.kernels.simdEnabled() !== 0 || relaxed.kernels.simdEnabled() !== 1) {
    throw new Error('builds mixed up');
  }
  return [
    { name: 'simd', k: wasmKernels(simd) },
    { name: 'scalar', k: wasmKernels(scalar) },
    { name: 'relaxed', k: wasmKernels(relaxed) },
  ];
}

/** Seeded uniform values in [lo, hi). */
export function randomF32(rng: RandomState, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.random();
  return a;
}

/** Max of |a − b| / (atol + rtol·|b|) over elements; ≤ 1 means close. */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / (atol + rtol * Math.abs(y)));
  }
  return worst;
}
