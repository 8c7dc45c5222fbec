import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import {
  gradientFixesActive,
  registerGradientFixes,
  withStockGradients,
  type FixedKernel,
} from './gradients';

beforeAll(async () => {
  expect(await initNodeBackend('cpu')).toBe('cpu');
});

const xs = [-1.7, -0.3, 0, 0.4, 2.1];

/** d^order/dx^order of sum(f(x)) at xs, by nested tf.grad. */
function derivative(f: (x: tf.Tensor) => tf.Tensor, order: number): number[] {
  let g = (x: tf.Tensor): tf.Tensor => tf.sum(f(x));
  for (let k = 0; k < order; k++) {
    const inner = g;
    const d = tf.grad(inner);
    g = k === order - 1 ? d : (x: tf.Tensor): tf.Tensor => tf.sum(d(x));
  }
  return tf.tidy(() => Array.from(g(tf.tensor1d(xs)).dataSync()));
}

function expectClose(actual: number[], expected: number[], tol = 1e-5): void {
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] as number))).toBeLessThan(tol));
}

describe('activation gradients are exact to higher order', () => {
  const t = xs.map(Math.tanh);
  const s = xs.map((x) => 1 / (1 + Math.exp(-x)));

  it("tanh'' and tanh''' ", () => {
    expectClose(
      derivative(tf.tanh, 2),
      t.map((v) => -2 * v * (1 - v * v)),
    );
    expectClose(
      derivative(tf.tanh, 3),
      t.map((v) => (1 - v * v) * (6 * v * v - 2)),
    );
  });

  it("sigmoid''", () => {
    expectClose(
      derivative(tf.sigmoid, 2),
      s.map((v) => v * (1 - v) * (1 - 2 * v)),
    );
  });

  it("exp''", () => {
    expectClose(derivative(tf.exp, 2), xs.map(Math.exp));
  });

  it("stock tanh'' is wrong (the bug the fix exists for)", () => {
    // The saved output is a constant to the outer tape: the stock gradient of tanh is not even
    // connected to x, so tfjs refuses the second derivative (inside a network it silently drops
    // the tanh'' term instead, see hessian/hvp.test.ts).
    expect(() => withStockGradients(['Tanh'], () => derivative(tf.tanh, 2))).toThrow(
      /Cannot compute gradient/,
    );
    expect(gradientFixesActive()).toBe(true);
  });

  it('comparison kernels have zero gradients (leakyRelu, max under a second derivative)', () => {
    const leaky = derivative((x) => tf.square(tf.leakyRelu(x, 0.2)), 2);
    expectClose(
      leaky,
      xs.map((x) => (x > 0 ? 2 : 2 * 0.04)),
    );
    const mx = derivative((x) => tf.square(tf.max(x)), 2);
    expectClose(
      mx,
      xs.map((_, i) => (i === xs.length - 1 ? 2 : 0)),
    );
  });
});

describe('BatchMatMul gradient', () => {
  const shapes: Record<string, [number[], number[]]> = {
    'A·B': [
      [3, 4],
      [4, 5],
    ],
    'A·Bᵀ': [
      [3, 4],
      [5, 4],
    ],
    'Aᵀ·B': [
      [4, 3],
      [4, 5],
    ],
    'Aᵀ·Bᵀ': [
      [4, 3],
      [5, 4],
    ],
  };
  const flags: Record<string, [boolean, boolean]> = {
    'A·B': [false, false],
    'A·Bᵀ': [false, true],
    'Aᵀ·B': [true, false],
    'Aᵀ·Bᵀ': [true, true],
  };

  function gradsOf(name: string, stock: boolean): number[][] {
    const [sa, sb] = shapes[name]!;
    const [ta, tb] = flags[name]!;
    const run = (): number[][] =>
      tf.tidy(() => {
        const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
        const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
        const r = tf.randomNormal([3, 5], 0, 1, 'float32', 3);
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
          tf.sum(tf.mul(tf.matMul(p, q, ta, tb), r)),
        )([a, b]);
        return g.map((t) => Array.from(t.dataSync()));
      });
    const kernels: FixedKernel[] = ['BatchMatMul'];
    return stock ? withStockGradients(kernels, run) : run();
  }

  for (const name of Object.keys(shapes)) {
    it(`matches the stock gradient for ${name}`, () => {
      const ours = gradsOf(name, false);
      const theirs = gradsOf(name, true);
      ours.forEach((g, i) => expectClose(g, theirs[i]!, 1e-5));
    });
  }

  it('sums broadcast batch axes back to the input shape', () => {
    const [ga, gb, gbTiled] = tf.tidy(() => {
      const a = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
      const b = tf.randomNormal([4, 5], 0, 1, 'float32', 5);
      const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))(
        [a, b],
      );
      // Reference: the same product with b stacked explicitly (Tile's gradient sums the copies).
      const dbTiled = tf.grad((q: tf.Tensor) =>
        tf.sum(tf.square(tf.matMul(a, tf.tile(tf.reshape(q, [1, 4, 5]), [2, 1, 1])))),
      )(b);
      return [da!, db!, dbTiled].map((t) => ({ shape: t.shape, v: Array.from(t.dataSync()) }));
    });
    expect(ga!.shape).toEqual([2, 3, 4]);
    expect(gb!.shape).toEqual([4, 5]);
    expectClose(gb!.v, gbTiled!.v, 1e-4);
  });

  /** Shapes of every BatchMatMul run while taking the gradient of a small MLP loss. */
  async function matMulShapes(): Promise<number[][][]> {
    const info = await tf.profile(() => {
      const g = tf.grads((w1: tf.Tensor, w2: tf.Tensor) => {
        const x = tf.ones([6, 3]);
        return tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(x, w1)), w2)));
      })([tf.ones([3, 4]), tf.ones([4, 2])]);
      return g;
    });
    tf.dispose(info.result);
    return info.kernels.filter((k) => k.name === 'BatchMatMul').map((k) => k.inputShapes);
  }

  it('never runs a transposed matMul (the wasm fast path)', async () => {
    const plain = (s: number[][]): boolean => s[0]!.at(-1) === s[1]!.at(-2);
    const ours = await matMulShapes();
    expect(ours.length).toBeGreaterThanOrEqual(5);
    expect(ours.every(plain)).toBe(true);
    // The check can fail: stock tfjs uses transposeA/transposeB in the backward pass.
    const stock = await (async () => {
      let shapesP: Promise<number[][][]> | null = null;
      withStockGradients(['BatchMatMul'], () => {
        shapesP = matMulShapes();
      });
      return shapesP!;
    })();
    expect(stock.every(plain)).toBe(false);
  });
});

describe('registration', () => {
  it('is idempotent and repairs an overwritten registry', () => {
    registerGradientFixes();
    registerGradientFixes();
    expect(gradientFixesActive()).toBe(true);
    const stockTanh = withStockGradients(['Tanh'], () => tf.getGradient(tf.Tanh));
    expect(stockTanh?.outputsToSave).toEqual([true]);
    // What `import '@tensorflow/tfjs'` after setup would do: re-register the stock config.
    tf.registerGradient(stockTanh!);
    expect(gradientFixesActive()).toBe(false);
    registerGradientFixes();
    expect(gradientFixesActive()).toBe(true);
  });
});
