// The built-in optimizers' own update(), called directly (as a user's code may, e.g. to step
// parameters kept outside a network): bad arguments are named Errors that change nothing.
import { describe, expect, it } from 'vitest';
import { Adam, Momentum, Optimizer, RMSprop, SGD } from '../../src/index.js';

const f = (...v: number[]) => Float32Array.from(v);

describe('a built-in optimizer’s update, called directly', () => {
  const cases: [string, Optimizer, number][] = [['SGD', new SGD(), 0], ['Momentum', new Momentum(), 1], ['Adam', new Adam(), 2], ['RMSprop', new RMSprop(), 1]];
  for (const [name, o, slots] of cases) {
    it(`${name}: bad arguments are named Errors and leave every array as it was`, () => {
      const param = f(1, 2), grad = f(0.5, -0.5), state = Array.from({ length: slots }, () => f(0.25, 0.25));
      const bad: [unknown[], RegExp][] = [
        [[], /param must be a Float32Array, got undefined/],
        [[[1, 2], grad, state, 0.1, 1], /param must be a Float32Array, got/],
        [[param, undefined, state, 0.1, 1], /grad must be a Float32Array, got undefined/],
        [[param, f(1, 2, 3), state, 0.1, 1], /grad has 3 values, param has 2/],
        [[param, grad, 'x', 0.1, 1], /state must be an array of \d Float32Arrays/],
        [[param, grad, state, NaN, 1], /learningRate must be a finite number, got NaN/],
      ];
      if (slots > 0) {
        bad.push([[param, grad, [], 0.1, 1], new RegExp(`state must be an array of ${slots} Float32Arrays, got 0`)]);
        bad.push([[param, grad, state.map(() => f(1)), 0.1, 1], /state\[0\] has 1 values, param has 2/]);
      }
      if (name === 'Adam') bad.push([[param, grad, state, 0.1, 0], /step must be an integer ≥ 1, got 0/]);
      for (const [args, re] of bad) {
        let caught: unknown = null;
        try {
          (o.update as (...a: unknown[]) => void)(...args);
        } catch (e) {
          caught = e;
        }
        expect((caught as Error)?.constructor, String(re)).toBe(Error);
        expect((caught as Error).message).toMatch(new RegExp(`^${name}\\.update: ${re.source}`));
        expect(Array.from(param)).toEqual([1, 2]);
        for (const s of state) expect(Array.from(s)).toEqual([0.25, 0.25]);
      }
      o.update(param, grad, state, 0.1, 1); // and a good call still steps
      expect(Array.from(param)).not.toEqual([1, 2]);
    });
  }

  it('SGD.update steps param −= lr·grad', () => {
    const param = f(1, 2);
    new SGD().update(param, f(0.5, -0.5), [], 0.1);
    expect(Array.from(param)).toEqual([Math.fround(1 - Math.fround(0.1 * 0.5)), Math.fround(2 + Math.fround(0.1 * 0.5))]);
  });
});

describe('an optimizer given by its saved form ({ name, ...settings })', () => {
  it('the name decides nesterov; sgd takes no settings; contradictions are Errors', async () => {
    const { init, NeuralNetwork, ReLU, Sigmoid } = await import('../../src/index.js');
    await init();
    const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
    const run = (optimizer: unknown) => {
      const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
      try {
        const loss = net.train(X, y, { epochs: 20, learningRate: 0.1, optimizer: optimizer as never }).loss;
        return { loss, config: net.trainingConfig };
      } finally {
        net.dispose();
      }
    };
    // { name: 'nesterov' } trained plain momentum before
    const named = run({ name: 'nesterov', momentum: 0.5 });
    expect(named.config!.optimizer).toEqual({ name: 'nesterov', momentum: 0.5, nesterov: true });
    expect(named.loss).toEqual(run(new Momentum({ momentum: 0.5, nesterov: true })).loss);
    expect(run({ name: 'momentum', momentum: 0.5 }).loss).toEqual(run(new Momentum({ momentum: 0.5 })).loss);
    expect(() => run({ name: 'momentum', nesterov: true })).toThrow(/optimizer "momentum" cannot have nesterov: true/);
    expect(() => run({ name: 'sgd', momentum: 0.9 })).toThrow(/^NeuralNetwork\.train: optimizer "sgd" takes no settings, got "momentum"$/);
    const saved = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 1 }).toJSON();
    saved.training = { optimizer: { name: 'sgd', foo: 1 }, loss: 'binaryCrossEntropy' };
    expect(() => NeuralNetwork.fromJSON(saved)).toThrow(/^NeuralNetwork\.fromJSON: optimizer "sgd" takes no settings, got "foo"$/);
  });
});
