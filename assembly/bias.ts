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

/** out row r = src row index[r] (index: i32 array of `count` row numbers), rows of `cols` floats. */
export function gatherRows(out: usize, src: usize, index: usize, count: i32, cols: i32): void {
  const C = <usize>cols << 2;
  for (let r: usize = 0; r < <usize>count; r++) {
    memory.copy(out + r * C, src + <usize>load<i32>(index + (r << 2)) * C, C);
  }
}
