// Metrics computed next to the loss, so train() can report accuracy without another pass.

/**
 * out(f64) = number of rows classified right: with one column, (p ≥ threshold) == (t ≥ 0.5)
 * (threshold 0.5 for probabilities, 0 for logits); with several, argmax p == argmax t.
 */
export function accuracyCount(out: usize, pred: usize, target: usize, rows: i32, cols: i32, threshold: f32): void {
  const C = <usize>cols << 2;
  let correct: i32 = 0;
  for (let i: usize = 0; i < <usize>rows; i++) {
    const p = pred + i * C, t = target + i * C;
    if (cols == 1) {
      if ((load<f32>(p) >= threshold) == (load<f32>(t) >= 0.5)) correct++;
      continue;
    }
    let bp: usize = 0, bt: usize = 0;
    for (let j: usize = 4; j < C; j += 4) {
      if (load<f32>(p + j) > load<f32>(p + bp)) bp = j;
      if (load<f32>(t + j) > load<f32>(t + bt)) bt = j;
    }
    if (bp == bt) correct++;
  }
  store<f64>(out, <f64>correct);
}
