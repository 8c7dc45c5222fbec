import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/core/tf/backend';
import { forward } from '../../src/core/models/model';
import { loss } from '../../src/core/models/loss';
import { createRng, normalArray } from '../../src/core/random/prng';
import { makeFlatHvp } from '../../src/core/hessian/hvp';
import { topEigen } from '../../src/core/hessian/lanczos';
import { mlp64Hvp } from '../../src/core/hessian/reference64';
import { mlpCase } from '../../src/core/hessian/testCases';

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
      const v = normalArray(createRng(3, 'direction'), P, 1);
      const ref = mlp64Hvp(c.net64, c.theta64, c.data64, Float64Array.from(v));

      const before = tf.memory().numTensors;
      const params = c.params.map((p, i) => tf.tensor(p, c.shapes[i]));
      const x = tf.tensor2d(c.x, [c.batch, c.spec.inputDim]);
      const y = tf.tensor2d(c.y, [c.batch, c.spec.numClasses]);
      const hvp = makeFlatHvp((ps) => loss(lossName, forward(c.spec, ps, x), y), params);
      const vt = tf.tensor1d(v);
      const hv = hvp(vt);
      const got = await hv.data();
      tf.dispose([hv, vt]);
      let num = 0;
      let den = 0;
      ref.forEach((r, i) => {
        num += (got[i]! - r) ** 2;
        den += r * r;
      });
      expect(Math.sqrt(num / den)).toBeLessThan(1e-5);

      const r = await topEigen(hvp, P, { maxIters: 40, tol: 1e-4, seed: 0, exactResidual: true });
      expect(r.value).toBeGreaterThan(0);
      expect(r.iters).toBeLessThan(40);
      expect(r.residual).toBeLessThan(1e-3);
      r.vector.dispose();
      tf.dispose([...params, x, y]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
