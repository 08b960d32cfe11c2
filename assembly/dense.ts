// A dense layer's forward pass in one kernel: z = x·W + b and y = f(z), with the bias add and the
// activation applied as an epilogue of the gemm (epilogue.ts), on each block of rows while it is
// still in cache.

import { gemm, gemmWithEpilogue } from './gemm';
import { biasActivate } from './epilogue';

/**
 * z = x·W + b (rows×out, x rows×inp, W inp×out, b 1×out) and y = f(z) with activation `id`
 * (an `ActivationId`). z and y must not overlap x or W.
 */
export function denseForward(z: usize, y: usize, x: usize, w: usize, b: usize, rows: i32, out: i32, inp: i32, id: i32, alpha: f32): void {
  denseForwardPanels(z, y, x, w, b, rows, out, inp, id, alpha, 0, false);
}

/**
 * denseForward, with W read from `panels` (room for it packed as the product packs it, kept
 * across training steps: gemm.ts forwardPanelBytes; 0: none) where the product reads panels
 * (gemm.ts forwardReadsPanels), after packing it there when `fill`.
 */
export function denseForwardPanels(
  z: usize, y: usize, x: usize, w: usize, b: usize, rows: i32, out: i32, inp: i32, id: i32, alpha: f32, panels: usize, fill: bool,
): void {
  if (!gemmWithEpilogue(z, x, w, rows, out, inp, y, b, id, alpha, panels, fill)) {
    gemm(z, x, w, rows, out, inp, 0, 0);
    biasActivate(z, y, b, out, 0, rows, 0, out, id, alpha);
  }
}
