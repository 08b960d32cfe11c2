// General matrix multiply on row-major, densely packed f32 matrices:
//
//   gemm:            C  = op(A) · op(B)
//   gemmAccumulate:  C += op(A) · op(B)
//
// C is m×n. op(A) is m×k: A is stored m×k, or k×m when transA ≠ 0 (then op(A) = Aᵀ).
// op(B) is k×n: B is stored k×n, or n×k when transB ≠ 0 (then op(B) = Bᵀ).
// One kernel serves the forward product and both backward products of a dense layer:
//   Y = X·W (0, 0)   dW = Xᵀ·dY (1, 0)   dX = dY·Wᵀ (0, 1).
// C must not overlap A or B (the host checks). No transpose is ever materialised.

// Strides below are in bytes: A(i, p) = a + i*ars + p*acs, B(p, j) = b + p*brs + j*bcs.
//
// SIMD build, large products: B is packed (by the kernel, into host-provided scratch) into
// panels 8 floats wide and KC deep, each panel swept by 4×8 register tiles of C (8 f32x4
// accumulators; A values broadcast with load32_splat straight from A, whatever its layout).
// Blocking: K is cut into equal blocks of at most KC = 400 rows of B (a panel ≤ 12.5 KiB, stays in
// L1), NC = 512 columns per packing pass (≤ 800 KiB, L2 and beyond). Each K block adds its sum
// into C, so fewer blocks mean fewer passes over C: a 784-deep product (MNIST's inputs) takes two
// blocks of 392 instead of 256, 256, 256 and 16 (predict()'s 10,000×784·784×256: 5–6% faster, C
// being too large for the caches). Small products skip packing (rowsTimesPanel / dotRows /
// columnsTimesScalars). Threads build: a large product is split into one share per thread, of
// whole column panels (or, when A's K block is too large for L2, of rows), each share in chunks; a
// thread done with its own share takes the unclaimed chunks of the others (parallelProduct,
// productShare).

import { ActivationId, Command, ProductFlag, ProductJob } from '../src/backend/contract';
import { biasActivate } from './epilogue';
import { stepPacked, stepTile } from './gradient-step';
import { activeThreads, chunkUnits, join, jobWord, panelShare, post, runShares, settle } from './threads';

const KC: usize = 400;
const NC: usize = 512;
const MC: usize = 128;
/** Bytes of packing scratch the SIMD gemm needs (set with setScratch before large products). */
export const GEMM_SCRATCH_BYTES: usize = KC * NC * 4;

/** The depth of each K block of a K-deep product: K cut into equal blocks of at most KC rows. */
@inline function blockDepth(K: usize): usize {
  const blocks = (K + KC - 1) / KC;
  return (K + blocks - 1) / blocks;
}
let scratch: usize = 0;

/** Give the kernels `bytes` of scratch memory at `ptr` (owned by the host, 16-byte aligned). */
export function setScratch(ptr: usize, bytes: usize): void {
  scratch = bytes >= GEMM_SCRATCH_BYTES ? ptr : 0;
}

/** Bytes of scratch memory the kernels want (GEMM_SCRATCH_BYTES). */
export function scratchBytes(): usize {
  return GEMM_SCRATCH_BYTES;
}

// Products smaller than this (m·n·k) are not worth packing.
const PACK_MIN_WORK: u64 = 16 * 16 * 16;

/** Multiply-adds of an M×K · K×N product, in 64 bits (M·N·K passes 2^32 at 512·4096·2048). */
@inline function work(M: usize, N: usize, K: usize): u64 {
  return <u64>M * <u64>N * <u64>K;
}

export function gemm(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32): void {
  multiply(c, a, b, m, n, k, transA != 0, transB != 0, false);
}

export function gemmAccumulate(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32): void {
  multiply(c, a, b, m, n, k, transA != 0, transB != 0, true);
}

@inline
function multiply(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, acc: bool): void {
  if (m <= 0 || n <= 0) return;
  const M = <usize>m, N = <usize>n, K = <usize>k;
  const ars: usize = transA ? 4 : K << 2;
  const acs: usize = transA ? M << 2 : 4;
  const brs: usize = transB ? 4 : N << 2;
  const bcs: usize = transB ? K << 2 : 4;
  if (ASC_FEATURE_SIMD) {
    if (scratch != 0 && M >= 4 && N >= 8 && work(M, N, K) >= PACK_MIN_WORK) {
      if (ASC_FEATURE_THREADS && parallelProduct(c, a, b, M, N, K, transA, transB, acc, 0, 0, 0, 0, 0, 0, false)) return;
      packedMultiply(c, a, b, M, N, K, ars, acs, brs, bcs, acc, 0, N, 0, 0, 0, 0, 0, 0, false);
    } else if (!transB) {
      rowsTimesPanel(c, a, b, M, N, K, ars, acs, brs, acc);
    } else if (!transA) {
      dotRows(c, a, b, M, N, K, acc);
    } else {
      columnsTimesScalars(c, a, b, M, N, K, acc);
    }
  } else {
    if (!transB) {
      scalarAxpy(c, a, b, M, N, K, ars, acs, brs, acc);
    } else {
      scalarBlock(c, a, b, 0, M, 0, N, N, K, ars, acs, brs, bcs, acc);
    }
  }
}

