// A custom Loss (no kernel id) wrapping a built-in one: train() then steps through the layers
// from TypeScript instead of running whole epochs in the kernels' loop (assembly/network.ts).
// Tests use it to check the two paths agree bit for bit.
import { Loss } from '../../src/index.js';

export class StepByStep extends Loss {
  readonly name: string;
  constructor(private readonly inner: Loss) {
    super();
    this.name = inner.name;
    (this as { fromLogits: boolean }).fromLogits = inner.fromLogits;
  }
  _value(...a: Parameters<Loss['_value']>): void {
    this.inner._value(...a);
  }
  _grad(...a: Parameters<Loss['_grad']>): void {
    this.inner._grad(...a);
  }
  override _acceptsLogitsOf(a: Parameters<Loss['_acceptsLogitsOf']>[0]): boolean {
    return this.inner._acceptsLogitsOf(a);
  }
}
