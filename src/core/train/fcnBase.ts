/**
 * What every tensor column runner shares (single runs in `fcnColumn.ts`, batched ensembles in
 * `ensembleColumn.ts`), for any registered model (FCN, Myrtle, ResNet): the device-resident data,
 * the batches, θ_0, L_0 and λ_0 on the fixed measurement set (the first M training examples),
 * computed once per column (docs/PROTOCOL.md §2). Inputs stay [N, H·W·C] on the device; conv nets
 * reshape them to images in their forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import { batchIndices } from './batches';
import { forward, initParams, paramShapes, type ModelSpec } from '../models/model';
import { loss as lossFn } from '../models/loss';
import { makeFlatHvp } from '../hessian/hvp';
import { topEigen, type TopEigenResult } from '../hessian/lanczos';
import { registerGradientFixes } from '../tf/gradients';
import { holdTranspose } from '../tf/fixedOperand';
import { modelDefinition } from '../models/registry';
import { measuresOf, type MeasureOptions } from './saturation';
import type { ModelKind, ResNetStem } from '../models/kinds';

export interface FcnColumnOptions {
  settings: Settings;
  data: PreparedData;
  depth: number;
  width: number;
  /** The init seed I: θ_0. */
  seed: number;
  /**
   * The SGD-order seed J: the batches (`batchIndices`). Default `settings.dataSeed`, the order a
   * sweep without order seeds uses.
   */
  orderSeed?: number;
  /** The extra measurements of each run (default: what the settings ask for, {@link measuresOf}). */
  measures?: MeasureOptions;
  /** The architecture, when not `settings.model` (and the ResNet stem, when not `settings.stem`). */
  model?: { kind: ModelKind; stem?: ResNetStem };
}

/**
 * The model spec of a column: kind from `model` (else `settings.model`), the image shape from the
 * data, and the model settings (those that do not apply to the kind are ignored by it).
 */
export function columnSpec(
  s: Settings,
  data: PreparedData,
  depth: number,
  width: number,
  model?: { kind: ModelKind; stem?: ResNetStem },
): ModelSpec {
  const kind = model?.kind ?? s.model;
  // The stem setting applies to ResNets only; other kinds carry none.
  const stem = model?.stem ?? (kind === 'resnet' ? s.stem : undefined);
  return {
    ...fcnSpec(s, data, depth, width),
    kind,
    input: data.shape,
    ...(stem !== undefined ? { stem } : {}),
  };
}

/** The FCN spec of a column (FCN-only callers: benches, FCN tests). */
export function fcnSpec(s: Settings, data: PreparedData, depth: number, width: number): ModelSpec {
  return {
    kind: 'fcn',
    depth,
    width,
    inputDim: data.dim,
    numClasses: data.numClasses,
    activation: s.activation,
    param: s.param,
    readout: s.readout,
    bias: s.bias,
  };
}

/** Read a scalar back and dispose it. */
export async function readScalar(t: tf.Scalar): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

/**
 * A column's device-resident data, θ_0 and the functions its runs call, before any measurement:
 * what `prepareFcnColumn` builds first and what `npm run bench` times single kernels on (the same
 * `batch`, `lossOn` and `hvpAt` a run uses). `dispose` frees every tensor in it.
 */
export interface FcnColumnData {
  readonly options: FcnColumnOptions;
  readonly settings: Settings;
  readonly spec: ModelSpec;
  readonly shapes: number[][];
  /** Parameter count P. */
  readonly dim: number;
  /** The measurement set: the first M training examples [M, D] and their targets [M, k]. */
  readonly xM: tf.Tensor2D;
  readonly yM: tf.Tensor2D;
  /** The extra measurements of each run. */
  readonly measures: MeasureOptions;
  readonly theta0: tf.Tensor[];
  /** f(x_M; θ_0) when the output is centred, else null. */
  readonly f0M: tf.Tensor2D | null;
  /** Loss of one model on (x, y); `f0` is subtracted from the output when the output is centred. */
  lossOn(params: tf.Tensor[], x: tf.Tensor2D, y: tf.Tensor2D, f0: tf.Tensor2D | null): tf.Scalar;
  /**
   * The flat HVP v ↦ H(θ) v of the measurement-set loss at `params` (v and the result [P]; each
   * call returns a new tensor): the operator `estimate` hands to Lanczos.
   */
  hvpAt(params: tf.Tensor[]): (v: tf.Tensor1D) => tf.Tensor1D;
  /** λ of one model on the measurement set, warm-started from `start` when given. */
  estimate(params: tf.Tensor[], start: tf.Tensor1D | undefined): Promise<TopEigenResult>;
  /**
   * The batch of step t (1-based): inputs, targets and, when centred, f(x_b; θ_0). New tensors:
   * call inside `tf.tidy`. Steps past T (the saturation measurement) continue the same
   * data-order stream.
   */
  batch(t: number): { xb: tf.Tensor2D; yb: tf.Tensor2D; f0b: tf.Tensor2D | null };
  dispose(): void;
}

/** The shared state of one FCN column: its data plus L_0 and λ_0; `dispose` frees every tensor
 * in it, λ_0's vector included. */
