/**
 * The FCN of docs/PROTOCOL.md §2 (see `model.ts` for the layout and the SP/NTK/µP scales).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray } from '../random/prng';
import type { Activation } from '../settings/schema';
import { fixedMatMul, isHeld, weightMatMul } from '../tf/fixedOperand';
import type { ModelSpec } from './model';
import type { ModelDefinition } from './registry';

/** σ² of a hidden layer with this activation (He gain for relu). */
export function activationGain(activation: Activation): number {
  return activation === 'relu' ? 2 : 1;
}

function checkFcn(spec: ModelSpec): void {
  const posInt = (n: number): boolean => Number.isInteger(n) && n >= 1;
  if (!posInt(spec.depth) || !posInt(spec.inputDim) || !posInt(spec.numClasses)) {
    throw new Error('FCN depth, inputDim and numClasses must be positive integers');
  }
}

/** [fanIn, fanOut] of each Dense layer of an FCN. */
export function fcnLayerDims(spec: ModelSpec): [number, number][] {
  checkFcn(spec);
  const dims: [number, number][] = [];
  let fanIn = spec.inputDim;
  for (let l = 0; l < spec.depth; l++) {
    const fanOut = l === spec.depth - 1 ? spec.numClasses : spec.width;
    dims.push([fanIn, fanOut]);
    fanIn = fanOut;
  }
  return dims;
}

/** Per layer: init std of the kernel entries and the multiplier applied to h·W (`model.ts`). */
export function fcnLayerScales(spec: ModelSpec): { initStd: number; multiplier: number }[] {
  const dims = fcnLayerDims(spec);
  return dims.map(([fanIn], l) => {
    const isReadout = l === dims.length - 1;
    const gain = isReadout ? 1 : activationGain(spec.activation);
    const std = Math.sqrt(gain / fanIn);
    if (spec.param === 'ntk') return { initStd: 1, multiplier: std };
    if (spec.param === 'mup' && isReadout)
      return { initStd: std, multiplier: 1 / Math.sqrt(fanIn) };
    return { initStd: std, multiplier: 1 };
  });
}

function activate(activation: Activation, z: tf.Tensor2D): tf.Tensor2D {
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}

function param(params: readonly tf.Tensor[], i: number): tf.Tensor {
  const p = params[i];
  if (p === undefined) throw new Error(`missing parameter ${i}`);
  return p;
}

export const fcnModel: ModelDefinition = {
  kind: 'fcn',
  denseInput: true,
  unreadWeightGradients: true,
  paramShapes(spec) {
    const shapes: number[][] = [];
    for (const [fanIn, fanOut] of fcnLayerDims(spec)) {
      shapes.push([fanIn, fanOut]);
      if (spec.bias) shapes.push([fanOut]);
    }
    return shapes;
  },
  initParams(spec, seed) {
    const rng = createRng(seed, 'init');
    const out: Float32Array[] = [];
    const dims = fcnLayerDims(spec);
    const scales = fcnLayerScales(spec);
    dims.forEach(([fanIn, fanOut], l) => {
      const isReadout = l === dims.length - 1;
      const n = fanIn * fanOut;
      const std = scales[l]?.initStd ?? 1;
      out.push(
        isReadout && spec.readout === 'zero' ? new Float32Array(n) : normalArray(rng, n, std),
      );
      if (spec.bias) out.push(new Float32Array(fanOut));
    });
    return out;
  },
  forward(spec, params, x) {
    const scales = fcnLayerScales(spec);
    const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [x.shape[0] ?? 0, -1]);
    let h = x2 as tf.Tensor2D;
    // On a held input every layer's product is kept for the next forward at the same θ.
    const sig = isHeld(x2) ? JSON.stringify(spec) : null;
    let i = 0;
    for (let l = 0; l < spec.depth; l++) {
      const w = param(params, i++) as tf.Tensor2D;
      // The first layer's input is data: held with its transpose when the column holds it. The
      // others' is a function of θ, and their weight gradients may go unread (fixedOperand.ts).
      const key =
        sig === null ? undefined : { x: x2, upstream: params.slice(0, i), at: `${l} ${sig}` };
      let z = l === 0 ? fixedMatMul(h, w) : weightMatMul(h, w, key);
      const m = scales[l]?.multiplier ?? 1;
      if (m !== 1) z = tf.mul<tf.Tensor2D>(z, m);
      if (spec.bias) z = tf.add<tf.Tensor2D>(z, param(params, i++));
      h = l === spec.depth - 1 ? z : activate(spec.activation, z);
    }
    return h;
  },
  productFlops(spec, n) {
    const f = fcnLayerDims(spec).map(([a, b]) => 2 * n * a * b);
    const all = f.reduce((x, y) => x + y, 0);
    return { all, notFirst: all - (f[0] ?? 0) };
  },
};
