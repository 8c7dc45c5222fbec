import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { forward, initParams, paramShapes, type ModelSpec } from '../models/model';
import { loss } from '../models/loss';
import { makeFlatHvp } from '../hessian/hvp';
import { createRng, normalArray } from '../random/prng';
import { holdTranspose } from '../tf/fixedOperand';
import {
  estimateHvpFlops,
  forwardFlops,
  gradientFlops,
  hvpFlops,
  lanczosIterationFlops,
  matmulDims,
  parameterCount,
  sgdStepFlops,
} from './flops';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

/** A tiny FCN: 5 → 4 → 4 → 2 (depth 3, two hidden layers of width 4). */
const spec: ModelSpec = {
  kind: 'fcn',
  depth: 3,
  width: 4,
  inputDim: 5,
  numClasses: 2,
  activation: 'relu',
  param: 'sp',
  readout: 'normal',
  bias: false,
};
const n = 6;

/**
 * FLOPs of the matrix products tfjs actually runs inside `fn`, from a kernel trace: each
 * BatchMatMul has output [..., m, n] and contracts k = size(a) / (batches · m), so 2·m·k·n per batch.
 */
async function tracedMatmulFlops(fn: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const info = await tf.profile(() => fn());
  let total = 0;
  for (const k of info.kernels) {
    if (k.name !== 'BatchMatMul') continue;
    const a = k.inputShapes[0] ?? [];
    const out = k.outputShapes[0] ?? [];
    const m = out[out.length - 2] ?? 0;
    const cols = out[out.length - 1] ?? 0;
    const batches = out.slice(0, -2).reduce((x, y) => x * y, 1);
    const sizeA = a.reduce((x, y) => x * y, 1);
    total += 2 * batches * m * cols * (sizeA / (batches * m));
  }
  tf.dispose(info.result);
  return total;
}

describe('FLOP counts', () => {
  it('count the products of each layer by hand for 5 → 4 → 4 → 2', () => {
    expect(matmulDims(spec)).toEqual([
      [5, 4],
      [4, 4],
      [4, 2],
    ]);
    // S = 2·6·(20 + 16 + 8) = 528; S' = 2·6·(16 + 8) = 288.
    expect(forwardFlops(spec, n)).toBe(528);
    expect(gradientFlops(spec, n)).toBe(2 * 528 + 288);
    // The FCN's first pass skips its hidden weight gradients: 4S + 4S', not 4S + 5S'.
    expect(hvpFlops(spec, n)).toBe(4 * 528 + 4 * 288);
    expect(parameterCount(spec)).toBe(20 + 16 + 8);
    expect(sgdStepFlops(spec, n)).toBe(2 * 528 + 288 + 2 * 44);
    expect(lanczosIterationFlops(10, 3)).toBe(4 * 3 * 10 + 9 * 10);
    expect(lanczosIterationFlops(10, 1)).toBe(4 * 10 + 7 * 10);
  });

  describe('agree with the products tfjs runs (kernel trace)', () => {
    const shapes = paramShapes(spec);
    const setup = () => {
      const params = initParams(spec, 3).map((a, i) => tf.tensor(a, shapes[i]));
      const rng = createRng(1, 'data');
      const x = tf.tensor2d(normalArray(rng, n * spec.inputDim, 1), [n, spec.inputDim]);
      const y = tf.tensor2d(normalArray(rng, n * spec.numClasses, 1), [n, spec.numClasses]);
      const lossOf = (ps: tf.Tensor[]) => loss('mse', forward(spec, ps, x), y);
      return { params, x, y, lossOf };
    };

    it('forward', async () => {
      const { params, x, y } = setup();
      expect(await tracedMatmulFlops(() => forward(spec, params, x))).toBe(forwardFlops(spec, n));
      tf.dispose([...params, x, y]);
    });

    it('gradient (no product for ∂/∂x of the first layer)', async () => {
      const { params, x, y, lossOf } = setup();
      const traced = await tracedMatmulFlops(() =>
        tf.grads((...ps: tf.Tensor[]) => lossOf(ps))(params),
      );
      expect(traced).toBe(gradientFlops(spec, n));
      tf.dispose([...params, x, y]);
    });

    it('Hessian-vector product', async () => {
      const { params, x, y, lossOf } = setup();
      const hvp = makeFlatHvp(lossOf, params);
      const v = tf.tensor1d(normalArray(createRng(2, 'v'), parameterCount(spec), 1));
      expect(await tracedMatmulFlops(() => hvp(v))).toBe(hvpFlops(spec, n));
      tf.dispose([...params, x, y, v]);
    });

    it('the HVPs of an estimate with the measurement set held share the forward and the backward, and skip the unread xᵀdz₁', async () => {
      const { params, x, y, lossOf } = setup();
      const release = holdTranspose(x);
      const hvp = makeFlatHvp(lossOf, params);
      const v = tf.tensor1d(normalArray(createRng(2, 'v'), parameterCount(spec), 1));
      // The loss before the estimate, then three HVPs at the same θ.
      const traced = await tracedMatmulFlops(() => [lossOf(params), hvp(v), hvp(v), hvp(v)]);
      expect(traced).toBe(
        forwardFlops(spec, n) + estimateHvpFlops(spec, n, true) + 2 * estimateHvpFlops(spec, n),
      );
      const f1 = 2 * n * 5 * 4;
      const later = forwardFlops(spec, n) - f1;
      // The whole forward S is kept, and the first pass's xᵀdz₁ (F_1) is not computed; after
      // the first HVP its dz·Wᵀ (S') are not either.
      expect(estimateHvpFlops(spec, n, true)).toBe(hvpFlops(spec, n) - forwardFlops(spec, n) - f1);
      expect(estimateHvpFlops(spec, n)).toBe(estimateHvpFlops(spec, n, true) - later);
      release();
      tf.dispose([...params, x, y, v]);
    });

    it("depth 1 (a linear model: S' = 0)", async () => {
      const linear: ModelSpec = { ...spec, depth: 1 };
      const params = initParams(linear, 0).map((a, i) => tf.tensor(a, paramShapes(linear)[i]));
      const x = tf.tensor2d(normalArray(createRng(4, 'x'), n * 5, 1), [n, 5]);
      const y = tf.zeros([n, 2]) as tf.Tensor2D;
      const lossOf = (ps: tf.Tensor[]) => loss('mse', forward(linear, ps, x), y);
      const v = tf.tensor1d(normalArray(createRng(5, 'v'), parameterCount(linear), 1));
      // S' = 0: gradient = 2S, HVP = 4S.
      expect(await tracedMatmulFlops(() => makeFlatHvp(lossOf, params)(v))).toBe(
        4 * forwardFlops(linear, n),
      );
      tf.dispose([...params, x, y, v]);
    });
  });
});
