// The machine's limit for the gemm kernels, measured with the gemm's own 4×8 register tile
// (gemm.ts tile4x8: 8 f32x4 accumulators, A broadcast with load32_splat, B from a packed panel)
// on L1-resident data, the way the packed gemm sweeps it: 16 tiles down one panel, no packing,
// no cache misses, no tails. A is laid out as the dW product reads it (the 4 values a tile
// broadcasts at each step in one 16-byte group), the tile's fastest case. What `npm run bench`
// calls "the limit" (GFLOP/s = 16 · 64 · kc · reps / seconds). The relaxed builds run it with
// relaxed_madd.
//
// A module of its own (`npm run build:wasm` compiles it for the simd and relaxed targets into
// build/scratchnet.peak.<target>.wasm): the bench instantiates it beside the kernels, and the
// shipped builds do not carry it.

import { tile4x8 } from './gemm';

/**
 * Run 16 4×8 tiles down a kc-deep packed panel, `reps` times: A is 64 rows of kc floats stored
 * column by column (A(i, p) at a + 4·i + 256·p), B the packed panel (kc rows of 8 floats) at
 * `b`, and C (64 rows of 8 floats) at `c` is overwritten by each pass. 1024·kc·reps floating-point
 * operations; at kc = 64, A, B and C take 20 KiB (L1).
 */
export function peakTile(c: usize, a: usize, b: usize, kc: i32, reps: i32): void {
  if (kc <= 0) return;
  const K = <usize>kc;
  for (let r = 0; r < reps; r++) {
    for (let i: usize = 0; i < 16; i++) tile4x8(c + (i << 7), a + (i << 4), b, K, 4, 256, 32, 8, false, 0, 0);
  }
}

/** First byte of linear memory free for the operands. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
