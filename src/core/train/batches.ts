/**
 * The data order: SGD batches drawn without replacement from epoch-wise permutations of the N
 * training examples, from the data-order stream of the SGD-order seed J alone. Every c and every
 * init seed of a column's J sees the same batches.
 */
import { createRng, permutation } from '../random/prng';

/**
 * Index arrays of the batches for steps 1..steps (each of length `batch`), from the
 * `'data-order'` stream of `orderSeed` (the column's J). The first k batches of a longer call
 * are those of a shorter one.
 */
export function batchIndices(
  trainSize: number,
  batch: number,
  steps: number,
  orderSeed: number,
): Int32Array[] {
  if (batch > trainSize)
    throw new Error(`batch ${batch} exceeds the training-set size ${trainSize}`);
  const rng = createRng(orderSeed, 'data-order');
  const out: Int32Array[] = [];
  let perm = permutation(rng, trainSize);
  let pos = 0;
  for (let t = 0; t < steps; t++) {
    if (pos + batch > trainSize) {
      perm = permutation(rng, trainSize);
      pos = 0;
    }
    out.push(perm.slice(pos, pos + batch));
    pos += batch;
  }
  return out;
}
