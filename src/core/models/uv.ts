/**
 * The uv model of docs/PROTOCOL.md §4 as tensors (the sweep runs it in closed form, `train/uvColumn.ts`):
 * f(x) = (1/√w) (vᵀu) x, u, v ∈ Rʷ, u_i, v_i ~ N(0, 1); parameters [u, v]; x is [batch, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray } from '../random/prng';
import type { ModelDefinition } from './registry';

/**
 * Registry entry of the uv model as tfjs tensors (docs/PROTOCOL.md §4): parameters [u, v], each
 * [w], drawn N(0, 1) from `createRng(seed, 'init')`; forward f(x) = (uᵀv/√w)·x for x [batch, 1],
 * giving [batch, 1]. Used for HVP checks; the sweep runs the closed form in `train/uvModel.ts`.
 */
export const uvModel: ModelDefinition = {
  kind: 'uv',
  denseInput: false,
  unreadWeightGradients: false,
  paramShapes: (spec) => [[spec.width], [spec.width]],
  initParams(spec, seed) {
    const rng = createRng(seed, 'init');
    return [normalArray(rng, spec.width, 1), normalArray(rng, spec.width, 1)];
  },
  forward(spec, params, x) {
    const [u, v] = params;
    if (u === undefined || v === undefined) throw new Error('uv model: parameters u, v missing');
    return tf.mul(x, tf.div(tf.sum(tf.mul(u, v)), Math.sqrt(spec.width))) as tf.Tensor2D;
  },
  // f = (uᵀv/√w)·x: a dot product of length w and a batch of scalings, no matrix products.
  productFlops: (spec, n) => ({ all: 2 * spec.width + n, notFirst: 2 * spec.width + n }),
};
