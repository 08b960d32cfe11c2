/**
 * The profile builds (asconfig.json's `profile` and `threads-profile` targets: the shipped kernels
 * with the training loop's phases timed, assembly/profile.ts), compiled with the project's asc
 * and loaded by this process in place of the SIMD and threads builds. Used by `npm run bench --
 * --profile` and by test/backend/profile.test.ts; never shipped.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _replaceBuild } from '../../src/backend/load.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Compile both profile builds into `outDir` (default: build/) and use them from the next `init()` on. */
export function useProfileBuilds(outDir = `${root}build`): void {
  const asc = `${root}node_modules/assemblyscript/bin/asc.js`;
  for (const [target, build] of [['profile', 'simd'], ['threads-profile', 'threads']] as const) {
    const out = `${outDir}/scratchnet.${target}.wasm`;
    execFileSync(process.execPath, [asc, 'assembly/index.ts', '--target', target, '-o', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    _replaceBuild(build, new Uint8Array(readFileSync(out)));
  }
}
