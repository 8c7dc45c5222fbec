import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from './backend';
import { registerGradientFixes, withStockGradients, type FixedKernel } from './gradients';
import {
  CONV_CASES,
  type ConvCase,
  convHvpCheck,
  maxPoolCase,
  myrtleCase,
  resBlockCase,
} from '../hessian/convTestCases';

beforeAll(async () => {
  expect(await initNodeBackend('cpu')).toBe('cpu');
  registerGradientFixes();
});

describe('conv-net HVPs on cpu match the float64 reference', () => {
  for (const c of CONV_CASES) {
    it(c.name, async () => {
      const before = tf.memory().numTensors;
      const r = await convHvpCheck(c);
      expect(r.loss).toBeLessThan(1e-6);
      expect(r.grad).toBeLessThan(1e-5);
      expect(r.hvp).toBeLessThan(1e-5);
      expect(r.hvpNorm).toBeGreaterThan(1e-3);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

/**
 * True when the HVP throws or is off by more than 1e-3 relative with `kernel`'s stock gradient
 * (none, for the new ones). `convHvpCheck` makes all its tensors before its first await, so the
 * stock registry that `withStockGradients` installs for its synchronous part covers all of them.
 */
async function brokenWithout(kernel: FixedKernel, c: ConvCase): Promise<boolean> {
  return withStockGradients([kernel], () =>
    convHvpCheck(c).then(
      (r) => r.hvp > 1e-3,
      () => true,
    ),
  );
}

// Conv2D's and Conv2DBackpropInput's replacements matter only where the filter kernel is missing:
// their tests are in tests/integration/convHvpWasm.test.ts.
describe('each new registration is needed (cpu)', () => {
  it('without the Conv2DBackpropFilter gradient the HVP of a conv net fails', async () => {
    expect(await brokenWithout('Conv2DBackpropFilter', myrtleCase)).toBe(true);
  });
  it('without the AvgPoolGrad gradient the Myrtle HVP fails', async () => {
    expect(await brokenWithout('AvgPoolGrad', myrtleCase)).toBe(true);
  });
  it('without the MaxPoolGrad gradient the max-pool HVP fails', async () => {
    expect(await brokenWithout('MaxPoolGrad', maxPoolCase)).toBe(true);
  });
  it('the residual block needs the conv registrations too', async () => {
    expect(await brokenWithout('Conv2DBackpropFilter', resBlockCase)).toBe(true);
  });
});
