/**
 * The model registry: one `ModelDefinition` per kind (`fcn.ts`, `uv.ts`, `convModels.ts`), so
 * that the parameter list, θ_0, the forward pass and the FLOP count of any model come from one
 * lookup instead of `kind` chains. Static facts (label, settings, depths) are in `kinds.ts`,
 * which loads no tfjs. Adding a model: a module exporting its definition, one line here and
 * one entry in `kinds.ts`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelKind } from './kinds';
import type { ModelSpec } from './model';
import { fcnModel } from './fcn';
import { uvModel } from './uv';
import { myrtleModel, resnetModel } from './convModels';

/** What every model provides. */
export interface ModelDefinition {
  kind: ModelKind;
  /** Shapes of the parameter list, in order. */
  paramShapes(spec: ModelSpec): number[][];
  /** θ_0 as host arrays (row-major), deterministic in `seed` (draws from `createRng(seed, 'init')`). */
  initParams(spec: ModelSpec, seed: number): Float32Array[];
  /** f(x; θ), [batch, K], for x of shape [batch, inputDim] (or [batch, H, W, C] for conv nets). */
  forward(spec: ModelSpec, params: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor2D;
  /**
   * Whether the forward pass multiplies the flat input, as given, by its first weight matrix
   * through `fixedMatMul` (core/tf/fixedOperand.ts): a column then holds its measurement set's
   * transpose, which spares a transpose of the set in every gradient of it.
   */
  denseInput: boolean;
  /**
   * Whether the forward multiplies by every weight matrix through `fixedMatMul` or `weightMatMul`
   * (core/tf/fixedOperand.ts), so that an HVP's first pass, whose weight gradients are only
   * multiplied by v, skips computing them (`unreadWeightGradients`).
   */
  unreadWeightGradients: boolean;
  /**
   * FLOPs of the products (matMuls, convs) of one forward pass on n examples: `all` = S, and
   * `notFirst` = S' = S minus the first layer (whose input is data), as `train/flops.ts` uses them.
   */
  productFlops(spec: ModelSpec, n: number): { all: number; notFirst: number };
}

const DEFINITIONS: Readonly<Record<ModelKind, ModelDefinition>> = {
  fcn: fcnModel,
  uv: uvModel,
  myrtle: myrtleModel,
  resnet: resnetModel,
};

/** The definition of a kind; throws on an unknown one. */
export function modelDefinition(kind: ModelKind): ModelDefinition {
  const d = DEFINITIONS[kind] as ModelDefinition | undefined;
  if (d === undefined) throw new Error(`unknown model kind '${String(kind)}'`);
  return d;
}