// C[i0..i1) × [j0..j1) by scalar dot products: the tail handler and the scalar transB path.
function scalarBlock(
  c: usize, a: usize, b: usize, i0: usize, i1: usize, j0: usize, j1: usize, N: usize, K: usize,
  ars: usize, acs: usize, brs: usize, bcs: usize, acc: bool,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s: f32 = 0;
      let ap = a + i * ars;
      let bp = b + j * bcs;
      for (let p: usize = 0; p < K; p++) {
        s += load<f32>(ap) * load<f32>(bp);
        ap += acs;
        bp += brs;
      }
      const cp = c + ((i * N + j) << 2);
      store<f32>(cp, acc ? load<f32>(cp) + s : s);
    }
  }
}

// Scalar build, B not transposed: row i of C += A(i, p) · row p of B (contiguous rows).
function scalarAxpy(
  c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, ars: usize, acs: usize, brs: usize, acc: bool,
): void {
  for (let i: usize = 0; i < M; i++) {
    const crow = c + ((i * N) << 2);
    if (!acc) memory.fill(crow, 0, N << 2);
    let ap = a + i * ars;
    let brow = b;
    for (let p: usize = 0; p < K; p++) {
      const aip = load<f32>(ap);
      for (let j: usize = 0; j < N; j++) {
        const cp = crow + (j << 2);
        store<f32>(cp, load<f32>(cp) + aip * load<f32>(brow + (j << 2)));
      }
      ap += acs;
      brow += brs;
    }
  }
}

// SIMD, B not transposed (rows of B contiguous): 4×8 and 4×4 register tiles of C, each A value
// broadcast against 4-wide vectors of a row of B; leftover rows and columns go 1×4 / scalar.
function rowsTimesPanel(
  c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, ars: usize, acs: usize, brs: usize, acc: bool,
): void {
  const rowBytes = N << 2;
  let i: usize = 0;
  for (; i + 4 <= M; i += 4) {
    let j: usize = 0;
    for (; j + 8 <= N; j += 8) {
      let c0a = f32x4.splat(0), c0b = f32x4.splat(0), c1a = f32x4.splat(0), c1b = f32x4.splat(0);
      let c2a = f32x4.splat(0), c2b = f32x4.splat(0), c3a = f32x4.splat(0), c3b = f32x4.splat(0);
      let ap = a + i * ars;
      let bp = b + (j << 2);
      for (let p: usize = 0; p < K; p++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const a0 = f32x4.splat(load<f32>(ap));
        const a1 = f32x4.splat(load<f32>(ap + ars));
        const a2 = f32x4.splat(load<f32>(ap + 2 * ars));
        const a3 = f32x4.splat(load<f32>(ap + 3 * ars));
        c0a = f32x4.add(c0a, f32x4.mul(a0, b0)); c0b = f32x4.add(c0b, f32x4.mul(a0, b1));
        c1a = f32x4.add(c1a, f32x4.mul(a1, b0)); c1b = f32x4.add(c1b, f32x4.mul(a1, b1));
        c2a = f32x4.add(c2a, f32x4.mul(a2, b0)); c2b = f32x4.add(c2b, f32x4.mul(a2, b1));
        c3a = f32x4.add(c3a, f32x4.mul(a3, b0)); c3b = f32x4.add(c3b, f32x4.mul(a3, b1));
        ap += acs;
        bp += brs;
      }
      let cp = c + ((i * N + j) << 2);
      storeVec(cp, c0a, acc); storeVec(cp + 16, c0b, acc); cp += rowBytes;
      storeVec(cp, c1a, acc); storeVec(cp + 16, c1b, acc); cp += rowBytes;
      storeVec(cp, c2a, acc); storeVec(cp + 16, c2b, acc); cp += rowBytes;
      storeVec(cp, c3a, acc); storeVec(cp + 16, c3b, acc);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let ap = a + i * ars;
      let bp = b + (j << 2);
      for (let p: usize = 0; p < K; p++) {
        const bv = v128.load(bp);
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(ap)), bv));
        c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(ap + ars)), bv));
        c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(load<f32>(ap + 2 * ars)), bv));
        c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(load<f32>(ap + 3 * ars)), bv));
        ap += acs;
        bp += brs;
      }
      let cp = c + ((i * N + j) << 2);
      storeVec(cp, c0, acc); cp += rowBytes;
      storeVec(cp, c1, acc); cp += rowBytes;
      storeVec(cp, c2, acc); cp += rowBytes;
      storeVec(cp, c3, acc);
    }
    if (j < N) scalarBlock(c, a, b, i, i + 4, j, N, N, K, ars, acs, brs, 4, acc);
  }
  for (; i < M; i++) {
    let j: usize = 0;
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0);
      let ap = a + i * ars;
      let bp = b + (j << 2);
      for (let p: usize = 0; p < K; p++) {
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        ap += acs;
        bp += brs;
      }
      storeVec(c + ((i * N + j) << 2), c0, acc);
    }
    if (j < N) scalarBlock(c, a, b, i, i + 1, j, N, N, K, ars, acs, brs, 4, acc);
  }
}

