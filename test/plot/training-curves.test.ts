// trainingCurvesSvg (src/plot/training-curves.ts).
import { describe, expect, it } from 'vitest';
import { trainingCurvesSvg } from '../../src/plot/training-curves.js';
import { namedError } from '../support/named-error.js';

describe('trainingCurvesSvg', () => {
  const history = { loss: [0.7, 0.4, 0.2], valLoss: [0.72, 0.5, 0.35], accuracy: [0.5, 0.8, 0.9], valAccuracy: [0.5, 0.7, 0.8] };
  it('draws training and validation loss (log scale) or accuracy, with a legend', () => {
    const loss = trainingCurvesSvg(history);
    expect(loss).toContain('Loss over training');
    expect(loss).toContain('validation');
    expect((loss.match(/<path /g) ?? []).length).toBeGreaterThanOrEqual(2);
    const acc = trainingCurvesSvg(history, 'accuracy');
    expect(acc).toContain('Accuracy over training');
    expect(acc).not.toMatch(/NaN/);
    expect(trainingCurvesSvg({ loss: [1, 0.5] })).not.toContain('validation');
  });
  it('says what is missing', () => {
    expect(() => trainingCurvesSvg({ loss: [1] }, 'accuracy')).toThrow(/recorded no accuracy \(train with metrics: \['accuracy'\]\)/);
    expect(() => trainingCurvesSvg({} as never)).toThrow(/expected a training result/);
  });
});

describe('trainingCurvesSvg: bad arguments', () => {
  it('are named Errors', async () => {
    await namedError(() => trainingCurvesSvg({ loss: [1] }, 'f1' as never), "trainingCurvesSvg: metric must be 'loss' or 'accuracy', got \"f1\" (a string)");
    await namedError(() => trainingCurvesSvg({ loss: [1] }, 'loss', null as never), 'trainingCurvesSvg: options must be an object');
    await namedError(() => trainingCurvesSvg({ loss: [1], valLoss: 'x' as never }), 'lineChartSvg: series[1].values must be an array of numbers');
    await namedError(() => trainingCurvesSvg(null as never), 'trainingCurvesSvg: expected a training result with a loss array');
  });
});

describe('trainingCurvesSvg: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => trainingCurvesSvg({ loss: [1] }, 'loss', { colour: 'red' } as never), 'trainingCurvesSvg: unknown option "colour" (known: title, xLabel, yLabel, width, height, logY)');
  });
});
