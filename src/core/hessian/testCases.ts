/**
 * Small deterministic problems shared by the HVP and Lanczos tests (and usable by validation
 * scripts): an FCN spec, its θ_0, a batch with one-hot targets, and the matching float64
 * reference MLP. Host arrays only; no tfjs.
 */
import { createRng, normalArray } from '../random/prng';
import type { Activation, LossName, Parameterisation } from '../settings/schema';
import { initParams, layerScales, paramShapes, type ModelSpec } from '../models/model';
import type { Batch64, Mlp64 } from './reference64';

/**
 * Relative error ‖a − b‖₂ / ‖b‖₂ of `a` against the reference `b` (same length; Infinity, or NaN
 * when a = b = 0, for an all-zero reference). The measure the HVP tests state tolerances in.
 */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    num += d * d;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

/** One problem: spec, parameters (float32, tfjs order), data (float32) and its float64 twin. */
export interface MlpCase {
  spec: ModelSpec;
  params: Float32Array[];
  shapes: number[][];
  x: Float32Array;
  y: Float32Array;
  batch: number;
  net64: Mlp64;
  data64: Batch64;
  theta64: Float64Array;
}

/**
 * An FCN problem with random normal inputs and random one-hot targets, deterministic in `seed`.
 * Biases (when on) are set to N(0, 0.1²) instead of 0 so that their second derivatives matter.
 */
export function mlpCase(opts: {
  activation: Activation;
  loss: LossName;
  sizes?: { inputDim: number; width: number; depth: number; numClasses: number };
  batch?: number;
  param?: Parameterisation;
  bias?: boolean;
  seed?: number;
}): MlpCase {
  const sz = opts.sizes ?? { inputDim: 5, width: 7, depth: 3, numClasses: 3 };
  const batch = opts.batch ?? 11;
  const seed = opts.seed ?? 1;
  const spec: ModelSpec = {
    kind: 'fcn',
    ...sz,
    activation: opts.activation,
    param: opts.param ?? 'sp',
    readout: 'normal',
    bias: opts.bias ?? false,
  };
  const shapes = paramShapes(spec);
  const rng = createRng(seed, 'test-case');
  const params = initParams(spec, seed).map((p, i) =>
    (shapes[i] as number[]).length === 1 ? normalArray(rng, p.length, 0.1) : p,
  );
  const x = normalArray(rng, batch * sz.inputDim, 1);
  const y = new Float32Array(batch * sz.numClasses);
  for (let b = 0; b < batch; b++) y[b * sz.numClasses + rng.int(sz.numClasses)] = 1;
  const sizes = [sz.inputDim, ...Array<number>(sz.depth - 1).fill(sz.width), sz.numClasses];
  const net64: Mlp64 = {
    sizes,
    activation: opts.activation,
    bias: spec.bias,
    multipliers: layerScales(spec).map((s) => s.multiplier),
    loss: opts.loss,
  };
  const theta64 = new Float64Array(params.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of params) {
    theta64.set(p, off);
    off += p.length;
  }
  return {
    spec,
    params,
    shapes,
    x,
    y,
    batch,
    net64,
    data64: { x: Float64Array.from(x), y: Float64Array.from(y), batch },
    theta64,
  };
}
