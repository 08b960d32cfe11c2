// Reading the training plan that the host writes into linear memory: a header of `PlanField`s
// then one `PlanLayerField` row per layer (the layout is in the TS ↔ kernel contract).

import { PlanField, PlanLayerField } from '../src/backend/contract';

/** A pointer field of a plan header or layer row at `p`. */
@inline export function ptrField(p: usize, field: i32): usize { return <usize>load<u32>(p + (<usize>field << 2)); }
/** An i32 field. */
@inline export function intField(p: usize, field: i32): i32 { return load<i32>(p + (<usize>field << 2)); }
/** An f32 field. */
@inline export function realField(p: usize, field: i32): f32 { return load<f32>(p + (<usize>field << 2)); }
/** The address of an f64 field (two words, 8-byte aligned). */
@inline export function f64Field(p: usize, field: i32): usize { return p + (<usize>field << 2); }
/** The layer row `l` of a plan. */
@inline export function layerRow(plan: usize, l: i32): usize {
  return plan + (<usize>PlanField.HeaderWords << 2) + <usize>l * (<usize>PlanLayerField.Words << 2);
}
