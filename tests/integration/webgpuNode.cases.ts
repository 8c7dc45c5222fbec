/** The problems webgpuNode.test.ts runs on webgpu (in a child process) and on cpu and wasm. */
import { prepareData, syntheticDataset } from '../../src/core/data';
import { cloneDefaults } from '../../src/core/settings/codec';
import { mlpCase } from '../../src/core/hessian/testCases';
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
