// Finiteness of float32 data in linear memory: what train() checks once per call on a training
// set given as a Matrix (one SIMD pass after the copy in), instead of a per-element pass in JS.

/** Index of the first of the n floats at `p` that is NaN or ±Infinity, or −1 when all are finite. */
export function firstNonFinite(p: usize, n: i32): i32 {
  const N = <usize>n;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // x − x is 0 for a finite x and NaN for NaN and ±Infinity; a NaN anywhere makes the sum NaN.
    for (; i + 16 <= N; i += 16) {
      const q = p + (i << 2);
      const a = v128.load(q), b = v128.load(q, 16), c = v128.load(q, 32), d = v128.load(q, 48);
      const s = f32x4.add(f32x4.add(f32x4.sub(a, a), f32x4.sub(b, b)), f32x4.add(f32x4.sub(c, c), f32x4.sub(d, d)));
      if (v128.any_true(f32x4.ne(s, s))) break; // the scalar loop finds which one, from this block on
    }
  }
  for (; i < N; i++) {
    const v = load<f32>(p + (i << 2));
    if (v - v != 0) return <i32>i;
  }
  return -1;
}
