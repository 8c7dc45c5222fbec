import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from './backend';
import { gradientFixesActive } from '../core/tf/gradients';

it('initNodeBackend(cpu) registers stock gradients and the fixes', async () => {
  expect(await initNodeBackend('cpu')).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  expect(tf.getGradient(tf.Add)).toBeDefined();
  expect(gradientFixesActive()).toBe(true);
});
