// The machine's limit for the gemm kernels, measured with the gemm's own 4×8 register tile
// (gemm.ts tile4x8: 8 f32x4 accumulators, A broadcast with load32_splat, B from a packed panel)
// on L1-resident data: no packing, no cache misses, no tails. What `npm run bench` calls "the
// limit" (GFLOP/s = reps · kc · 64 / seconds). The relaxed builds run it with relaxed_madd.

import { tile4x8 } from './gemm';

/**
 * Run the 4×8 tile `reps` times over a kc-deep panel: A is 4 rows of kc floats at `a`
 * (row-major), B is the packed panel (kc rows of 8 floats) at `b`, and C (4 rows of 8 floats)
 * at `c` accumulates every pass (so nothing is optimised away). 64·kc·reps floating-point ops.
 */
export function peakTile(c: usize, a: usize, b: usize, kc: i32, reps: i32): void {
  if (!ASC_FEATURE_SIMD || kc <= 0) return;
  const K = <usize>kc;
  for (let r = 0; r < reps; r++) tile4x8(c, a, b, K, K << 2, 4, 32, 8, true, 0, 0);
}
