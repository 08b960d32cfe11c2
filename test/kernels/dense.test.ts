// The fused dense forward kernel (assembly/dense.ts: gemm with a bias + activation epilogue)
// against src/reference/dense.ts, in every build, on shapes that take the packed path with its
// per-row-block epilogue and shapes that do not.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { ACTIVATION_IDS } from '../../src/reference/dense.js';
import { BUILDS, closeness, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

// [rows, out, inp]: packed with epilogue (rows ≥ 4, 8 ≤ out ≤ 512), rows across several
// 128-row blocks, out > 512 (no epilogue), tiny ones (unpacked path)
const shapes: [number, number, number][] = [
  [64, 256, 784], [300, 10, 64], [5, 9, 300], [133, 17, 40], [4, 8, 128], [7, 513, 9], [3, 5, 2], [1, 1, 1], [4, 1, 2],
];

describe.each(BUILDS)('denseForward, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  ACTIVATION_IDS.forEach((name, id) => {
    it(`${name}: z and y match gemm + bias + activation`, () => {
      const rng = new RandomState(id + 20);
      for (const [rows, out, inp] of shapes) {
        const x = randomF32(rng, rows * inp), w = randomF32(rng, inp * out, -0.2, 0.2), b = randomF32(rng, out);
        const zw = new Float32Array(rows * out), yw = new Float32Array(rows * out);
        const zg = new Float32Array(rows * out).fill(5), yg = new Float32Array(rows * out).fill(5);
        reference.denseForward!(zw, yw, x, w, b, rows, out, inp, id, 0.1);
        k().denseForward!(zg, yg, x, w, b, rows, out, inp, id, 0.1);
        expect(closeness(zg, zw, 1e-4, 1e-5), `${name} z ${rows}x${out}x${inp}`).toBeLessThanOrEqual(1);
        expect(closeness(yg, yw, 1e-4, 1e-5), `${name} y ${rows}x${out}x${inp}`).toBeLessThanOrEqual(1);
      }
    });
  });
});
