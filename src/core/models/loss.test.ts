import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { logSumExpRows, loss } from './loss';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

const z = [
  [1, 2, 0.5],
  [-3, 0, 4],
];
const y = [
  [0, 1, 0],
  [1, 0, 0],
];

function lse(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}

describe('loss', () => {
  it('MSE = ½ mean over batch and classes', () => {
    const v = tf.tidy(() => loss('mse', tf.tensor2d(z), tf.tensor2d(y)).dataSync()[0]!);
    let s = 0;
    z.forEach((row, b) => row.forEach((f, j) => (s += (f - y[b]![j]!) ** 2)));
    expect(v).toBeCloseTo(s / (2 * 6), 6);
  });

  it('zero output with one-hot targets, k = 10: L = 0.05', () => {
    const v = tf.tidy(() => {
      const t = tf.cast(tf.oneHot(tf.tensor1d([3, 7, 0], 'int32'), 10), 'float32') as tf.Tensor2D;
      return loss('mse', tf.zeros([3, 10]) as tf.Tensor2D, t).dataSync()[0]!;
    });
    expect(v).toBeCloseTo(0.05, 7);
  });

  it('cross-entropy = mean(logSumExp(z) − Σ y z), gradient softmax − y', () => {
    const [v, g] = tf.tidy(() => {
      const yt = tf.tensor2d(y);
      const f = (zz: tf.Tensor): tf.Scalar => loss('xent', zz as tf.Tensor2D, yt);
      const zt = tf.tensor2d(z);
      return [f(zt).dataSync()[0]!, Array.from(tf.grad(f)(zt).dataSync())];
    });
    const expected =
      z.reduce((s, row, b) => s + lse(row) - row.reduce((t, f, j) => t + y[b]![j]! * f, 0), 0) / 2;
    expect(v).toBeCloseTo(expected, 5);
    z.forEach((row, b) =>
      row.forEach((f, j) => {
        const p = Math.exp(f - lse(row));
        expect(g[b * 3 + j]!).toBeCloseTo((p - y[b]![j]!) / 2, 6);
      }),
    );
  });

  it('logSumExp is stable for large logits and has the softmax Hessian', () => {
    const big = tf.tidy(() => Array.from(logSumExpRows(tf.tensor2d([[1000, 1001]])).dataSync()));
    expect(big[0]).toBeCloseTo(1001 + Math.log(1 + Math.exp(-1)), 3);
    // H v for one row: (diag(p) − p pᵀ) v.
    const row = [0.3, -1.2, 2.0];
    const v = [1, -2, 0.5];
    const hv = tf.tidy(() => {
      const g = (zz: tf.Tensor): tf.Tensor =>
        tf.grad((w: tf.Tensor) => tf.sum(logSumExpRows(w as tf.Tensor2D)))(zz);
      const dot = (zz: tf.Tensor): tf.Tensor => tf.sum(tf.mul(g(zz), tf.tensor2d([v])));
      return Array.from(
        tf
          .grad(dot)(tf.tensor2d([row]))
          .dataSync(),
      );
    });
    const p = row.map((f) => Math.exp(f - lse(row)));
    const pv = p.reduce((s, pi, i) => s + pi * v[i]!, 0);
    p.forEach((pi, i) => expect(hv[i]!).toBeCloseTo(pi * v[i]! - pi * pv, 6));
  });
});
