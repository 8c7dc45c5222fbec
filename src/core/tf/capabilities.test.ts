import { expect, it } from 'vitest';
import { capabilitiesOf } from './capabilities';

it('wasm has neither fast batched matMuls nor a gain from batched ensembles', () => {
  expect(capabilitiesOf('wasm')).toEqual({ fastBatchedMatMul: false, batchedEnsembles: false });
});

it('GPU backends and cpu have both', () => {
  for (const name of ['webgpu', 'webgl', 'cpu']) {
    expect(capabilitiesOf(name)).toEqual({ fastBatchedMatMul: true, batchedEnsembles: true });
  }
});
