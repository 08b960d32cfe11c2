// Parameter updates.

/** Plain SGD, in place: param -= learningRate · grad over n floats. */
export function sgdUpdate(param: usize, grad: usize, learningRate: f32, n: i32): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const lr = f32x4.splat(learningRate);
    for (; i + 16 <= end; i += 16) {
      v128.store(param + i, f32x4.sub(v128.load(param + i), f32x4.mul(lr, v128.load(grad + i))));
    }
  }
  for (; i < end; i += 4) store<f32>(param + i, load<f32>(param + i) - learningRate * load<f32>(grad + i));
}
