/**
 * The kernels' training plan, written and read by field name: a header of {@link PlanField}s and
 * one row of {@link PlanLayerField}s per layer, the layout `assembly/network.ts` reads (both sides
 * take it from the one contract, src/backend/contract.ts). Nothing here uses a positional index.
 *
 * @module
 * @internal
 */
import type { Backend } from '../backend/heap.js';
import { PlanField, PlanLayerField } from '../backend/contract.js';

/** Bytes of a plan with `layers` layer rows. */
export function planBytes(layers: number): number {
  return (PlanField.HeaderWords + PlanLayerField.Words * layers) * 4;
}

/**
 * Builds a plan in a JS buffer by field name, then copies it into linear memory in one write.
 *
 * @internal
 */
export class PlanWriter {
  readonly #i32: Int32Array;
  readonly #f32: Float32Array;
  readonly #f64: Float64Array;

  constructor(readonly layers: number) {
    const buf = new ArrayBuffer(planBytes(layers));
    this.#i32 = new Int32Array(buf);
    this.#f32 = new Float32Array(buf);
    this.#f64 = new Float64Array(buf);
  }

  /** Set an i32 or pointer field of the header. */
  int(field: PlanField, value: number): this {
    this.#i32[field] = value;
    return this;
  }

  /** Set an f32 field of the header. */
  real(field: PlanField, value: number): this {
    this.#f32[field] = value;
    return this;
  }

  /** Set an f64 field of the header (Pow1, Pow2). */
  double(field: PlanField.Pow1 | PlanField.Pow2, value: number): this {
    this.#f64[field / 2] = value;
    return this;
  }

  /** Set an i32 or pointer field of layer row `layer`. */
  layerInt(layer: number, field: PlanLayerField, value: number): this {
    this.#i32[PlanField.HeaderWords + PlanLayerField.Words * layer + field] = value;
    return this;
  }

  /** Set an f32 field of layer row `layer`. */
  layerReal(layer: number, field: PlanLayerField, value: number): this {
    this.#f32[PlanField.HeaderWords + PlanLayerField.Words * layer + field] = value;
    return this;
  }

  /** Copy the plan to `ptr` in linear memory. */
  writeTo(be: Backend, ptr: number): void {
    be.writeI32(ptr, this.#i32);
  }
}

/**
 * Reads and updates fields of a plan that lives in linear memory at `ptr`.
 *
 * @internal
 */
export class PlanInMemory {
  constructor(private readonly be: Backend, readonly ptr: number) {}

  /** Set an f32 field (the learning rate between chunks of epochs). */
  setReal(field: PlanField, value: number): void {
    this.be.writeF32(this.ptr + field * 4, value);
  }

  /** Read an f64 field (Pow1, Pow2). */
  double(field: PlanField.Pow1 | PlanField.Pow2): number {
    return this.be.readF64(this.ptr + field * 4);
  }

  /** Read an i32 field. */
  int(field: PlanField): number {
    return this.be.readI32(this.ptr + field * 4);
  }
}
