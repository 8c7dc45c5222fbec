/**
 * Myrtle CNN (the paper's CNN), standard parameterisation. Depth d ∈ {5, 7, 10}: d − 1 conv
 * blocks, then one Dense readout. Block i (i = 0 … d − 2) is a 3×3 conv, SAME, stride 1, no bias,
 * w output channels, kernel ~ N(0, 2/fan_in) with fan_in = 9·C_in, then ReLU. After block i for
 * i ∈ {1, 2, 3} (d = 5), {1, 3, 5} (d = 7), {2, 5, 8} (d = 10) comes a 2×2 average pool, stride 2;
 * after the last block two more, each only while the map is at least 2×2 (so on 28×28 inputs the
 * last is dropped: 28 → 14 → 7 → 3 → 1), and what is left is flattened into Dense(K), no bias,
 * kernel ~ N(0, 1/fan_in) (zero with the zero readout). All draws untruncated, from
 * `createRng(seed, 'init')` in parameter order. Width = channels of every block.
 */
import { createRng, normalArray } from '../random/prng';
import { depthIssue } from './kinds';
import { outSize, type ConvNet, type ConvOp } from './convNet';
import type { Readout } from '../settings/schema';

/** Blocks followed by an average pool, by depth. */
const POOL_AFTER: Readonly<Record<number, readonly number[]>> = {
  5: [1, 2, 3],
  7: [1, 3, 5],
  10: [2, 5, 8],
};

/** What a Myrtle network needs to know. */
export interface MyrtleShape {
  depth: number;
  width: number;
  /** Input image [H, W, C]. */
  input: [number, number, number];
  numClasses: number;
}

/** The Myrtle-d program and its parameter shapes (module comment); throws on a bad shape. */
export function myrtleNet(s: MyrtleShape): ConvNet {
  const issue = depthIssue('myrtle', s.depth);
  if (issue !== null) throw new Error(issue);
  if (!Number.isInteger(s.width) || s.width < 1) {
    throw new Error(`Myrtle width (channels) must be a positive integer, got ${s.width}`);
  }
  const [h0, w0, c0] = s.input;
  const pools = POOL_AFTER[s.depth] ?? [];
  const ops: ConvOp[] = [];
  const paramShapes: number[][] = [];
  let [h, w] = [h0, w0];
  let c = c0;
  const pool = (): void => {
    ops.push({ op: 'avgPool', size: 2, stride: 2 });
    h = outSize(h, 2, 2, 'valid');
    w = outSize(w, 2, 2, 'valid');
  };
  for (let i = 0; i < s.depth - 1; i++) {
    ops.push({ op: 'conv', param: paramShapes.length, stride: 1, pad: 'same' }, { op: 'relu' });
    paramShapes.push([3, 3, c, s.width]);
    c = s.width;
    if (pools.includes(i)) {
      if (h < 2 || w < 2) {
        throw new Error(`Myrtle-${s.depth}: a ${h0}×${w0} input is too small for its pools`);
      }
      pool();
    }
  }
  for (let k = 0; k < 2; k++) if (h >= 2 && w >= 2) pool();
  ops.push({ op: 'flatten' }, { op: 'dense', param: paramShapes.length });
  paramShapes.push([h * w * c, s.numClasses]);
  return { ops, paramShapes, input: s.input };
}

/** θ_0 of a Myrtle network (module comment). */
export function myrtleInit(net: ConvNet, readout: Readout, seed: number): Float32Array[] {
  const rng = createRng(seed, 'init');
  const last = net.paramShapes.length - 1;
  return net.paramShapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (i === last) {
      return readout === 'zero'
        ? new Float32Array(size)
        : normalArray(rng, size, Math.sqrt(1 / (shape[0] ?? 1)));
    }
    const fanIn = (shape[0] ?? 1) * (shape[1] ?? 1) * (shape[2] ?? 1);
    return normalArray(rng, size, Math.sqrt(2 / fanIn));
  });
}
