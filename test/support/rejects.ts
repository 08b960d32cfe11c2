// Shared assertion for bad input: a named Error (never a raw TypeError, RangeError or
// WebAssembly.RuntimeError) that matches a message, with WebAssembly memory left as it was.
import { expect } from 'vitest';
import { backendInfo } from '../../src/index.js';

/** Whether `e` is one of the raw JS/WASM errors a public entry point must never surface. */
export function isRawError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof WebAssembly.RuntimeError || !(e instanceof Error);
}

/**
 * `fn` must throw a plain `Error` matching `re` (not a TypeError, RangeError or kernel trap) and
 * must leave WebAssembly memory as it was (no allocation kept, no growth). Returns the error.
 */
export function expectRejects(fn: () => unknown, re: RegExp): Error {
  const before = backendInfo();
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected the call to throw').not.toBeNull();
  expect(isRawError(caught), `raw error: ${String(caught)}`).toBe(false);
  expect((caught as Error).name).toBe('Error');
  expect((caught as Error).message).toMatch(re);
  const after = backendInfo();
  expect(after.usedBytes).toBe(before.usedBytes);
  expect(after.memoryBytes).toBe(before.memoryBytes);
  return caught as Error;
}
