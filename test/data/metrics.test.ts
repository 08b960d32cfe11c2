// Accuracy of predictions against labels or matrices (src/data/metrics.ts).
import { describe, expect, it } from 'vitest';
import { oneHot } from '../../src/data/encoding.js';
import { accuracy } from '../../src/data/metrics.js';

describe('accuracy', () => {
  it('accuracy: binary by a 0.5 threshold, multi-class by argmax, labels or matrices', () => {
    expect(accuracy([[0.9], [0.2], [0.6], [0.5]], [1, 0, 0, 1])).toBe(0.75);
    expect(accuracy([[0.9], [0.2], [0.6]], [[1], [0], [0]])).toBeCloseTo(2 / 3, 12);
    expect(accuracy([[0.1, 0.9], [0.8, 0.2]], [[0, 1], [0, 1]])).toBe(0.5);
    expect(accuracy([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [2, 0])).toBe(1);
    expect(accuracy(oneHot([2, 0, 1]), new Int32Array([2, 1, 1]))).toBeCloseTo(2 / 3, 12);
  });

  it('accuracy rejects mismatched shapes and impossible labels', () => {
    expect(() => accuracy([[0.1, 0.9]], [1, 0])).toThrow('accuracy: pred has 1 rows but target has 2 labels');
    expect(() => accuracy([[0.1, 0.9]], [[0, 1, 0]])).toThrow('accuracy: pred is 1x2 but target is 1x3');
    expect(() => accuracy([[0.1, 0.9]], [2])).toThrow("accuracy: target[0] is 2, not a class index 0..1 of pred's 2 columns");
    expect(() => accuracy([[0.7]], [3])).toThrow('accuracy: target[0] is 3, not 0 or 1 (pred has one column: a binary classifier)');
    expect(() => accuracy([[NaN]], [1])).toThrow('accuracy: pred[0][0] is NaN, not a finite number');
  });
});
