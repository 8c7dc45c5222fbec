import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './registerStockGradients';
import { gradientFixesActive } from './gradients';

// The bundled path (what the Vite worker uses): tfjs-core's ESM gradients, no umbrella package.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('registers the stock gradients and the fixes', () => {
  expect(tf.getGradient(tf.Add)).toBeDefined();
  expect(gradientFixesActive()).toBe(true);
  const ones = tf.ones([2, 3]);
  expect(ones.sum().dataSync()[0]).toBe(6);
  expect(ones.slice([0, 0], [1, 2]).shape).toEqual([1, 2]);
  ones.dispose();
  const d2 = tf.tidy(() => {
    const d1 = tf.grad((x: tf.Tensor) => tf.sum(tf.tanh(x)));
    return tf
      .grad((x: tf.Tensor) => tf.sum(d1(x)))(tf.tensor1d([0.5]))
      .dataSync()[0]!;
  });
  const t = Math.tanh(0.5);
  expect(d2).toBeCloseTo(-2 * t * (1 - t * t), 6);
});
