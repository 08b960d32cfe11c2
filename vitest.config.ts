import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // lets the relaxed-SIMD build validate in Node 20, so its kernels are tested too
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
