// The chapter reproduced on the scalar build of the kernels (test/network.test.ts runs the default,
// best build: relaxed SIMD under vitest).
import { describe, expect, it } from 'vitest';
import { backendInfo, init } from '../../src/index.js';
import { CHAPTER_LOG, CHAPTER_PREDICTIONS, runChapter } from '../support/chapter.js';

describe('the chapter on the scalar build', () => {
  it("prints the chapter's log and predictions, by hand and with train()", async () => {
    await init({ simd: false });
    expect(backendInfo().build).toBe('scalar');
    const r = runChapter();
    expect(r.handLog).toEqual(CHAPTER_LOG);
    expect(r.trainLog).toEqual(CHAPTER_LOG);
    expect(r.handPredictions).toEqual(CHAPTER_PREDICTIONS);
    expect(r.trainPredictions).toEqual(CHAPTER_PREDICTIONS);
  });
});
