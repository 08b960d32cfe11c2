// e^x for x ≤ 0, and tanh and the sigmoid built on it, in f32: one scalar form and one form on
// four lanes (f32x4), with the same operations in the same order, so that the SIMD build (4
// lanes, the scalar form for the tail) and the scalar build compute the same bits. Mathf.exp and
// Mathf.tanh are library calls that AssemblyScript compiles, at our shrinkLevel, to compact
// scalar routines with a division each (~30 ns an element here): a hidden layer of Tanh or
// Sigmoid cost more than a quarter of a training step. Max error: ~2 ulp against float64.
//
// e^x (Cephes' expf): x = k·ln2 + r with k = nearest(x·log2 e) and |r| ≤ ln2/2 (ln2 in two parts,
// so k·ln2 is exact enough); e^r by a degree-7 polynomial; times 2^k built from its exponent bits.
// Only x ≤ 0 is needed here (softmax's x − max, and e^−|x| below), so 2^k never overflows; it is
// applied as 2^(k+64) (exact) then 2^−64, so that results down to the subnormals round once;
// below ln(2^−150) the result is 0. NaN stays NaN.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** ln(2^−150): below it e^x rounds to 0. */
const EXP_MIN: f32 = -103.97207708399179;
/** 2^−64. */
const TWO_M64: f32 = 5.421010862427522e-20;
const P0: f32 = 5.0000001201e-1, P1: f32 = 1.6666665459e-1, P2: f32 = 4.1665795894e-2;
const P3: f32 = 8.3334519073e-3, P4: f32 = 1.3981999507e-3, P5: f32 = 1.9875691500e-4;
// tanh(x) = x + x³·q(x²) for |x| < 0.625 (Cephes' tanhf), where (1 − e)/(1 + e) would cancel
const TANH_SMALL: f32 = 0.625;
const T0: f32 = -3.33332819422e-1, T1: f32 = 1.33314422036e-1, T2: f32 = -5.37397155531e-2;
const T3: f32 = 2.06390887954e-2, T4: f32 = -5.70498872745e-3;

// The four-lane forms read their constants from this table (each one 4 times, 16 bytes), one
// load each: a v128.const costs V8's code four instructions (the 128 bits go through a general
// register) at every use, and is not hoisted out of a loop (tanh spent 5 ns an element on them).
const LANES: usize = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E, LN2_HI, LN2_HI, LN2_HI, LN2_HI, LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  EXP_MIN, EXP_MIN, EXP_MIN, EXP_MIN, TWO_M64, TWO_M64, TWO_M64, TWO_M64,
  P0, P0, P0, P0, P1, P1, P1, P1, P2, P2, P2, P2, P3, P3, P3, P3, P4, P4, P4, P4, P5, P5, P5, P5,
  TANH_SMALL, TANH_SMALL, TANH_SMALL, TANH_SMALL,
  T0, T0, T0, T0, T1, T1, T1, T1, T2, T2, T2, T2, T3, T3, T3, T3, T4, T4, T4, T4,
  1, 1, 1, 1, -2, -2, -2, -2, -0.0, -0.0, -0.0, -0.0,
], 16);
const enum L { Log2e, Ln2Hi, Ln2Lo, ExpMin, TwoM64, P0, P1, P2, P3, P4, P5, TanhSmall, T0, T1, T2, T3, T4, One, MinusTwo, SignBit }
// the exponent bias of 2^(k+64): 127 + 64, as i32 lanes
const BIAS: usize = memory.data<i32>([191, 191, 191, 191], 16);

/** Lanes of constant `c` of the table. */
@inline function lanes(c: L): v128 {
  return v128.load(LANES + (<usize>c << 4));
}

/** 1.0 in four lanes, from the table (a `f32x4.splat(1)` in a loop is rebuilt at every use: see above). */
@inline export function one4(): v128 {
  return lanes(L.One);
}

/** e^x for x ≤ 0 (any x ≤ 0, −∞ and NaN included). */
@inline export function expNonPositive(x: f32): f32 {
  if (x < EXP_MIN) return 0;
  if (x != x) return x;
  const k = f32.nearest(x * LOG2E);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  const p = (((((P5 * r + P4) * r + P3) * r + P2) * r + P1) * r + P0) * (r * r) + r + 1;
  return (p * reinterpret<f32>((<i32>k + 191) << 23)) * TWO_M64;
}

/** expNonPositive on four lanes. */
@inline export function expNonPositive4(x: v128): v128 {
  const k = f32x4.nearest(f32x4.mul(x, lanes(L.Log2e)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, lanes(L.Ln2Hi))), f32x4.mul(k, lanes(L.Ln2Lo)));
  let p = f32x4.add(f32x4.mul(lanes(L.P5), r), lanes(L.P4));
  p = f32x4.add(f32x4.mul(p, r), lanes(L.P3));
  p = f32x4.add(f32x4.mul(p, r), lanes(L.P2));
  p = f32x4.add(f32x4.mul(p, r), lanes(L.P1));
  p = f32x4.add(f32x4.mul(p, r), lanes(L.P0));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), lanes(L.One));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), v128.load(BIAS)), 23);
  return v128.andnot(f32x4.mul(f32x4.mul(p, scale), lanes(L.TwoM64)), f32x4.lt(x, lanes(L.ExpMin)));
}

/** tanh(x): the odd polynomial near 0, else (1 − e)/(1 + e) with e = e^−2|x|; with the sign of x (−0 included). */
@inline export function tanhf(x: f32): f32 {
  const a = Mathf.abs(x);
  let t: f32;
  if (a < TANH_SMALL) {
    const z = x * x;
    t = ((((T4 * z + T3) * z + T2) * z + T1) * z + T0) * z * x + x;
  } else {
    const e = expNonPositive(-2 * a);
    t = (1 - e) / (1 + e);
  }
  return f32.copysign(t, x);
}

/** tanhf on four lanes. */
@inline export function tanhf4(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let q = f32x4.add(f32x4.mul(lanes(L.T4), z), lanes(L.T3));
  q = f32x4.add(f32x4.mul(q, z), lanes(L.T2));
  q = f32x4.add(f32x4.mul(q, z), lanes(L.T1));
  q = f32x4.add(f32x4.mul(q, z), lanes(L.T0));
  const small = f32x4.add(f32x4.mul(f32x4.mul(q, z), x), x);
  const one = lanes(L.One);
  const e = expNonPositive4(f32x4.mul(lanes(L.MinusTwo), a));
  const large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const t = v128.bitselect(small, large, f32x4.lt(a, lanes(L.TanhSmall)));
  return v128.bitselect(x, t, lanes(L.SignBit)); // copysign(t, x)
}

/** The sigmoid 1/(1 + e^−x), as 1/(1 + e) for x ≥ 0 and e/(1 + e) below, e = e^−|x| (no overflow). */
@inline export function sigmoidf(x: f32): f32 {
  const e = expNonPositive(-Mathf.abs(x));
  return (x >= 0 ? 1 : e) / (1 + e);
}

/** sigmoidf on four lanes. */
@inline export function sigmoidf4(x: v128): v128 {
  const one = lanes(L.One);
  const e = expNonPositive4(f32x4.neg(f32x4.abs(x)));
  return f32x4.div(v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0))), f32x4.add(one, e));
}
