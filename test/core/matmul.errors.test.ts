// Bad input to matmul: the message, and that nothing changed or leaked.
import { beforeAll, describe, it } from 'vitest';
import { init, matmul } from '../../src/index.js';

import { bad, expectRejects } from '../support/errors.js';

beforeAll(async () => {
  await init();
});

describe('matmul', () => {
  it('rejects non-aligned shapes, naming both shapes', () => {
    expectRejects(() => matmul([[1, 2, 3]], [[1, 2]]), /matmul: shapes do not align: a \(1x3\) · b \(1x2\)/);
    expectRejects(
      () => matmul([[1, 2], [3, 4], [5, 6]], [[1, 2, 3]]),
      /matmul: .*a \(3x2\).*b \(1x3\).*inner dimensions 2 and 1 differ/,
    );
  });

  it('names transposed shapes', () => {
    expectRejects(
      () => matmul([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]], { transposeA: true }),
      /matmul: shapes do not align: aᵀ \(3x2\) · b \(3x2\); inner dimensions 2 and 3 differ/,
    );
    expectRejects(
      () => matmul([[1, 2, 3]], [[1, 2]], { transposeB: true }),
      /matmul: shapes do not align: a \(1x3\) · bᵀ \(2x1\)/,
    );
  });

  it('rejects bad operands, naming which', () => {
    expectRejects(() => matmul([[1, NaN]], [[1], [2]]), /matmul: a\[0\]\[1\] is NaN, not a finite number/);
    expectRejects(() => matmul([[1, 2]], [[1], [2, 3]]), /matmul: b is ragged/);
  });
});

