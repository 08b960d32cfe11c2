/**
 * The Node flag our own tooling (vitest's workers, `npm run bench` and its children) needs to run
 * the relaxed-SIMD build, which the kernel tests and the bench's relaxed rows want in every Node
 * that `engines` allows. Node 20 (V8 11.3) validates that build only with
 * `--experimental-wasm-relaxed-simd`; Node ≥ 22 ships relaxed SIMD and no longer knows the flag:
 * given it, node stops at once with "bad option". So the flag is passed only where it is needed
 * and accepted, never by a fixed command line.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { buildSupported } from '../../src/backend/load.js';

/** The flag that lets Node 20 validate relaxed SIMD. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

let cached: string[] | undefined;

/**
 * The flags a Node process like this one needs so that the relaxed-SIMD build validates: `[]`
 * where it does already (Node ≥ 22, or this process was started with the flag),
 * `[RELAXED_SIMD_FLAG]` where the flag is needed and this node accepts it (Node 20, asked once by
 * starting `node <flag> -e ""`), and `[]` where no flag helps (the relaxed rows and tests then
 * say why they cannot run).
 *
 * @example
 * ```ts
 * spawn(process.execPath, [...relaxedSimdFlags(), 'script.js']); // Node 20: with the flag; Node 24: without
 * ```
 */
export function relaxedSimdFlags(): string[] {
  if (cached) return [...cached];
  if (buildSupported('relaxed') || process.execArgv.includes(RELAXED_SIMD_FLAG)) cached = [];
  else cached = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '-e', ''], { stdio: 'ignore' }).status === 0 ? [RELAXED_SIMD_FLAG] : [];
  return [...cached];
}
