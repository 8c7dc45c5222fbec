/**
 * Problems shared by the integration tests: the MLP whose HVP is checked against the float64
 * reference, and the small ensemble column. No vitest here: webgpuNode.child.ts runs outside it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { prepareData, syntheticDataset } from '../../src/core/data';
import { cloneDefaults } from '../../src/core/settings/codec';
import { mlpCase, type MlpCase } from '../../src/core/hessian/testCases';
import { makeFlatHvp, type FlatHvp } from '../../src/core/hessian/hvp';
import { mlp64Hvp } from '../../src/core/hessian/reference64';
import { forward } from '../../src/core/models/model';
import { loss } from '../../src/core/models/loss';
import type { LossName } from '../../src/core/settings/schema';
import type { FcnColumnOptions } from '../../src/core/train/fcnColumn';

export const WEBGPU_CASE = {
  /** Depth 6 with biases: 12 parameter tensors, so ⟨∇L, v⟩ sums 12 terms (WebGPU's AddN binds
   * at most 7 inputs by default). */
  mlp: () => ({
    ...mlpCase({
      activation: 'tanh',
      loss: 'xent',
      sizes: { inputDim: 12, width: 16, depth: 6, numClasses: 4 },
      batch: 32,
      bias: true,
      seed: 4,
    }),
    loss: 'xent' as const,
  }),
  /** tol 0: exactly 14 iterations, so the Ritz vector sums 14 basis vectors. */
  lanczos: { maxIters: 14, tol: 0, seed: 0 },
};

export function ensembleSetup(): { column: FcnColumnOptions; cs: number[] } {
  const prepared = prepareData(syntheticDataset({ count: 96, seed: 1 }), 96);
  if (!prepared.ok) throw new Error(prepared.error);
  const s = cloneDefaults();
  Object.assign(s, {
    dataset: 'synthetic',
    trainSize: 96,
    measureSize: 64,
    batch: 32,
    steps: 3,
    lanczosTol: 1e-4,
    lanczosMaxIters: 30,
  });
  return {
    column: { settings: s, data: prepared.value, depth: 3, width: 16, seed: 2 },
    cs: [1, 3, 1e6],
  };
}

/** A case's parameters and batch on the active backend, its flat HVP, and the HVP's relative
 * error against the float64 R-operator reference in direction `v`. */
export function hvpOnBackend(
  c: MlpCase,
  lossName: LossName,
): { hvp: FlatHvp; relError(v: Float32Array): Promise<number>; dispose(): void } {
  const params = c.params.map((p, i) => tf.tensor(p, c.shapes[i]));
  const x = tf.tensor2d(c.x, [c.batch, c.spec.inputDim]);
  const y = tf.tensor2d(c.y, [c.batch, c.spec.numClasses]);
  const hvp = makeFlatHvp((ps) => loss(lossName, forward(c.spec, ps, x), y), params);
  return {
    hvp,
    async relError(v) {
      const ref = mlp64Hvp(c.net64, c.theta64, c.data64, Float64Array.from(v));
      const vt = tf.tensor1d(v);
      const hv = hvp(vt);
      const got = await hv.data();
      tf.dispose([hv, vt]);
      let num = 0;
      let den = 0;
      ref.forEach((r, i) => {
        num += ((got[i] as number) - r) ** 2;
        den += r * r;
      });
      return Math.sqrt(num / den);
    },
    dispose: () => tf.dispose([...params, x, y]),
  };
}