export interface FcnColumnBase extends FcnColumnData {
  readonly loss0: number;
  /** Lanczos estimate of λ_0 (its vector is the warm start of λ_1). */
  readonly est0: TopEigenResult;
}

/** Rows `idx` of a row-major host matrix `width` wide, copied in that order. */
function gatherRows(src: Float32Array, width: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/**
 * Upload a column's data (the first N examples; the measurement set is the first M of them),
 * draw θ_0 from the init stream of `o.seed`, the batches from the data-order stream of
 * `o.orderSeed`, and build the column's loss and HVP. Nothing
 * is measured yet. The caller owns the result and must `dispose` it.
 */
export function uploadFcnColumn(o: FcnColumnOptions): FcnColumnData {
  registerGradientFixes();
  const s = o.settings;
  const spec = columnSpec(s, o.data, o.depth, o.width, o.model);
  const shapes = paramShapes(spec);
  const dim = shapes.reduce((a, sh) => a + sh.reduce((x, y) => x * y, 1), 0);
  const k = o.data.numClasses;
  const n = Math.min(s.trainSize, o.data.count);
  const m = Math.min(s.measureSize, n);
  const orderSeed = orderSeedOf(o);

  // The measurement set stays on the device for the whole column. A batch is gathered on the
  // host from the first N examples and uploaded for its step: tfjs's gather runs on one wasm
  // thread (about 30 ms a CIFAR-10 batch of 512), and the N examples need no device copy.
  const xM = tf.tensor2d(o.data.x.subarray(0, m * o.data.dim), [m, o.data.dim]);
  const yM = tf.tensor2d(o.data.y.subarray(0, m * k), [m, k]);
  // Every loss, gradient and HVP on the measurement set multiplies by it: hold its transpose.
  const releaseXM = modelDefinition(spec.kind).denseInput ? holdTranspose(xM) : () => {};
  const batches = batchIndices(n, s.batch, s.steps, orderSeed);
  const theta0 = initParams(spec, o.seed).map((a, i) => tf.tensor(a, shapes[i]!));
  // Centred output trains f(x; θ) − f(x; θ_0); θ_0 is a constant here.
  const f0M = s.centered ? forward(spec, theta0, xM) : null;

  // Batches past T, drawn on demand from the same stream (its first T batches are `batches`):
  // grown by doubling, so a column's longest run costs one pass over the stream.
  let later: Int32Array[] = [];
  const indicesAt = (t: number): Int32Array => {
    if (t > later.length)
      later = batchIndices(n, s.batch, Math.max(t, 2 * later.length), orderSeed);
    return later[t - 1]!;
  };

  const lossOn = (params: tf.Tensor[], x: tf.Tensor2D, y: tf.Tensor2D, f0: tf.Tensor2D | null) => {
    const out = forward(spec, params, x);
    return lossFn(s.loss, f0 ? tf.sub(out, f0) : out, y);
  };
  const hvpAt = (params: tf.Tensor[]) => makeFlatHvp((p) => lossOn(p, xM, yM, f0M), params);
  const estimate = (params: tf.Tensor[], start: tf.Tensor1D | undefined) =>
    topEigen(hvpAt(params), dim, {
      maxIters: s.lanczosMaxIters,
      tol: s.lanczosTol,
      seed: o.seed,
      ...(start ? { start } : {}),
    });

  return {
    options: o,
    settings: s,
    spec,
    shapes,
    dim,
    xM,
    yM,
    measures: o.measures ?? measuresOf(o.settings),
    theta0,
    f0M,
    lossOn,
    hvpAt,
    estimate,
    batch(t) {
      const idx = t <= batches.length ? batches[t - 1]! : indicesAt(t);
      const xb = tf.tensor2d(gatherRows(o.data.x, o.data.dim, idx), [idx.length, o.data.dim]);
      const yb = tf.tensor2d(gatherRows(o.data.y, k, idx), [idx.length, k]);
      return { xb, yb, f0b: s.centered ? forward(spec, theta0, xb) : null };
    },
    dispose() {
      releaseXM();
      tf.dispose([xM, yM, ...theta0]);
      if (f0M) f0M.dispose();
    },
  };
}

/** The SGD-order seed J of a column: `o.orderSeed`, else the settings' data seed. */
export function orderSeedOf(o: Pick<FcnColumnOptions, 'settings' | 'orderSeed'>): number {
  return o.orderSeed ?? o.settings.dataSeed;
}

/** Upload the column's data, draw θ_0 and measure L_0 and λ_0 (cold Lanczos). */
export async function prepareFcnColumn(o: FcnColumnOptions): Promise<FcnColumnBase> {
  const data = uploadFcnColumn(o);
  let loss0: number;
  let est0: TopEigenResult;
  try {
    loss0 = await readScalar(tf.tidy(() => data.lossOn(data.theta0, data.xM, data.yM, data.f0M)));
    est0 = await data.estimate(data.theta0, undefined);
  } catch (err) {
    data.dispose();
    throw err;
  }
  return {
    ...data,
    loss0,
    est0,
    dispose() {
      data.dispose();
      est0.vector.dispose();
    },
  };
}
