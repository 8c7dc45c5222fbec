/**
 * The uv model of docs/PROTOCOL.md §4 as tensors (the sweep runs it in closed form, `train/uvColumn.ts`):
 * f(x) = (1/√w) (vᵀu) x, u, v ∈ Rʷ, u_i, v_i ~ N(0, 1); parameters [u, v]; x is [batch, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray } from '../random/prng';
import type { ModelDefinition } from './registry';

export const uvModel: ModelDefinition = {
  kind: 'uv',
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