// SIMD, A not transposed and B transposed: rows of A and stored rows of B are both contiguous in
// p, so each C(i, j) is a 4-lane dot product; four columns of C share each load of A.
function dotRows(c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, acc: bool): void {
  const rowBytes = K << 2;
  const kv = K & ~(<usize>3);
  for (let i: usize = 0; i < M; i++) {
    const arow = a + i * rowBytes;
    let j: usize = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = b + j * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let p: usize = 0;
      for (; p < kv; p += 4) {
        const off = p << 2;
        const av = v128.load(arow + off);
        s0 = f32x4.add(s0, f32x4.mul(av, v128.load(b0 + off)));
        s1 = f32x4.add(s1, f32x4.mul(av, v128.load(b1 + off)));
        s2 = f32x4.add(s2, f32x4.mul(av, v128.load(b2 + off)));
        s3 = f32x4.add(s3, f32x4.mul(av, v128.load(b3 + off)));
      }
      let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (; p < K; p++) {
        const off = p << 2;
        const av = load<f32>(arow + off);
        t0 += av * load<f32>(b0 + off);
        t1 += av * load<f32>(b1 + off);
        t2 += av * load<f32>(b2 + off);
        t3 += av * load<f32>(b3 + off);
      }
      const cp = c + ((i * N + j) << 2);
      storeVec(cp, f32x4(t0, t1, t2, t3), acc);
    }
    for (; j < N; j++) {
      const brow = b + j * rowBytes;
      let s = f32x4.splat(0);
      let p: usize = 0;
      for (; p < kv; p += 4) s = f32x4.add(s, f32x4.mul(v128.load(arow + (p << 2)), v128.load(brow + (p << 2))));
      let t = hsum(s);
      for (; p < K; p++) t += load<f32>(arow + (p << 2)) * load<f32>(brow + (p << 2));
      const cp = c + ((i * N + j) << 2);
      store<f32>(cp, acc ? load<f32>(cp) + t : t);
    }
  }
}

// SIMD, both transposed: op(A)(i..i+3, p) is contiguous (a column of stored A), so a column
// strip of C accumulates as vectors against broadcast B values, then scatters to its rows.
function columnsTimesScalars(c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, acc: bool): void {
  const aStride = M << 2;
  const bRow = K << 2;
  let i: usize = 0;
  for (; i + 4 <= M; i += 4) {
    for (let j: usize = 0; j < N; j++) {
      let s = f32x4.splat(0);
      let ap = a + (i << 2);
      let bp = b + j * bRow;
      for (let p: usize = 0; p < K; p++) {
        s = f32x4.add(s, f32x4.mul(v128.load(ap), f32x4.splat(load<f32>(bp))));
        ap += aStride;
        bp += 4;
      }
      let cp = c + ((i * N + j) << 2);
      const rowBytes = N << 2;
      store<f32>(cp, acc ? load<f32>(cp) + f32x4.extract_lane(s, 0) : f32x4.extract_lane(s, 0)); cp += rowBytes;
      store<f32>(cp, acc ? load<f32>(cp) + f32x4.extract_lane(s, 1) : f32x4.extract_lane(s, 1)); cp += rowBytes;
      store<f32>(cp, acc ? load<f32>(cp) + f32x4.extract_lane(s, 2) : f32x4.extract_lane(s, 2)); cp += rowBytes;
      store<f32>(cp, acc ? load<f32>(cp) + f32x4.extract_lane(s, 3) : f32x4.extract_lane(s, 3));
    }
  }
  if (i < M) scalarBlock(c, a, b, i, M, 0, N, N, K, 4, aStride, 4, bRow, acc);
}

@inline
function storeVec(p: usize, v: v128, acc: bool): void {
  v128.store(p, acc ? f32x4.add(v128.load(p), v) : v);
}

@inline
function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---------------------------------------------------------------------------------------------
// Packed path (SIMD build).

@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Bytes of a K×N weight matrix packed as the forward product packs it (gemmWithEpilogue's
 * `panels`): for each K block, the panels of 8 columns (the last 8 or 4, zero-padded), each block
 * deep. 0 where the product does not pack its weights (no SIMD, N < 8 or N > NC).
 */
export function forwardPanelBytes(k: i32, n: i32): u64 {
  if (!ASC_FEATURE_SIMD || k <= 0 || n < 8 || <usize>n > NC) return 0;
  return <u64>k * <u64>paddedWidth(<usize>n) * 4;
}

/** Floats in a row of N columns packed into panels: 8 per panel, the last one 8 or 4 wide. */
@inline function paddedWidth(N: usize): usize {
  const rest = N & 7;
  return rest == 0 ? N : N - rest + (rest > 4 ? 8 : 4);
}

/**
 * Byte offset, in forward panels of N columns (the layout forwardPanelBytes sizes), of the panel
 * holding columns j.. (a multiple of 8) of the kc-deep K block that starts at row `top`: each K
 * block's panels follow the blocks above it, each panel kc rows of its width.
 */
