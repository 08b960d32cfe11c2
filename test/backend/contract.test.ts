// The one TS ↔ kernel contract (src/backend/contract.ts): its layouts are consistent, and every
// id means to the kernels what the TypeScript side means by it (checked by behaviour, against
// the plain-TS reference twins, not by comparing the numbers with themselves).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivationId, CLAIM_STRIDE, Command, ControlField, GatherJob, GradientStep, LossId, MAX_THREADS, OptimizerId, PanelState, PlanField, PlanLayerField,
  ProductFlag, ProductJob, StepKind, UpdateJob,
} from '../../src/backend/contract.js';
import {
  Adam, BinaryCrossEntropy, BinaryCrossEntropyFromLogits, init, LeakyReLU, Linear, MeanSquaredError, Momentum, NeuralNetwork,
  ReLU, RMSprop, SGD, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh, type Optimizer,
} from '../../src/index.js';
import * as ref from '../../src/reference/optimizers.js';
import { activationKernel } from '../../src/nn/activations.js';

beforeAll(async () => {
  await init({ threads: 1 });
});

const values = (e: object) => Object.values(e).filter((v): v is number => typeof v === 'number');

describe('contract layouts', () => {
  it('every enum has distinct values', () => {
    for (const e of [ActivationId, LossId, OptimizerId, PlanField, PlanLayerField, ControlField, Command, ProductJob, UpdateJob, GatherJob, GradientStep, PanelState, StepKind]) {
      const v = values(e);
      expect(new Set(v).size).toBe(v.length);
    }
  });
  it('product flags are distinct bits, and the step block\'s fields fit it', () => {
    const bits = values(ProductFlag);
    for (const b of bits) expect(b & (b - 1), `${b} is one bit`).toBe(0);
    expect(bits.reduce((a, b) => a | b, 0)).toBe(bits.reduce((a, b) => a + b, 0));
    expect(Math.max(...values(GradientStep).filter((v) => v !== GradientStep.Words))).toBeLessThan(GradientStep.Words);
  });
  it('plan header fields fit the header, and its f64 fields are aligned and overlap nothing', () => {
    const fields = values(PlanField).filter((v) => v !== PlanField.HeaderWords);
    expect(Math.max(...fields)).toBeLessThan(PlanField.HeaderWords);
    for (const f of [PlanField.Pow1, PlanField.Pow2]) {
      expect(f % 2).toBe(0);
      expect(fields).not.toContain(f + 1);
    }
    expect(PlanField.HeaderWords % 4).toBe(0); // layer rows stay 16-byte aligned
  });
  it('layer rows and jobs fit their blocks', () => {
    expect(Math.max(...values(PlanLayerField).filter((v) => v !== PlanLayerField.Words))).toBeLessThan(PlanLayerField.Words);
    const job = Math.max(...values(ProductJob), ...values(UpdateJob), ...values(GatherJob));
    const C = ControlField;
    // the fields the idle workers poll on line 0, the job on line 1, the chunk counts on line 2, claims on lines of their own
    expect(Math.max(C.Generation, C.Command, C.Threads, C.Ready, C.Error, C.Timeout)).toBeLessThan(16);
    expect(C.Job).toBe(16);
    expect(C.Job + job).toBeLessThan(C.Pending);
    expect([C.Pending >> 4, C.Stolen >> 4]).toEqual([2, 2]);
    expect(C.Claims % 16).toBe(0);
    expect(CLAIM_STRIDE).toBe(16); // 64 bytes: one claim word per cache line
    expect(C.Claims + CLAIM_STRIDE * MAX_THREADS).toBe(C.Words);
    expect(MAX_THREADS).toBe(256);
  });
});

