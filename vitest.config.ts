import { defineConfig } from 'vitest/config';
import { relaxedSimdFlags } from './scripts/lib/node-flags.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // the relaxed-SIMD build validates in every worker, so its kernels are tested too: Node 20
    // needs --experimental-wasm-relaxed-simd for it, Node ≥ 22 has it and refuses the flag
    execArgv: relaxedSimdFlags(),
  },
});