@inline function panelOffset(top: usize, kc: usize, N: usize, j: usize): usize {
  return (top * paddedWidth(N) + j * kc) << 2;
}

/**
 * Whether a fused step (gemmStep) can read and write K×N weights in the forward's panel layout
 * (the step's `Packed`): every 4×8 tile of them is then rows p..p+3 of one panel of one K block
 * (128 contiguous bytes), which needs K a multiple of 4 and N of 8 (as gemmStep does), and no
 * 4-row tile across two K blocks.
 */
export function stepKeepsPanels(k: i32, n: i32): bool {
  return forwardPanelBytes(k, n) > 0 && k % 4 == 0 && n % 8 == 0 && blockDepth(<usize>k) % 4 == 0;
}

/**
 * Whether gemmWithEpilogue of an M×K · K×N product reads B from the panels it is given, so a
 * caller whose panels alone are current can tell when it must unpack them first.
 */
export function forwardReadsPanels(m: i32, n: i32, k: i32): bool {
  return ASC_FEATURE_SIMD && forwardPacks(<usize>m, <usize>n, <usize>k) && !sharedByRows(<usize>m, <usize>k, 0);
}

/** Whether gemmWithEpilogue takes the packed path (in one column pass). */
function forwardPacks(M: usize, N: usize, K: usize): bool {
  return scratch != 0 && M >= 4 && N >= 8 && N <= NC && K > 0 && work(M, N, K) >= PACK_MIN_WORK;
}

/** Write K×N row-major weights at `dst` from the forward panels at `src` (forwardPanelBytes(k, n) of them; n a multiple of 8). */
export function unpackPanels(dst: usize, src: usize, k: i32, n: i32): void {
  copyPanels(dst, src, <usize>k, <usize>n, false);
}

/** Write K×N row-major floats at `src` into the forward's panel layout at `dst` (unpackPanels' inverse; n a multiple of 8). */
export function packPanels(dst: usize, src: usize, k: i32, n: i32): void {
  copyPanels(src, dst, <usize>k, <usize>n, true);
}

/** Copy between K×N row-major floats at `rows` and their forward panels at `panels`, into the panels when `pack`. */
function copyPanels(rows: usize, panels: usize, K: usize, N: usize, pack: bool): void {
  const depth = blockDepth(K), rowBytes = N << 2;
  for (let top: usize = 0; top < K; top += depth) {
    const kc = min(depth, K - top);
    for (let j: usize = 0; j < N; j += 8) {
      const panel = panels + panelOffset(top, kc, N, j);
      for (let p: usize = 0; p < kc; p++) {
        const row = rows + (top + p) * rowBytes + (j << 2), at = panel + (p << 5);
        if (pack) memory.copy(at, row, 32);
        else memory.copy(row, at, 32);
      }
    }
  }
}

/**
 * Call `run(from, to)` on each contiguous run of bytes that columns [j0, j1) (multiples of 8) of
 * K×N floats in the forward's panel layout take: one run per K block, its panels j0/8..j1/8.
 */
export function panelColumnRuns(K: usize, N: usize, j0: usize, j1: usize, run: (from: usize, to: usize) => void): void {
  const depth = blockDepth(K);
  for (let top: usize = 0; top < K; top += depth) {
    const kc = min(depth, K - top);
    run(panelOffset(top, kc, N, j0), panelOffset(top, kc, N, j1));
  }
}

/**
 * C = A·B (no transposes, overwrite) followed by an epilogue on each block of rows while it is in
 * cache: C += bias (row broadcast), y = f(C) for activation `id` (see dense.ts). Returns false,
 * doing nothing, when the product is not one the packed path takes in a single column pass; the
 * caller then runs gemm and the epilogue separately. With `panels` (forwardPanelBytes of room;
 * 0: none), B is read from there, packed as this product packs it (after packing it there when
 * `fill`), unless the shares would be of rows (each thread packing all of B into its scratch):
 * forwardReadsPanels tells which.
 */
export function gemmWithEpilogue(
  c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, y: usize, bias: usize, id: i32, alpha: f32, panels: usize, fill: bool,
): bool {
  const M = <usize>m, N = <usize>n, K = <usize>k;
  if (!ASC_FEATURE_SIMD || !forwardPacks(M, N, K)) return false;
  if (sharedByRows(M, K, 0)) panels = 0;
  if (ASC_FEATURE_THREADS && parallelProduct(c, a, b, M, N, K, false, false, false, y, bias, id, alpha, 0, panels, fill)) return true;
  packedMultiply(c, a, b, M, N, K, K << 2, 4, N << 2, 4, false, 0, N, y, bias, id, alpha, 0, panels, fill);
  return true;
}

/**
 * The weight gradient dW = Aᵀ·B (A stored k×m, B k×n; dW m×n at `c`) handed tile by tile to the
 * step described at `step` (a `GradientStep` block, see gradient-step.ts) while in registers: SGD's
 * (dW itself is not stored), or a store of the tile where the step says (the forward's panel
 * layout). Returns false, doing nothing, unless the product takes the packed path in whole 4×8
 * tiles and one K block (stepTakes: m a multiple of 4, n of 8, n ≤ 512, k ≤ 400); the caller then
 * runs gemm and the update separately (the same operations per element).
 */
