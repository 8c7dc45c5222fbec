import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node/backend';
import { registerGradientFixes, withStockGradients } from '../../src/core/tf/gradients';
import { hasFilterKernel } from '../../src/core/tf/convGradients';
import {
  adjointChecks,
  CONV_CASES,
  convHvpCheck,
  myrtleCase,
  resBlockCase,
  signedMaxPoolCase,
} from '../../src/core/hessian/convTestCases';

// wasm, the CLI's backend, has no Conv2DBackpropFilter kernel: the filter gradient goes through
// shifted-slice matMuls there (core/tf/convGradients.ts).
beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
  registerGradientFixes();
});

describe('conv-net HVPs on wasm match the float64 reference', () => {
  it('wasm has no filter kernel, so the fallback path is what runs', () => {
    expect(hasFilterKernel()).toBe(false);
  });
  // The max-pool checks draw signed inputs, whose all-negative windows wasm's MaxPoolGrad kernel
  // gives no gradient: they pass because the MaxPool gradient is built from ops on wasm.
  it('each second-order registration on its own (conv input/filter, avg and max pool)', () => {
    const before = tf.memory().numTensors;
    const checks = adjointChecks();
    expect(checks.length).toBe(28);
    for (const c of checks) expect(c.gap, c.name).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
  for (const c of [...CONV_CASES, signedMaxPoolCase]) {
    it(c.name, async () => {
      const before = tf.memory().numTensors;
      const r = await convHvpCheck(c);
      expect(r.grad).toBeLessThan(1e-5);
      expect(r.hvp).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('the MaxPool registration is needed on wasm', () => {
  // Four 2×2 windows: all zero, all negative, one max, a tie. dx takes each window's first max
  // (cpu's convention, and that of the second-order MaxPoolGrad config); wasm's kernel gives the
  // negative window nothing and the tie to its last max.
  const x = [0, 0, 0, 0, -1, -2, -3, -0.5, 0, -1, 0, 2, 0, 1, 1, 0];
  const firstMax = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0];
  const dx = () =>
    tf.tidy(() => {
      const xt = tf.tensor4d(x, [4, 2, 2, 1]);
      return Array.from(
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(xt)
          .dataSync(),
      );
    });
  it('dx goes to the first max of every window, negative ones included', () => {
    expect(dx()).toEqual(firstMax);
    expect(withStockGradients(['MaxPool'], dx)).not.toEqual(firstMax);
  });

  // With the stock MaxPool gradient, wasm's MaxPoolGrad kernel runs: windows whose inputs are all
  // negative get no gradient, so the gradient (and the HVP) of this network is wrong.
  it(signedMaxPoolCase.name, async () => {
    const r = await withStockGradients(['MaxPool'], () => convHvpCheck(signedMaxPoolCase));
    expect(r.grad).toBeGreaterThan(1e-3);
  });
});

describe('the Conv2D and Conv2DBackpropInput registrations are needed on wasm', () => {
  // The stock configs call the filter kernel that wasm lacks: the gradient (Conv2D) or the
  // second derivative (Conv2DBackpropInput) throws. All tensors are made before the first await,
  // so the stock registry is in place for the whole computation.
  for (const kernel of ['Conv2D', 'Conv2DBackpropInput'] as const) {
    for (const c of [myrtleCase, resBlockCase]) {
      it(`${kernel}, ${c.name}`, async () => {
        const run = withStockGradients([kernel], () => convHvpCheck(c));
        await expect(run).rejects.toThrow(/Conv2DBackpropFilter/);
      });
    }
  }
});
