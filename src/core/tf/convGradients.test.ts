import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { registerGradientFixes, withStockGradients, type FixedKernel } from './gradients';
import {
  adjointChecks,
  CONV_CASES,
  type ConvCase,
  convHvpCheck,
  maxPoolCase,
  myrtleCase,
  resBlockCase,
  signedMaxPoolCase,
} from '../hessian/convTestCases';

beforeAll(async () => {
  expect(await initNodeBackend('cpu')).toBe('cpu');
  registerGradientFixes();
});

describe('conv-net HVPs on cpu match the float64 reference', () => {
  for (const c of [...CONV_CASES, signedMaxPoolCase]) {
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

describe('each second-order registration on its own (cpu)', () => {
  it('⟨G(z′), b⟩ = ⟨z′, ∇_z⟨G(z), b⟩⟩ for conv input/filter and avg/max pool gradients', () => {
    const before = tf.memory().numTensors;
    const checks = adjointChecks();
    expect(checks.length).toBe(28);
    for (const c of checks) expect(c.gap, c.name).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a wrong adjoint is caught: the max-pool check fails with the avg-pool adjoint in its place', () => {
    const avg = tf.getGradient(tf.AvgPoolGrad)!;
    const max = tf.getGradient(tf.MaxPoolGrad)!;
    const checks = withStockGradients(['MaxPoolGrad'], () => {
      tf.registerGradient({
        kernelName: tf.MaxPoolGrad,
        inputsToSave: ['input', 'output'],
        gradFunc: (dy, saved, attrs) => {
          const g = avg.gradFunc(dy, [saved[0]!], attrs);
          return { ...g, output: () => tf.zerosLike(saved[1]!) };
        },
      });
      return adjointChecks().filter((c) => c.name.startsWith('max pool'));
    });
    expect(tf.getGradient(tf.MaxPoolGrad)).toBe(max);
    expect(Math.max(...checks.map((c) => c.gap))).toBeGreaterThan(1e-2);
  });
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