export function gemmStep(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, step: usize): bool {
  if (!ASC_FEATURE_SIMD || !stepTakes(m, n, k)) return false;
  const M = <usize>m, N = <usize>n, K = <usize>k;
  if (ASC_FEATURE_THREADS && parallelProduct(c, a, b, M, N, K, true, false, false, 0, 0, 0, 0, step, 0, false)) return true;
  packedMultiply(c, a, b, M, N, K, 4, M << 2, N << 2, 4, false, 0, N, 0, 0, 0, 0, step, 0, false);
  return true;
}

/** Whether gemmStep takes an M×N weight gradient over K rows (else it returns false, doing nothing). */
export function stepTakes(m: i32, n: i32, k: i32): bool {
  if (!ASC_FEATURE_SIMD || m <= 0 || n <= 0 || k <= 0) return false;
  const M = <usize>m, N = <usize>n, K = <usize>k;
  return scratch != 0 && M % 4 == 0 && N % 8 == 0 && N <= NC && K <= KC && work(M, N, K) >= PACK_MIN_WORK;
}

function packedMultiply(
  c: usize, a: usize, b: usize, M: usize, N: usize, K: usize,
  ars: usize, acs: usize, brs: usize, bcs: usize, acc: bool,
  j0: usize, j1: usize, y: usize, bias: usize, id: i32, alpha: f32, step: usize, panels: usize, fill: bool,
): void {
  const rowBytes = N << 2;
  if (K == 0) {
    if (!acc) for (let i: usize = 0; i < M; i++) memory.fill(c + i * rowBytes + (j0 << 2), 0, (j1 - j0) << 2);
    return;
  }
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    const depth = blockDepth(K);
    for (let pc: usize = 0; pc < K; pc += depth) {
      const kc = min(depth, K - pc);
      const accumulate = acc || pc > 0;
      const aBlock = a + pc * acs;
      // Pack all of B[pc..pc+kc, jc..jc+nc] into panels of width 8 (the last 8 or 4, zero-padded),
      // then sweep row blocks of MC rows of A (kept in L2) across the panels (each in L1). Kept
      // panels (one column pass: N ≤ NC) hold every K block's in turn, each block's panels of
      // 8 before jc taking jc·kc floats.
      const panels0 = panels != 0 ? panels + panelOffset(pc, kc, N, jc) : scratch;
      let panel = panels0;
      if (panels == 0 || fill) for (let jp: usize = 0; jp < nc; ) {
        const left = nc - jp;
        const width: usize = left > 4 ? 8 : 4;
        packPanel(panel, b + pc * brs + (jc + jp) * bcs, kc, width, min(width, left), brs, bcs);
        panel += (kc * width) << 2;
        jp += width;
      }
      if (step != 0) {
        // A fused step (whole 4×8 tiles, one K block: see gemmStep) reads and writes the weights
        // at each tile: sweep each 4-row strip across the panels, so those rows are walked left
        // to right (each cache line once), with the strip of A kept in L1. Weights in the
        // forward's panel layout (the step's Packed; see stepKeepsPanels) have each tile's rows
        // 32 bytes apart, in the panel of its columns in the K block of its rows.
        const packed = stepPacked(step);
        const depth = packed ? blockDepth(M) : 0;
        for (let i: usize = 0; i < M; i += 4) {
          panel = scratch;
          const cp = c + i * rowBytes + (jc << 2);
          let off = i * rowBytes + (jc << 2), next: usize = 32, rows = rowBytes;
          if (packed) {
            const top = (i / depth) * depth, kcTop = min(depth, M - top);
            next = kcTop << 5; // one panel of this K block
            off = panelOffset(top, kcTop, N, jc) + ((i - top) << 5);
            rows = 32;
          }
          for (let jp: usize = 0; jp < nc; jp += 8) {
            tile4x8(cp + (jp << 2), aBlock + i * ars, panel, kc, ars, acs, rows, 8, false, step, off);
            panel += kc << 5;
            off += next;
          }
        }
        continue;
      }
      for (let ic: usize = 0; ic < M; ic += MC) {
        const iEnd = min(M, ic + MC);
        panel = panels0;
        for (let jp: usize = 0; jp < nc; ) {
          const left = nc - jp;
          const width: usize = left > 4 ? 8 : 4;
          const valid = min(width, left);
          const cCol = c + ((jc + jp) << 2);
          let i = ic;
          if (width == 8) {
            for (; i + 4 <= iEnd; i += 4) tile4x8(cCol + i * rowBytes, aBlock + i * ars, panel, kc, ars, acs, rowBytes, valid, accumulate, 0, 0);
            for (; i < iEnd; i++) tile1x8(cCol + i * rowBytes, aBlock + i * ars, panel, kc, acs, valid, accumulate);
          } else {
            for (; i + 4 <= iEnd; i += 4) tile4x4(cCol + i * rowBytes, aBlock + i * ars, panel, kc, ars, acs, rowBytes, valid, accumulate);
            for (; i < iEnd; i++) tile1x4(cCol + i * rowBytes, aBlock + i * ars, panel, kc, acs, valid, accumulate);
          }
          panel += (kc * width) << 2;
          jp += width;
        }
        // Last K block done for these rows: bias and activation while they are in cache.
        // (Softmax needs whole rows: callers that split columns run it afterwards instead.)
        if (y != 0 && pc + kc >= K) biasActivate(c, y, bias, <i32>N, <i32>ic, <i32>iEnd, <i32>jc, <i32>(jc + nc), id, alpha);
      }
    }
  }
}