describe('ids mean the same on both sides', () => {
  it('each Activation class: the fused dense kernel with its id computes what its own forward computes', () => {
    const acts = [new ReLU(), new LeakyReLU(0.1), new Linear(), new Sigmoid(), new Tanh(), new Softmax()];
    expect(new Set(acts.map((a) => activationKernel(a)!.id)).size).toBe(values(ActivationId).length);
    for (const act of acts) {
      const net = new NeuralNetwork([5, 9], [act], { seed: 3, init: 1 });
      const x = [[0.5, -1, 2, 0.25, -0.75], [1, 1, -2, 0, 3]];
      const viaId = net.predict(x); // denseForward(..., its ActivationId, alpha)
      const z = net.layers[0]!.activationInput!;
      const viaClass = act.forward(z); // the `${name}Forward` kernel, looked up by name
      expect(Array.from(viaId.data)).toEqual(Array.from(viaClass.data));
      net.dispose();
    }
  });

  it('each built-in Loss: the training loop (by LossId) reports the loss its own forward computes', () => {
    const X = [[0.1, 0.9], [0.8, -0.3], [-0.5, 0.4]];
    const cases = [
      { loss: new BinaryCrossEntropy(), last: new Sigmoid(), y: [[1, 0], [0, 1], [1, 1]] },
      { loss: new MeanSquaredError(), last: new Linear(), y: [[1, 0.5], [-1, 2], [0, 3]] },
      { loss: new SoftmaxCrossEntropy(), last: new Softmax(), y: [[1, 0], [0, 1], [1, 0]] },
      { loss: new BinaryCrossEntropyFromLogits(), last: new Sigmoid(), y: [[1, 0], [0, 1], [1, 1]] },
    ];
    for (const { loss, last, y } of cases) {
      const net = new NeuralNetwork([2, 2], [last], { seed: 5, init: 1 });
      net.predict(X);
      const pred = loss.fromLogits ? net.layers[0]!.activationInput! : net.layers[0]!.output!;
      const expected = loss.forward(pred, y);
      const { loss: history } = net.train(X, y, { epochs: 1, loss, learningRate: 0.01 });
      expect(history[0]).toBe(expected);
      net.dispose();
    }
  });

  it('each built-in Optimizer: one step of the training loop (by OptimizerId) is its reference update rule', () => {
    const X = [[0.5, -1, 2], [1, 0.25, -0.5], [-1, 1, 1], [0.3, 0.2, 0.1]];
    const Y = [[1, 0], [0, 1], [0.5, 0.5], [2, -1]];
    const cases: [Optimizer, (w: Float32Array, g: Float32Array) => void][] = [
      [new SGD(), (w, g) => ref.sgdUpdate(w, w, g, 0.05, w.length)],
      [new Momentum({ momentum: 0.8 }), (w, g) => ref.momentumUpdate(w, w, g, new Float32Array(w.length), 0.05, 0.8, 0, w.length)],
      [new Momentum({ momentum: 0.8, nesterov: true }), (w, g) => ref.momentumUpdate(w, w, g, new Float32Array(w.length), 0.05, 0.8, 1, w.length)],
      [new Adam(), (w, g) => ref.adamUpdate(w, w, g, new Float32Array(w.length), new Float32Array(w.length), 0.05, 0.9, 0.999, 1e-7, 1 / (1 - Math.fround(0.9)), 1 / (1 - Math.fround(0.999)), w.length)],
      [new RMSprop({ rho: 0.9 }), (w, g) => ref.rmspropUpdate(w, w, g, new Float32Array(w.length), 0.05, 0.9, 1e-7, w.length)],
    ];
    for (const [optimizer, rule] of cases) {
      const net = new NeuralNetwork([3, 2], [new Linear()], { seed: 9, init: 1 });
      const w0 = net.layers[0]!.weights.data.slice();
      // the MSE gradient at the starting weights, from the layer's own backward (no update)
      const out = net.forward(X);
      const n = out.data.length;
      const grad = out.toArray().map((row, i) => row.map((p, j) => (2 * (p - Y[i]![j]!)) / n));
      const [, gW] = net.layers[0]!.backward(grad);
      const expected = w0.slice();
      rule(expected, gW.data);
      net.train(X, Y, { epochs: 1, loss: 'meanSquaredError', optimizer, learningRate: 0.05 });
      const got = net.layers[0]!.weights.data;
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 5);
      net.dispose();
    }
  });

});
