/**
 * Convolutional networks as data: a program of layer ops over NHWC activations and the shapes of
 * the parameters it reads. The Myrtle and ResNet modules build programs; `convNetForward` runs one
 * in tfjs (a pure function of the parameter tensors, twice differentiable with the gradient fixes
 * of `core/tf/gradients.ts`), and `hessian/reference64Conv.ts` runs the same program in float64,
 * so a model's HVP is tested against an independent reference of exactly that architecture.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Padding of a convolution or a max pool (XLA/tfjs semantics: SAME pads floor(total/2) on top). */
export type ConvPad = 'same' | 'valid';

/** One layer op. `param` and `bias` index the parameter list. */
export type ConvOp =
  /** 2D convolution, no bias, filter of shape [KH, KW, C_in, C_out] = shapes[param]. */
  | { op: 'conv'; param: number; stride: number; pad: ConvPad }
  | { op: 'relu' }
  /** Average pool, VALID padding (a window never overhangs the map). */
  | { op: 'avgPool'; size: number; stride: number }
  | { op: 'maxPool'; size: number; stride: number; pad: ConvPad }
  /** Mean over H and W: [N, H, W, C] → [N, C]. */
  | { op: 'globalAvgPool' }
  /** [N, H, W, C] → [N, H·W·C], row-major (channel fastest). */
  | { op: 'flatten' }
  /** [N, D] · W (shapes[param] = [D, K]), plus a bias of shape [K] when `bias` is given. */
  | { op: 'dense'; param: number; bias?: number }
  /** body(x) + shortcut(x); an empty shortcut is the identity. */
  | { op: 'residual'; body: ConvOp[]; shortcut: ConvOp[] };

/** A network: its ops in order and the shapes of the parameters they read. */
export interface ConvNet {
  ops: ConvOp[];
  paramShapes: number[][];
  /** Input image [H, W, C]. */
  input: [number, number, number];
}

function param(params: readonly tf.Tensor[], i: number): tf.Tensor {
  const p = params[i];
  if (p === undefined) throw new Error(`conv net: missing parameter ${i}`);
  return p;
}

function run(ops: readonly ConvOp[], params: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor {
  let h = x;
  for (const op of ops) {
    switch (op.op) {
      case 'conv':
        h = tf.conv2d(h as tf.Tensor4D, param(params, op.param) as tf.Tensor4D, op.stride, op.pad);
        break;
      case 'relu':
        h = tf.relu(h);
        break;
      case 'avgPool':
        h = tf.avgPool(h as tf.Tensor4D, op.size, op.stride, 'valid');
        break;
      case 'maxPool':
        h = tf.maxPool(h as tf.Tensor4D, op.size, op.stride, op.pad);
        break;
      case 'globalAvgPool':
        h = tf.mean(h, [1, 2]);
        break;
      case 'flatten':
        h = tf.reshape(h, [h.shape[0] ?? 0, -1]);
        break;
      case 'dense': {
        let z = tf.matMul(h as tf.Tensor2D, param(params, op.param) as tf.Tensor2D);
        if (op.bias !== undefined) z = tf.add(z, param(params, op.bias));
        h = z;
        break;
      }
      case 'residual': {
        const body = run(op.body, params, h);
        const short = op.shortcut.length === 0 ? h : run(op.shortcut, params, h);
        h = tf.add(body, short);
        break;
      }
    }
  }
  return h;
}

/**
 * Output f(x; θ) of a conv net, [batch, K], for images x of shape [batch, H, W, C] (or flattened
 * [batch, H·W·C], reshaped here). A pure function of the parameter tensors; call inside `tf.tidy`.
 */
export function convNetForward(
  net: ConvNet,
  params: readonly tf.Tensor[],
  x: tf.Tensor,
): tf.Tensor2D {
  if (params.length !== net.paramShapes.length) {
    throw new Error(
      `conv net: ${params.length} parameters, the network needs ${net.paramShapes.length}`,
    );
  }
  const [h, w, c] = net.input;
  const x4 = x.rank === 4 ? x : tf.reshape(x, [x.shape[0] ?? 0, h, w, c]);
  const out = run(net.ops, params, x4);
  if (out.rank !== 2) throw new Error(`conv net: output has rank ${out.rank}, expected 2`);
  return out as tf.Tensor2D;
}

/** Spatial size after a conv or pool of `size`/`stride` with this padding (tfjs/XLA rules). */
export function outSize(n: number, size: number, stride: number, pad: ConvPad): number {
  return pad === 'same' ? Math.ceil(n / stride) : Math.floor((n - size) / stride) + 1;
}

/** Multiply-adds of a program per example, convs and dense layers only (for FLOP counts). */
export function convNetMacs(net: ConvNet): { total: number; first: number } {
  let first = -1;
  let total = 0;
  const walk = (
    ops: readonly ConvOp[],
    shape: [number, number, number],
  ): [number, number, number] => {
    let [h, w, c] = shape;
    for (const op of ops) {
      if (op.op === 'conv') {
        const [kh, kw, , co] = net.paramShapes[op.param] ?? [0, 0, 0, 0];
        h = outSize(h, kh ?? 0, op.stride, op.pad);
        w = outSize(w, kw ?? 0, op.stride, op.pad);
        const macs = h * w * (kh ?? 0) * (kw ?? 0) * c * (co ?? 0);
        if (first < 0) first = macs;
        total += macs;
        c = co ?? 0;
      } else if (op.op === 'avgPool') {
        h = outSize(h, op.size, op.stride, 'valid');
        w = outSize(w, op.size, op.stride, 'valid');
      } else if (op.op === 'maxPool') {
        h = outSize(h, op.size, op.stride, op.pad);
        w = outSize(w, op.size, op.stride, op.pad);
      } else if (op.op === 'globalAvgPool') {
        h = 1;
        w = 1;
      } else if (op.op === 'flatten') {
        c = h * w * c;
        h = 1;
        w = 1;
      } else if (op.op === 'dense') {
        const [d, k] = net.paramShapes[op.param] ?? [0, 0];
        const macs = (d ?? 0) * (k ?? 0);
        if (first < 0) first = macs;
        total += macs;
        c = k ?? 0;
      } else if (op.op === 'residual') {
        const out = walk(op.body, [h, w, c]);
        walk(op.shortcut, [h, w, c]);
        [h, w, c] = out;
      }
    }
    return [h, w, c];
  };
  walk(net.ops, net.input);
  return { total, first: Math.max(first, 0) };
}
