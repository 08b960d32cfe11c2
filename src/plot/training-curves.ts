/**
 * The loss and accuracy curves of a training run, as SVG.
 *
 * @module
 */
import { describe, readOptions } from '../core/validate.js';
import { CHART_OPTIONS, lineChartSvg, type LineChartOptions, type LineSeries } from './line-chart.js';

/**
 * The per-epoch histories `trainingCurvesSvg` reads (a `TrainResult` has them).
 *
 * @example
 * ```ts
 * import { trainingCurvesSvg, type TrainingHistory } from 'scratchnet';
 * const history: TrainingHistory = { loss: [0.7, 0.4, 0.2], valLoss: [0.72, 0.5, 0.35] };
 * const svg = trainingCurvesSvg(history);
 * ```
 */
export interface TrainingHistory {
  loss: readonly number[];
  valLoss?: readonly number[];
  accuracy?: readonly number[];
  valAccuracy?: readonly number[];
}

/**
 * The curves of a training run as an SVG chart: training and validation loss (log scale), or
 * training and validation accuracy, straight from what `train()` returned.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const result = net.train(x, y, { epochs: 200, validationSplit: 0.2, metrics: ['accuracy'] });
 * writeFileSync('loss.svg', trainingCurvesSvg(result));                 // train + validation loss
 * writeFileSync('accuracy.svg', trainingCurvesSvg(result, 'accuracy')); // train + validation accuracy
 * ```
 */
export function trainingCurvesSvg(
  history: TrainingHistory, metric: 'loss' | 'accuracy' = 'loss', options: LineChartOptions = {},
): string {
  const op = 'trainingCurvesSvg';
  if (!history || !Array.isArray(history.loss)) throw new Error(`${op}: expected a training result with a loss array`);
  if (metric !== 'loss' && metric !== 'accuracy') throw new Error(`${op}: metric must be 'loss' or 'accuracy', got ${describe(metric)}`);
  const o = readOptions(op, options, CHART_OPTIONS);
  const [train, val] = metric === 'loss' ? [history.loss, history.valLoss] : [history.accuracy, history.valAccuracy];
  if (!train) throw new Error(`${op}: this run recorded no accuracy (train with metrics: ['accuracy'])`);
  const series: LineSeries[] = [{ name: 'training', values: train }];
  if (val) series.push({ name: 'validation', values: val });
  const name = metric === 'loss' ? 'Loss' : 'Accuracy';
  return lineChartSvg(series, { title: `${name} over training`, xLabel: 'Epoch', yLabel: name, logY: metric === 'loss', ...o });
}

