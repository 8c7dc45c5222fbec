/**
 * ResNet-18/34 without normalisation (the paper's ResNet), standard parameterisation.
 *
 * Stem 'imagenet': 7×7 conv, stride 2, SAME, w channels, ReLU, 3×3 max pool, stride 2, SAME.
 * Stem 'cifar': one 3×3 conv, stride 1, SAME, w channels, ReLU. Then four stages of basic blocks
 * ([2, 2, 2, 2] for depth 18, [3, 4, 6, 3] for 34) with w·2^i channels: conv 3×3 (stride 2 in the
 * first block of stages i > 0), ReLU, conv 3×3, plus the shortcut (a 1×1 conv with the block's
 * stride where the shape changes, else the identity), then ReLU. Global average pool, Dense(K)
 * with a bias. No conv has a bias; there is no batch or layer normalisation anywhere.
 *
 * Init: every conv kernel and the readout kernel ~ N(0, 1/fan_in), untruncated (the variance of
 * Flax's lecun_normal, which the reference code uses), fan_in = KH·KW·C_in; the readout bias 0;
 * the zero readout zeroes the readout kernel. Draws come from `createRng(seed, 'init')` in
 * parameter order. Parameter order: stem, then per block conv1, conv2, projection (if any), then
 * readout kernel and bias. Width = channels of the first stage.
 */
import { createRng, normalArray } from '../random/prng';
import { depthIssue, type ResNetStem } from './kinds';
import type { ConvNet, ConvOp } from './convNet';
import type { Readout } from '../settings/schema';

const STAGES: Readonly<Record<number, readonly number[]>> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
};

/** What a ResNet needs to know. */
export interface ResNetShape {
  depth: number;
  width: number;
  input: [number, number, number];
  numClasses: number;
  stem: ResNetStem;
}

/** The ResNet-d program and its parameter shapes (module comment); throws on a bad shape. */
export function resnetNet(s: ResNetShape): ConvNet {
  const issue = depthIssue('resnet', s.depth);
  if (issue !== null) throw new Error(issue);
  if (!Number.isInteger(s.width) || s.width < 1) {
    throw new Error(
      `ResNet width (first-stage channels) must be a positive integer, got ${s.width}`,
    );
  }
  const paramShapes: number[][] = [];
  const add = (shape: number[]): number => paramShapes.push(shape) - 1;
  const ops: ConvOp[] = [];
  const c0 = s.input[2];
  if (s.stem === 'imagenet') {
    ops.push(
      { op: 'conv', param: add([7, 7, c0, s.width]), stride: 2, pad: 'same' },
      { op: 'relu' },
      { op: 'maxPool', size: 3, stride: 2, pad: 'same' },
    );
  } else {
    ops.push(
      { op: 'conv', param: add([3, 3, c0, s.width]), stride: 1, pad: 'same' },
      { op: 'relu' },
    );
  }
  let c = s.width;
  (STAGES[s.depth] ?? []).forEach((blocks, stage) => {
    const out = s.width * 2 ** stage;
    for (let b = 0; b < blocks; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const body: ConvOp[] = [
        { op: 'conv', param: add([3, 3, c, out]), stride, pad: 'same' },
        { op: 'relu' },
        { op: 'conv', param: add([3, 3, out, out]), stride: 1, pad: 'same' },
      ];
      const shortcut: ConvOp[] =
        stride !== 1 || c !== out
          ? [{ op: 'conv', param: add([1, 1, c, out]), stride, pad: 'same' }]
          : [];
      ops.push({ op: 'residual', body, shortcut }, { op: 'relu' });
      c = out;
    }
  });
  const kernel = add([c, s.numClasses]);
  const bias = add([s.numClasses]);
  ops.push({ op: 'globalAvgPool' }, { op: 'dense', param: kernel, bias });
  return { ops, paramShapes, input: s.input };
}

/** θ_0 of a ResNet (module comment). */
export function resnetInit(net: ConvNet, readout: Readout, seed: number): Float32Array[] {
  const rng = createRng(seed, 'init');
  const kernel = net.paramShapes.length - 2;
  return net.paramShapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (i > kernel) return new Float32Array(size);
    if (i === kernel && readout === 'zero') return new Float32Array(size);
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return normalArray(rng, size, Math.sqrt(1 / fanIn));
  });
}
