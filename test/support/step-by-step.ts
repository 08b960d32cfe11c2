// A user's Loss subclass (written in TypeScript, as users write theirs) that delegates to a
// built-in one: train() then steps through the layers from TypeScript, calling its forward and
// backward on matrices, instead of running whole epochs in the kernels' loop
// (assembly/network.ts). Tests use it to check the two paths agree bit for bit.
import { Loss, type Matrix, type MatrixLike } from '../../src/index.js';

export class StepByStep extends Loss {
  readonly name: string;
  override readonly fromLogits: boolean;
  constructor(private readonly inner: Loss) {
    super();
    this.name = inner.name;
    this.fromLogits = inner.fromLogits;
  }
  forward(pred: MatrixLike, target: MatrixLike): number {
    return this.inner.forward(pred, target);
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    return this.inner.backward(pred, target);
  }
}
