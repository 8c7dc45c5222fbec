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
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray } from '../random/prng';
import type { Activation, Parameterisation, Readout } from '../settings/schema';

/** Architecture of one model. */
export interface ModelSpec {
  kind: 'fcn' | 'uv';
  /** Number of Dense layers (≥ 1) of an FCN; ignored by the uv model. */
  depth: number;
  /** Hidden width of an FCN; w of the uv model. */
  width: number;
  /** Input features (flattened pixels); 1 for the uv model. */
  inputDim: number;
  /** Output units k; 1 for the uv model. */
  numClasses: number;
  activation: Activation;
  param: Parameterisation;
  readout: Readout;
  bias: boolean;
}

/** σ² of a hidden layer with this activation (He gain for relu). */
export function activationGain(activation: Activation): number {
  return activation === 'relu' ? 2 : 1;
}

function checkSpec(spec: ModelSpec): void {
  const posInt = (n: number): boolean => Number.isInteger(n) && n >= 1;
  if (!posInt(spec.width)) throw new Error(`model width must be a positive integer: ${spec.width}`);
  if (spec.kind === 'fcn') {
    if (!posInt(spec.depth) || !posInt(spec.inputDim) || !posInt(spec.numClasses)) {
      throw new Error('FCN depth, inputDim and numClasses must be positive integers');
    }
  }
}

/** [fanIn, fanOut] of each Dense layer of an FCN. */
function layerDims(spec: ModelSpec): [number, number][] {
  const dims: [number, number][] = [];
  let fanIn = spec.inputDim;
  for (let l = 0; l < spec.depth; l++) {
    const fanOut = l === spec.depth - 1 ? spec.numClasses : spec.width;
    dims.push([fanIn, fanOut]);
    fanIn = fanOut;
  }
  return dims;
}

/** Per layer: init std of the kernel entries and the multiplier applied to h·W (module comment). */
export function layerScales(spec: ModelSpec): { initStd: number; multiplier: number }[] {
  checkSpec(spec);
  if (spec.kind !== 'fcn') return [];
  const dims = layerDims(spec);
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

/** Shapes of the parameter list, in order (module comment). */
export function paramShapes(spec: ModelSpec): number[][] {
  checkSpec(spec);
  if (spec.kind === 'uv') return [[spec.width], [spec.width]];
  const shapes: number[][] = [];
  for (const [fanIn, fanOut] of layerDims(spec)) {
    shapes.push([fanIn, fanOut]);
    if (spec.bias) shapes.push([fanOut]);
  }
  return shapes;
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
  const rng = createRng(seed, 'init');
  if (spec.kind === 'uv') {
    return [normalArray(rng, spec.width, 1), normalArray(rng, spec.width, 1)];
  }
  const out: Float32Array[] = [];
  const dims = layerDims(spec);
  const scales = layerScales(spec);
  dims.forEach(([fanIn, fanOut], l) => {
    const isReadout = l === dims.length - 1;
    const n = fanIn * fanOut;
    const std = scales[l]?.initStd ?? 1;
    out.push(isReadout && spec.readout === 'zero' ? new Float32Array(n) : normalArray(rng, n, std));
    if (spec.bias) out.push(new Float32Array(fanOut));
  });
  return out;
}

/** Upload host parameters as tensors of the right shapes (the caller disposes them). */
export function paramsToTensors(spec: ModelSpec, params: readonly Float32Array[]): tf.Tensor[] {
  const shapes = paramShapes(spec);
  if (shapes.length !== params.length) throw new Error('parameter count does not match the spec');
  return shapes.map((shape, i) => tf.tensor(params[i] as Float32Array, shape, 'float32'));
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

/**
 * Network output f(x; θ), shape [batch, numClasses], for x of shape [batch, inputDim] (uv:
 * [batch, 1] → [batch, 1]). A pure function of the parameter tensors (twice differentiable with
 * the gradient fixes registered). Call inside `tf.tidy` or dispose the result.
 */
export function forward(
  spec: ModelSpec,
  params: readonly tf.Tensor[],
  x: tf.Tensor2D,
): tf.Tensor2D {
  if (spec.kind === 'uv') {
    const u = param(params, 0);
    const v = param(params, 1);
    return tf.mul(x, tf.div(tf.sum(tf.mul(u, v)), Math.sqrt(spec.width)));
  }
  const scales = layerScales(spec);
  let h = x;
  let i = 0;
  for (let l = 0; l < spec.depth; l++) {
    const w = param(params, i++) as tf.Tensor2D;
    let z = tf.matMul<tf.Tensor2D>(h, w);
    const m = scales[l]?.multiplier ?? 1;
    if (m !== 1) z = tf.mul<tf.Tensor2D>(z, m);
    if (spec.bias) z = tf.add<tf.Tensor2D>(z, param(params, i++));
    h = l === spec.depth - 1 ? z : activate(spec.activation, z);
  }
  return h;
}