// Panel layout: for p in 0..kc, `width` consecutive floats B(p, j0..j0+width), zero-padded.
function packPanel(dst: usize, src: usize, kc: usize, width: usize, valid: usize, brs: usize, bcs: usize): void {
  if (bcs == 4 && valid == width) {
    if (width == 8) {
      for (let p: usize = 0; p < kc; p++) {
        const s = src + p * brs, d = dst + (p << 5);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else {
      for (let p: usize = 0; p < kc; p++) v128.store(dst + (p << 4), v128.load(src + p * brs));
    }
    return;
  }
  let p0: usize = 0;
  if (brs == 4 && valid == width) {
    // op(B) = Bᵀ of a row-major B: B(p..p+3, j) is contiguous, so 4×4 blocks load as columns
    // of the panel and are transposed in registers into its rows.
    const rowBytes = width << 2;
    for (; p0 + 4 <= kc; p0 += 4) {
      for (let h: usize = 0; h < width; h += 4) {
        const s = src + (p0 << 2) + h * bcs;
        const r0 = v128.load(s), r1 = v128.load(s + bcs), r2 = v128.load(s + 2 * bcs), r3 = v128.load(s + 3 * bcs);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const d = dst + ((p0 * width + h) << 2);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d + rowBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(d + 2 * rowBytes, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(d + 3 * rowBytes, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      }
    }
  }
  for (let p = p0; p < kc; p++) {
    const d = dst + ((p * width) << 2);
    const s = src + p * brs;
    let j: usize = 0;
    for (; j < valid; j++) store<f32>(d + (j << 2), load<f32>(s + j * bcs));
    for (; j < width; j++) store<f32>(d + (j << 2), 0);
  }
}

@inline
function finish(cp: usize, v: v128, valid: usize, acc: bool): void {
  if (valid >= 4) {
    v128.store(cp, acc ? f32x4.add(v128.load(cp), v) : v);
  } else {
    if (valid > 0) store<f32>(cp, (acc ? load<f32>(cp) : 0) + f32x4.extract_lane(v, 0));
    if (valid > 1) store<f32>(cp, (acc ? load<f32>(cp, 4) : 0) + f32x4.extract_lane(v, 1), 4);
    if (valid > 2) store<f32>(cp, (acc ? load<f32>(cp, 8) : 0) + f32x4.extract_lane(v, 2), 8);
  }
}

@inline
function finish8(cp: usize, lo: v128, hi: v128, valid: usize, acc: bool): void {
  finish(cp, lo, valid, acc);
  if (valid > 4) finish(cp + 16, hi, valid - 4, acc);
}

/**
 * The micro-kernel: a 4×8 tile of C over a kc-deep packed panel. With a `step` block (see
 * gradient-step.ts) the tile goes to the SGD step instead of C (`off`: the byte offset of its
 * weights, `rowBytes` apart, in the step's copies of them).
 */
@inline export function tile4x8(cp: usize, ap: usize, bp: usize, kc: usize, ars: usize, acs: usize, rowBytes: usize, valid: usize, acc: bool, step: usize, off: usize): void {
  let c0a = f32x4.splat(0), c0b = f32x4.splat(0), c1a = f32x4.splat(0), c1b = f32x4.splat(0);
  let c2a = f32x4.splat(0), c2b = f32x4.splat(0), c3a = f32x4.splat(0), c3b = f32x4.splat(0);
  const a1 = ars, a2 = ars * 2, a3 = ars * 3;
  const end = bp + (kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c0a = madd(av, b0, c0a); c0b = madd(av, b1, c0b);
    av = v128.load32_splat(ap + a1);
    c1a = madd(av, b0, c1a); c1b = madd(av, b1, c1b);
    av = v128.load32_splat(ap + a2);
    c2a = madd(av, b0, c2a); c2b = madd(av, b1, c2b);
    av = v128.load32_splat(ap + a3);
    c3a = madd(av, b0, c3a); c3b = madd(av, b1, c3b);
    ap += acs;
    bp += 32;
  }
  if (step != 0) {
    stepTile(step, off, rowBytes, c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b);
    return;
  }
  finish8(cp, c0a, c0b, valid, acc); cp += rowBytes;
  finish8(cp, c1a, c1b, valid, acc); cp += rowBytes;
  finish8(cp, c2a, c2b, valid, acc); cp += rowBytes;
  finish8(cp, c3a, c3b, valid, acc);
}

function tile1x8(cp: usize, ap: usize, bp: usize, kc: usize, acs: usize, valid: usize, acc: bool): void {
  let lo = f32x4.splat(0), hi = f32x4.splat(0);
  const end = bp + (kc << 5);
  while (bp < end) {
    const av = v128.load32_splat(ap);
    lo = madd(av, v128.load(bp), lo);
    hi = madd(av, v128.load(bp, 16), hi);
    ap += acs;
    bp += 32;
  }
  finish8(cp, lo, hi, valid, acc);
}

function tile4x4(cp: usize, ap: usize, bp: usize, kc: usize, ars: usize, acs: usize, rowBytes: usize, valid: usize, acc: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const a1 = ars, a2 = ars * 2, a3 = ars * 3;
  const end = bp + (kc << 4);
  while (bp < end) {
    const bv = v128.load(bp);
    c0 = madd(v128.load32_splat(ap), bv, c0);
    c1 = madd(v128.load32_splat(ap + a1), bv, c1);
    c2 = madd(v128.load32_splat(ap + a2), bv, c2);
    c3 = madd(v128.load32_splat(ap + a3), bv, c3);
    ap += acs;
    bp += 16;
  }
  finish(cp, c0, valid, acc); cp += rowBytes;
  finish(cp, c1, valid, acc); cp += rowBytes;
  finish(cp, c2, valid, acc); cp += rowBytes;
  finish(cp, c3, valid, acc);
}

function tile1x4(cp: usize, ap: usize, bp: usize, kc: usize, acs: usize, valid: usize, acc: bool): void {
  let c0 = f32x4.splat(0);
  const end = bp + (kc << 4);
  while (bp < end) {
    c0 = madd(v128.load32_splat(ap), v128.load(bp), c0);
    ap += acs;
    bp += 16;
  }
  finish(cp, c0, valid, acc);
}

// ---- threads build: a large packed product split by column panels across threads ----

// Below this much work (m·n·k) a product stays on one thread: waking others costs more.
const PARALLEL_MIN_WORK: u64 = 1 << 17;
// A thread's share of a product split by column panels goes in chunks of one panel when A's K
// block (M × depth floats) is at most this large (half of a 512 KiB L2), else in one chunk.
const CHUNK_MAX_A_BYTES: usize = 256 << 10;

/** Products narrower than this (two column panels) stay on one thread. */
export const PARALLEL_MIN_COLUMNS: i32 = 16;

/**
 * Whether a product split across threads is split by rows: when A's K block is too large for L2
 * (then each thread packs all of B), but not for a fused step (whose tiles are located by their
 * place in the whole product).
 */
@inline function sharedByRows(M: usize, K: usize, step: usize): bool {
  return step == 0 && M * blockDepth(K) * 4 > CHUNK_MAX_A_BYTES;
}

/**
 * Run a packed product on all active threads when it is large enough; returns false (nothing
 * done) when it should stay on this thread. Softmax's epilogue needs whole rows, so with a split
 * it runs here after the others are done.
 */
function parallelProduct(
  c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, transA: bool, transB: bool, acc: bool,
  y: usize, bias: usize, id: i32, alpha: f32, step: usize, panels: usize, fill: bool,
): bool {
  const threads = activeThreads();
  if (threads < 2 || N < <usize>PARALLEL_MIN_COLUMNS || work(M, N, K) < PARALLEL_MIN_WORK) return false;
  settle();
  store<i32>(jobWord(ProductJob.C), <i32>c); store<i32>(jobWord(ProductJob.A), <i32>a); store<i32>(jobWord(ProductJob.B), <i32>b);
  store<i32>(jobWord(ProductJob.M), <i32>M); store<i32>(jobWord(ProductJob.N), <i32>N); store<i32>(jobWord(ProductJob.K), <i32>K);
  store<i32>(jobWord(ProductJob.Y), <i32>y); store<i32>(jobWord(ProductJob.Panels), <i32>panels);
  store<i32>(jobWord(ProductJob.Bias), <i32>bias); store<i32>(jobWord(ProductJob.Activation), id);
  store<f32>(jobWord(ProductJob.Alpha), alpha); store<i32>(jobWord(ProductJob.Step), <i32>step);
  // Each thread's share in chunks. Split by column panels, every chunk reads all of A's K block:
  // with that block in L2 it is cheap, and the chunks are as fine as panelsPerChunk allows. A larger A
  // (predict() on 10,000 rows: 15 MB per block) is split by rows instead (each thread packing all
  // of B, each chunk reading only its rows of A), but for a fused step, whose tiles are located by
  // their place in the whole product (one chunk of columns per share then).
  const rows = sharedByRows(M, K, 0);
  const byRows = sharedByRows(M, K, step);
  const share = byRows ? (M + <usize>threads - 1) / <usize>threads : (((N + 7) >> 3) + <usize>threads - 1) / <usize>threads;
  const chunk = byRows ? chunkUnits(share, 4) : (rows ? share : panelsPerChunk(M, K, share)) << 3;
  const flags = (transA ? ProductFlag.TransA : 0) | (transB ? ProductFlag.TransB : 0) | (acc ? ProductFlag.Accumulate : 0) |
    (byRows ? ProductFlag.ByRows : 0) | (fill ? ProductFlag.FillPanels : 0);
  store<i32>(jobWord(ProductJob.Flags), flags);
  const generation = post(Command.Product, threads, chunk, byRows ? productRowStart : productColumnStart);
  productShare(0, threads, generation);
  if (join() && y != 0 && id == ActivationId.Softmax) biasActivate(c, y, bias, <i32>N, 0, <i32>M, 0, <i32>N, id, alpha);
  return true;
}

/**
 * Panels in each chunk of a product split by column panels: one (every panel reads all of A's K
 * block anyway, so that is the finest grain: a thread done with its share waits at the join for
 * at most one panel of the other's), unless a panel is less work than PARALLEL_MIN_WORK (then as
 * many as make that much), and at most CHUNKS_PER_SHARE's share (chunkUnits). W2's first layer
 * (32 panels of 64×784×8 multiply-adds) went in chunks of two under CHUNKS_PER_SHARE alone; one
 * each took its 2-thread joins from 33–54 to 10–23 µs a step. A 4-row product 2,000,000 columns
 * wide in chunks of one panel (250,000 chunks of almost nothing) took more than 10 s.
 */
function panelsPerChunk(M: usize, K: usize, share: usize): usize {
  const panel = work(M, 8, K);
  const least: usize = panel >= PARALLEL_MIN_WORK ? 1 : <usize>((PARALLEL_MIN_WORK + panel - 1) / max<u64>(panel, 1));
  return min(least, chunkUnits(share, 1));
}

/**
 * Thread `id`'s part of product job `generation` in the control block: the chunks of its own
 * share (of column panels, or of rows), then whatever chunks of the other threads' shares are
 * still unclaimed.
 */
export function productShare(id: i32, threads: i32, generation: i32): void {
  if ((load<i32>(jobWord(ProductJob.Flags)) & ProductFlag.ByRows) != 0) runShares(id, threads, generation, productRowStart, productRows);
  else runShares(id, threads, generation, productColumnStart, productColumns);
}

/** First column of thread `t`'s share of the product job in the control block (whole panels). */
function productColumnStart(t: i32, threads: i32): usize {
  return panelShare(t, threads, <usize>load<i32>(jobWord(ProductJob.N)));
}

/** First row of thread `t`'s share of the product job in the control block (whole 4-row strips). */
function productRowStart(t: i32, threads: i32): usize {
  const M = <usize>load<i32>(jobWord(ProductJob.M));
  return min(M, (((<usize>t * M) / <usize>threads) + 3) & ~(<usize>3));
}

/** Rows [i0, i1) (whole 4-row strips but at the end), all columns, of the product job in the control block. */
function productRows(i0: usize, i1: usize): void {
  productBlock(i0, i1, 0, <usize>load<i32>(jobWord(ProductJob.N)));
}

/** Columns [j0, j1) (panel-aligned), all rows, of the product job in the control block. */
function productColumns(j0: usize, j1: usize): void {
  productBlock(0, <usize>load<i32>(jobWord(ProductJob.M)), j0, j1);
}

/**
 * Rows [i0, i1) × columns [j0, j1) of the product job in the control block, with the same
 * operations per element as the whole product on one thread (bit-identical results).
 */
function productBlock(i0: usize, i1: usize, j0: usize, j1: usize): void {
  const M = <usize>load<i32>(jobWord(ProductJob.M)), N = <usize>load<i32>(jobWord(ProductJob.N)), K = <usize>load<i32>(jobWord(ProductJob.K));
  const flags = load<i32>(jobWord(ProductJob.Flags));
  const transA = (flags & ProductFlag.TransA) != 0, transB = (flags & ProductFlag.TransB) != 0;
  const ars: usize = transA ? 4 : K << 2, acs: usize = transA ? M << 2 : 4;
  const brs: usize = transB ? 4 : N << 2, bcs: usize = transB ? K << 2 : 4;
  const act = load<i32>(jobWord(ProductJob.Activation));
  // Softmax needs whole rows: the main thread runs its epilogue after the barrier.
  const y: usize = act == ActivationId.Softmax ? 0 : <usize>load<i32>(jobWord(ProductJob.Y));
  const skip = i0 * (N << 2);
  packedMultiply(
    <usize>load<i32>(jobWord(ProductJob.C)) + skip, <usize>load<i32>(jobWord(ProductJob.A)) + i0 * ars, <usize>load<i32>(jobWord(ProductJob.B)),
    i1 - i0, N, K, ars, acs, brs, bcs, (flags & ProductFlag.Accumulate) != 0,
    j0, j1, y == 0 ? 0 : y + skip, <usize>load<i32>(jobWord(ProductJob.Bias)), act, load<f32>(jobWord(ProductJob.Alpha)),
    <usize>load<i32>(jobWord(ProductJob.Step)), <usize>load<i32>(jobWord(ProductJob.Panels)), (flags & ProductFlag.FillPanels) != 0,
  );
}
