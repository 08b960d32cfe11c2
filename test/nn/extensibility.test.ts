// Users extend Activation, Loss and Optimizer in TypeScript, and train() uses their classes
// (stepping from TypeScript instead of the kernels' loop). Each user class here re-implements a
// built-in, so its training must land where the built-in's does.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, init, Linear, Loss, Matrix, MeanSquaredError, NeuralNetwork, Optimizer, ReLU, Sigmoid, SGD, Tanh, type MatrixLike,
} from '../../src/index.js';

beforeAll(async () => {
  await init({ threads: 1 });
});

const X = [[0.1, 0.9], [0.8, -0.3], [-0.5, 0.4], [0.3, 0.3], [-0.9, -0.2]];
const Y = [[0.5], [-0.2], [0.8], [0.1], [-0.6]];
const weights = (n: NeuralNetwork) => n.layers.flatMap((l) => [...l.weights.data, ...l.bias.data]);
const close = (a: number[], b: number[], tol: number) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tol));

/** Mean squared error written by a user, in plain TypeScript. */
class UserMSE extends Loss {
  readonly name = 'userMse';
  forward(pred: MatrixLike, target: MatrixLike): number {
    const p = Matrix.from(pred).data, t = Matrix.from(target).data;
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (p[i]! - t[i]!) ** 2;
    return s / p.length;
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    const P = Matrix.from(pred), t = Matrix.from(target).data;
    return new Matrix(P.rows, P.cols, P.data.map((v, i) => (2 * (v - t[i]!)) / P.data.length));
  }
}

/** SGD written by a user. */
class UserSGD extends Optimizer {
  readonly name = 'userSgd';
  update(param: Float32Array, grad: Float32Array, _state: readonly Float32Array[], lr: number): void {
    for (let i = 0; i < param.length; i++) param[i] = param[i]! - lr * grad[i]!;
  }
}

/** Momentum written by a user: one state array per parameter, kept between steps. */
class UserMomentum extends Optimizer {
  readonly name = 'userMomentum';
  override readonly stateArrays = 1;
  update(param: Float32Array, grad: Float32Array, [v]: readonly Float32Array[], lr: number): void {
    for (let i = 0; i < param.length; i++) {
      v![i] = 0.9 * v![i]! - lr * grad[i]!;
      param[i] = param[i]! + v![i]!;
    }
  }
  override toJSON() {
    return { name: this.name, momentum: 0.9 };
  }
}

/** tanh written by a user. */
class UserTanh extends Activation {
  readonly name = 'userTanh';
  forward(x: MatrixLike): Matrix {
    const m = Matrix.from(x);
    return new Matrix(m.rows, m.cols, m.data.map(Math.tanh));
  }
  backward(x: MatrixLike): Matrix {
    const m = Matrix.from(x);
    return new Matrix(m.rows, m.cols, m.data.map((v) => 1 - Math.tanh(v) ** 2));
  }
}

const net = (act: Activation = new Tanh()) => new NeuralNetwork([2, 6, 1], [act, new Linear()], { seed: 11, init: 'xavier' });

