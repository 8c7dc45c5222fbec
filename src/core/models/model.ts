/**
 * The models of docs/PROTOCOL.md §2 and §4 as pure functions of a parameter list, so that the loss can be
 * differentiated twice with `tf.grads` (no layers, no variables, no hidden state).
 *
 * FCN with depth d: d Dense layers, inputDim → width → … → width → numClasses (d − 1 hidden
 * layers, activation after each hidden layer, none after the readout). Parameter order:
 * [W_1, (b_1), W_2, (b_2), …, W_d, (b_d)], W_l of shape [fanIn_l, fanOut_l], b_l of shape [fanOut_l]
 * (biases only when `bias` is on, initialised to 0).
 *
 * Layer l computes z_l = m_l · (h_{l−1} W_l) + b_l, h_l = φ(z_l), with init std s_l and multiplier
 * m_l by parameterisation (σ² = 2 for relu hidden layers, 1 for tanh, linear and the readout):
 *   - 'sp'  (standard):  s_l = √(σ²/fanIn_l),  m_l = 1.
 *   - 'ntk':             s_l = 1,              m_l = √(σ²/fanIn_l).
 *   - 'mup' (µP-style):  as 'sp', except the readout multiplier m_d = 1/√fanIn_d (= 1/√width for
 *     d ≥ 2; 1/√inputDim for d = 1). Hidden layers stay SP; only the readout output shrinks by
 *     1/√width, which gives the µP readout's effective init variance 1/fanIn² while SGD still acts
 *     on an O(1/√fanIn) weight (the "multiplier" form of µP's readout rule, Yang & Hu 2021). This is
 *     the project's choice for the option, not a full µP (no per-layer learning rates).
 * Readout 'zero': W_d = 0 at init (f = 0 for every input).
 *
 * uv model (docs/PROTOCOL.md §4): f(x) = (1/√w) (vᵀu) x, u, v ∈ Rʷ, u_i, v_i ~ N(0, 1). Parameters
 * [u, v], each of shape [w]; x is [batch, 1]; depth, activation, param, readout and bias are ignored.
 *
 * Myrtle CNNs (`myrtle.ts`) and ResNets without normalisation (`resnet.ts`) read `input` [H, W, C]
 * and, for ResNets, `stem`; activation, param and bias do not apply to them (`kinds.ts`).
 *
 * Each kind is one module registered in `registry.ts`; the functions here look the kind up.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, Parameterisation, Readout } from '../settings/schema';
import { fcnLayerScales } from './fcn';
import type { ModelKind, ResNetStem } from './kinds';
import { modelDefinition } from './registry';

export { activationGain } from './fcn';

/** Architecture of one model. */
export interface ModelSpec {
  kind: ModelKind;
  /** Number of Dense layers (≥ 1) of an FCN; 5/7/10 for Myrtle, 18/34 for ResNet; ignored by uv. */
  depth: number;
  /** Hidden width of an FCN; channels of a Myrtle CNN or of a ResNet's first stage; w of uv. */
  width: number;
  /** Input features (pixels × channels); 1 for the uv model. */
  inputDim: number;
  /** The image shape [H, W, C] (H·W·C = inputDim); required by the conv nets. */
  input?: [number, number, number];
  /** ResNet stem; 'imagenet' when omitted. */
  stem?: ResNetStem;
  /** Output units k; 1 for the uv model. */
  numClasses: number;
  activation: Activation;
  param: Parameterisation;
  readout: Readout;
  bias: boolean;
}

function checkSpec(spec: ModelSpec): void {
  if (!Number.isInteger(spec.width) || spec.width < 1) {
    throw new Error(`model width must be a positive integer: ${spec.width}`);
  }
}

/** Per layer of an FCN: init std of the kernel entries and the multiplier applied to h·W
 * (module comment); [] for the other kinds. */
export function layerScales(spec: ModelSpec): { initStd: number; multiplier: number }[] {
  checkSpec(spec);
  return spec.kind === 'fcn' ? fcnLayerScales(spec) : [];
}

/** Shapes of the parameter list, in order (module comment). */
export function paramShapes(spec: ModelSpec): number[][] {
  checkSpec(spec);
  return modelDefinition(spec.kind).paramShapes(spec);
}

/** Total number of parameters P. */
export function paramCount(spec: ModelSpec): number {
  return paramShapes(spec).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * Initial parameters θ_0 as host arrays (row-major, shapes from `paramShapes`), deterministic in
 * `seed`: draws come from `createRng(seed, 'init')` layer by layer, kernels in order, from an
 * *untruncated* normal (tfjs's truncatedNormal/varianceScaling would cut at 2σ). Biases are 0
 * and draw nothing; a zero readout draws nothing either.
 */
export function initParams(spec: ModelSpec, seed: number): Float32Array[] {
  checkSpec(spec);
  return modelDefinition(spec.kind).initParams(spec, seed);
}

/** Upload host parameters as tensors of the right shapes (the caller disposes them). */
export function paramsToTensors(spec: ModelSpec, params: readonly Float32Array[]): tf.Tensor[] {
  const shapes = paramShapes(spec);
  if (shapes.length !== params.length) throw new Error('parameter count does not match the spec');
  return shapes.map((shape, i) => tf.tensor(params[i] as Float32Array, shape, 'float32'));
}

/**
 * Network output f(x; θ), shape [batch, numClasses], for x of shape [batch, inputDim] (conv
 * nets also take [batch, H, W, C]; uv: [batch, 1] → [batch, 1]). A pure function of the parameter
 * tensors (twice differentiable with the gradient fixes registered). Call inside `tf.tidy` or
 * dispose the result.
 */
export function forward(
  spec: ModelSpec,
  params: readonly tf.Tensor[],
  x: tf.Tensor2D | tf.Tensor4D,
): tf.Tensor2D {
  return modelDefinition(spec.kind).forward(spec, params, x);
}
