// Row-broadcast bias add, column sums (the bias gradient) and row gathering (mini-batches).

/** out[i, j] = x[i, j] + bias[j] for a rows×cols x and a 1×cols bias. out may alias x. */
export function addBiasRows(out: usize, x: usize, bias: usize, rows: i32, cols: i32): void {
  const C = <usize>cols << 2;
  for (let i: usize = 0; i < <usize>rows; i++) {
    const xo = x + i * C, oo = out + i * C;
    let j: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 16 <= C; j += 16) v128.store(oo + j, f32x4.add(v128.load(xo + j), v128.load(bias + j)));
    }
    for (; j < C; j += 4) store<f32>(oo + j, load<f32>(xo + j) + load<f32>(bias + j));
  }
}

/**
 * out[j] = Σ_i x[i, j] (NumPy's `x.sum(axis=0, keepdims=True)`), overwriting the 1×cols out.
 * The sums start at 0 (0 + row 0 first, so −0 inputs give +0 exactly as a zero-filled start
 * would), without a memory.fill: for the tiny layers of the chapter's XOR that call is most of
 * the kernel's time.
 */
export function sumColumns(out: usize, x: usize, rows: i32, cols: i32): void {
  const C = <usize>cols << 2;
  if (rows <= 0) {
    memory.fill(out, 0, C);
    return;
  }
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; j + 16 <= C; j += 16) v128.store(out + j, f32x4.add(zero, v128.load(x + j)));
  }
  for (; j < C; j += 4) store<f32>(out + j, <f32>0 + load<f32>(x + j));
  for (let i: usize = 1; i < <usize>rows; i++) {
    const xo = x + i * C;
    j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 16 <= C; j += 16) v128.store(out + j, f32x4.add(v128.load(out + j), v128.load(xo + j)));
    }
    for (; j < C; j += 4) store<f32>(out + j, load<f32>(out + j) + load<f32>(xo + j));
  }
}

// Rows gathered together, a cache line of each in turn: scattered rows (a shuffled batch from a
// data set larger than the caches) wait on memory, and a row at a time keeps one row's misses in
// flight. Four at a time: 35 → 25 µs for 64 rows of 784 floats from 60,000 (8 the same, 16 slower).
const ROWS_TOGETHER: usize = 4;

/** Copy the 64 bytes at `s` to `d`. */
@inline function copyLine(d: usize, s: usize): void {
  if (ASC_FEATURE_SIMD) {
    const a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48);
    v128.store(d, a0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
  } else {
    for (let o: usize = 0; o < 64; o += 8) store<u64>(d + o, load<u64>(s + o));
  }
}

/** out row r = src row index[r] (index: i32 array of `count` row numbers), rows of `cols` floats. */
export function gatherRows(out: usize, src: usize, index: usize, count: i32, cols: i32): void {
  const C = <usize>cols << 2, n = <usize>max(count, 0);
  const lines = C & ~(<usize>63);
  let r: usize = 0;
  for (; r + ROWS_TOGETHER <= n; r += ROWS_TOGETHER) {
    for (let o: usize = 0; o < lines; o += 64) {
      for (let q: usize = 0; q < ROWS_TOGETHER; q++) {
        copyLine(out + (r + q) * C + o, src + <usize>load<i32>(index + ((r + q) << 2)) * C + o);
      }
    }
    if (lines < C) {
      for (let q: usize = 0; q < ROWS_TOGETHER; q++) {
        memory.copy(out + (r + q) * C + lines, src + <usize>load<i32>(index + ((r + q) << 2)) * C + lines, C - lines);
      }
    }
  }
  for (; r < n; r++) memory.copy(out + r * C, src + <usize>load<i32>(index + (r << 2)) * C, C);
}
