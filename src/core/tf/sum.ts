/**
 * Elementwise sum of many tensors of one shape, for every backend. tfjs-backend-webgpu's AddN
 * binds all its inputs to one shader, and WebGPU's default limit is 8 storage buffers per stage
 * (7 inputs and the output): with more inputs the pipeline is invalid, the command is dropped
 * with only a console warning, and the result is whatever the output buffer held. Its Concat
 * splits long input lists itself; AddN does not, so this sums in groups of at most
 * `ADDN_GROUP` inputs.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Inputs per AddN: well under the 7 that WebGPU's default binding limit leaves. */
export const ADDN_GROUP = 4;

/**
 * Σ terms, elementwise, for tensors of one shape, as a tree of AddN over groups of `ADDN_GROUP`.
 * Throws on an empty list. A single term is returned as is (not copied): the caller owns it.
 */
export function sumAll<T extends tf.Tensor>(terms: readonly T[]): T {
  if (terms.length === 0) throw new Error('sumAll: no terms');
  let level: tf.Tensor[] = [...terms];
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += ADDN_GROUP) {
      const group = level.slice(i, i + ADDN_GROUP);
      next.push(group.length === 1 ? (group[0] as tf.Tensor) : tf.addN(group));
    }
    level = next;
  }
  return level[0] as T;
}
