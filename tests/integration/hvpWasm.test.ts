import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node/backend';
import { createRng, normalArray } from '../../src/core/random/prng';
import { topEigen } from '../../src/core/hessian/lanczos';
import { mlpCase } from '../../src/core/hessian/testCases';
import { hvpOnBackend } from './cases';

// Size test on the backend the CLI uses: wasm (SIMD, one thread) in Node.
beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
});

describe('HVP and Lanczos on wasm, MLP 64→64→64→10, batch 128', () => {
  for (const [activation, lossName] of [
    ['relu', 'mse'],
    ['tanh', 'xent'],
  ] as const) {
    it(`${activation} / ${lossName}: matches the float64 reference; Lanczos converges; no leaks`, async () => {
      const c = mlpCase({
        activation,
        loss: lossName,
        sizes: { inputDim: 64, width: 64, depth: 3, numClasses: 10 },
        batch: 128,
        seed: 2,
      });
      const P = c.theta64.length;
      const before = tf.memory().numTensors;
      const onWasm = hvpOnBackend(c, lossName);
      const hvp = onWasm.hvp;
      expect(await onWasm.relError(normalArray(createRng(3, 'direction'), P, 1))).toBeLessThan(
        1e-5,
      );

      const r = await topEigen(hvp, P, { maxIters: 40, tol: 1e-4, seed: 0, exactResidual: true });
      expect(r.value).toBeGreaterThan(0);
      expect(r.iters).toBeLessThan(40);
      expect(r.residual).toBeLessThan(1e-3);
      r.vector.dispose();
      onWasm.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
