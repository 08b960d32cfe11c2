// The training loop's own profile (`npm run bench -- --profile`): the time of each phase of every
// step, accumulated where it is spent, in builds compiled with `--use SCRATCHNET_PROFILE=1`
// (asconfig.json's profile targets, which only the bench compiles; they are not shipped). In every
// other build PROFILING is false at compile time and the marks compile to nothing. Phases are
// `ProfilePhase` in the TS ↔ kernel contract.

import { ProfilePhase } from '../src/backend/contract';
import { now } from './clock';

// @ts-ignore: a compile-time constant, defined (as 1) by `asc --use SCRATCHNET_PROFILE=1`
export const PROFILING: bool = isDefined(SCRATCHNET_PROFILE);

const TIMES: usize = memory.data(<i32>ProfilePhase.Count << 3, 8);
let last: f64 = 0;

/** Start timing at this point (the beginning of a step). */
@inline export function profileStart(): void {
  if (PROFILING) last = now();
}

/** Charge the time since the last mark to `phase`, and start the next one. */
@inline export function profileMark(phase: i32): void {
  if (PROFILING) {
    const t = now();
    profileAdd(phase, t - last);
    last = t;
  }
}

/** Add `ms` to `phase` (for time measured inside a phase, such as waiting at a barrier). */
@inline export function profileAdd(phase: i32, ms: f64): void {
  if (PROFILING) {
    const p = TIMES + (<usize>phase << 3);
    store<f64>(p, load<f64>(p) + ms);
  }
}

/** Milliseconds charged to `phase` since the last reset (always 0 in a build without profiling). */
export function profileTime(phase: i32): f64 {
  return load<f64>(TIMES + (<usize>phase << 3));
}

/** Set every phase's time back to 0. */
export function profileReset(): void {
  memory.fill(TIMES, 0, <usize>ProfilePhase.Count << 3);
}