describe('user classes train a network', () => {
  it('a user Loss trains to where the built-in does', () => {
    const a = net(), b = net();
    const ra = a.train(X, Y, { epochs: 200, learningRate: 0.1, loss: new MeanSquaredError() });
    const rb = b.train(X, Y, { epochs: 200, learningRate: 0.1, loss: new UserMSE() });
    expect(rb.loss[199]).toBeLessThan(rb.loss[0]! / 4);
    close(rb.loss, ra.loss, 1e-5);
    close(weights(b), weights(a), 1e-4);
    expect(b.trainingConfig?.loss).toBe('userMse');
  });

  it('a user Optimizer (stateless) trains to where SGD does', () => {
    const a = net(), b = net();
    a.train(X, Y, { epochs: 200, learningRate: 0.1, optimizer: new SGD() });
    const rb = b.train(X, Y, { epochs: 200, learningRate: 0.1, optimizer: new UserSGD() });
    expect(rb.loss[199]).toBeLessThan(rb.loss[0]! / 4);
    close(weights(b), weights(a), 1e-4);
  });

  it('a user Optimizer with state keeps it between steps and between train() calls (as momentum does)', () => {
    const a = net(), b = net();
    a.train(X, Y, { epochs: 60, learningRate: 0.05, optimizer: 'momentum' });
    a.train(X, Y, { epochs: 60, learningRate: 0.05, optimizer: 'momentum' });
    const opt = new UserMomentum();
    b.train(X, Y, { epochs: 60, learningRate: 0.05, optimizer: opt });
    b.train(X, Y, { epochs: 60, learningRate: 0.05, optimizer: opt });
    close(weights(b), weights(a), 1e-4);
  });

  it('a user Activation, Loss and Optimizer together, with mini-batches', () => {
    const a = net(new Tanh()), b = net(new UserTanh());
    a.train(X, Y, { epochs: 50, learningRate: 0.05, batchSize: 2, seed: 3, loss: 'meanSquaredError' });
    const rb = b.train(X, Y, { epochs: 50, learningRate: 0.05, batchSize: 2, seed: 3, loss: new UserMSE(), optimizer: new UserSGD() });
    expect(rb.epochs).toBe(50);
    close(weights(b), weights(a), 1e-4);
  });

  it('a subclass of a built-in that overrides nothing still runs the built-in kernels (bit-identical)', () => {
    class MyReLU extends ReLU {}
    class MySigmoid extends Sigmoid {}
    const a = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const b = new NeuralNetwork([2, 4, 1], [new MyReLU(), new MySigmoid()], { seed: 1 });
    a.train(X, [[1], [0], [1], [0], [1]], { epochs: 100, learningRate: 0.5 });
    b.train(X, [[1], [0], [1], [0], [1]], { epochs: 100, learningRate: 0.5 });
    expect(weights(b)).toEqual(weights(a));
  });

  it("a user class's bad results are named errors, and the network is left as it was", () => {
    class WrongShape extends Loss {
      readonly name = 'wrongShape';
      forward(): number {
        return 1;
      }
      backward(): Matrix {
        return Matrix.zeros(1, 1);
      }
    }
    class BadState extends Optimizer {
      readonly name = 'badState';
      override readonly stateArrays = 1e9;
      update(): void {}
    }
    const n = net();
    const before = weights(n);
    expect(() => n.train(X, Y, { epochs: 3, loss: new WrongShape() })).toThrow(/wrongShape\.backward must return a 5x1 Matrix, got a 1x1 Matrix/);
    expect(() => n.train(X, Y, { epochs: 3, optimizer: new BadState() })).toThrow(/stateArrays must be an integer in \[0, 8\], got 1000000000/);
    expect(weights(n)).toEqual(before);
    expect(n.trainingConfig).toBeNull();
  });

  it('a user class or callback that throws a non-Error (a string) gives a named Error with the value as its cause; an Error is passed on as thrown', async () => {
    class Throws extends UserTanh {
      override readonly name = 'throwsTanh' as 'userTanh';
      constructor(readonly where: 'forward' | 'backward') {
        super();
      }
      override forward(x: MatrixLike): Matrix {
        if (this.where === 'forward') throw 'activation said no';
        return super.forward(x);
      }
      override backward(x: MatrixLike): Matrix {
        if (this.where === 'backward') throw 'activation said no';
        return super.backward(x);
      }
    }
    class ThrowingLoss extends UserMSE {
      override readonly name = 'throwingLoss' as 'userMse';
      override forward(): number {
        throw { code: 7 };
      }
    }
    class ThrowingOpt extends UserSGD {
      override readonly name = 'throwingOpt' as 'userSgd';
      override update(): void {
        throw 'update said no';
      }
    }
    const cases: [string, () => unknown, RegExp][] = [
      ['predict', () => net(new Throws('forward')).predict(X), /^throwsTanh\.forward threw "activation said no" \(a string\)$/],
      ['train, activation backward', () => net(new Throws('backward')).train(X, Y, { epochs: 2 }), /^throwsTanh\.backward threw "activation said no" \(a string\)$/],
      ['train, loss', () => net().train(X, Y, { epochs: 2, loss: new ThrowingLoss() }), /^NeuralNetwork\.train: throwingLoss\.forward threw /],
      ['train, update', () => net().train(X, Y, { epochs: 2, optimizer: new ThrowingOpt() }), /^throwingOpt\.update threw "update said no" \(a string\)$/],
      ['train, onEpoch', () => net().train(X, Y, { epochs: 2, onEpoch: () => { throw 'cb'; } }), /^NeuralNetwork\.train: onEpoch threw "cb" \(a string\)$/],
      ['train, onBatch', () => net().train(X, Y, { epochs: 2, batchSize: 2, onBatch: () => { throw 'cb'; } }), /^NeuralNetwork\.train: onBatch threw "cb" \(a string\)$/],
    ];
    for (const [what, call, re] of cases) {
      let caught: unknown = null;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect((caught as Error)?.constructor, what).toBe(Error);
      expect((caught as Error).message, what).toMatch(re);
      expect((caught as Error).cause, what).toBeDefined();
    }
    await expect(net().trainAsync(X, Y, { epochs: 50, onProgress: () => { throw 'progress'; } }))
      .rejects.toThrow(/^NeuralNetwork\.trainAsync: onProgress threw "progress" \(a string\)$/);
    const mine = new Error('stop here');
    expect(() => net().train(X, Y, { epochs: 2, onEpoch: () => { throw mine; } })).toThrow(mine);
  });

  it("a user optimizer's update that grows WebAssembly memory (a predict on a large batch) still updates the weights", () => {
    const big = new Matrix(300_000, 2);
    let first = true;
    class GrowingSGD extends UserSGD {
      override readonly name = 'growingSgd' as 'userSgd';
      override update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], lr: number): void {
        if (first) {
          first = false;
          grown.predict(big); // allowed while training; grows memory in the single-threaded build
        }
        super.update(param, grad, state, lr);
      }
    }
    const grown = net(), control = net();
    grown.train(X, Y, { epochs: 3, learningRate: 0.1, optimizer: new GrowingSGD() });
    control.train(X, Y, { epochs: 3, learningRate: 0.1, optimizer: new UserSGD() });
    expect(first).toBe(false);
    expect(weights(grown)).toEqual(weights(control));
    grown.dispose();
    control.dispose();
  });
});
