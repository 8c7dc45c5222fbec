import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { ADDN_GROUP, sumAll } from './sum';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

describe('sumAll', () => {
  it('sums 1 to 40 tensors exactly as one pass would, with at most ADDN_GROUP inputs per AddN', async () => {
    for (const n of [1, 2, ADDN_GROUP, ADDN_GROUP + 1, 7, 8, 17, 40]) {
      const terms = Array.from({ length: n }, (_, i) => tf.tensor1d([i + 1, -2 * i, 0.5]));
      const prof = await tf.profile(() => sumAll(terms));
      const widest = Math.max(
        0,
        ...prof.kernels.filter((k) => k.name === 'AddN').map((k) => k.inputShapes.length),
      );
      expect(widest).toBeLessThanOrEqual(ADDN_GROUP);
      const got = sumAll(terms);
      expect(Array.from(await got.data())).toEqual([(n * (n + 1)) / 2, -n * (n - 1), 0.5 * n]);
      tf.dispose([got, ...terms, prof.result as tf.Tensor]);
    }
  });

  it('refuses an empty list', () => {
    expect(() => sumAll([])).toThrow(/no terms/);
  });
});
