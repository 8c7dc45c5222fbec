/**
 * Small conv nets for HVP tests on every backend: each is a `ConvNet` program with random
 * parameters, data and direction, and `convHvpCheck` compares tfjs's HVP (on the active backend)
 * with the float64 reference (`reference64Conv.ts`) of the same program.
 */
import * as tf from '@tensorflow/tfjs-core';
import { convNetForward, type ConvNet } from '../models/convNet';
import { loss } from '../models/loss';
import { createRng, normalArray } from '../random/prng';
import { makeHvp } from './hvp';
import { convNetHvp64 } from './reference64Conv';
import { relErr } from './testCases';

/** A test network with its batch size. */
export interface ConvCase {
  name: string;
  net: ConvNet;
  batch: number;
}

const conv = (param: number, stride = 1, pad: 'same' | 'valid' = 'same') =>
  ({ op: 'conv', param, stride, pad }) as const;
const relu = { op: 'relu' } as const;

/**
 * Myrtle-5 in miniature (4 conv blocks, avg pools after blocks 1, 2, 3 and one more, as on a
 * small input, then dense): 16×16×2 input, 3 channels.
 */
export const myrtleCase: ConvCase = {
  name: 'Myrtle-5 (16×16×2, width 3)',
  batch: 3,
  net: {
    input: [16, 16, 2],
    paramShapes: [
      [3, 3, 2, 3],
      [3, 3, 3, 3],
      [3, 3, 3, 3],
      [3, 3, 3, 3],
      [3, 10],
    ],
    ops: [
      conv(0),
      relu,
      conv(1),
      relu,
      { op: 'avgPool', size: 2, stride: 2 },
      conv(2),
      relu,
      { op: 'avgPool', size: 2, stride: 2 },
      conv(3),
      relu,
      { op: 'avgPool', size: 2, stride: 2 },
      { op: 'avgPool', size: 2, stride: 2 },
      { op: 'flatten' },
      { op: 'dense', param: 4 },
    ],
  },
};

/** A ResNet basic block with a 1×1 stride-2 projection, after a stem conv; dense with bias. */
export const resBlockCase: ConvCase = {
  name: 'ResNet basic block with projection (6×6×2)',
  batch: 3,
  net: {
    input: [6, 6, 2],
    paramShapes: [[3, 3, 2, 3], [3, 3, 3, 4], [3, 3, 4, 4], [1, 1, 3, 4], [4, 5], [5]],
    ops: [
      conv(0),
      relu,
      { op: 'residual', body: [conv(1, 2), relu, conv(2)], shortcut: [conv(3, 2)] },
      relu,
      { op: 'residual', body: [conv(2)], shortcut: [] },
      relu,
      { op: 'globalAvgPool' },
      { op: 'dense', param: 4, bias: 5 },
    ],
  },
};

/** Stride-2 SAME conv on an even map (asymmetric padding), 3×3/2 SAME max pool, VALID conv. */
export const maxPoolCase: ConvCase = {
  name: 'max-pool network (10×10×2)',
  batch: 2,
  net: {
    input: [10, 10, 2],
    paramShapes: [
      [3, 3, 2, 4],
      [2, 2, 4, 3],
      [12, 4],
    ],
    ops: [
      conv(0, 2),
      relu,
      { op: 'maxPool', size: 3, stride: 2, pad: 'same' },
      conv(1, 1, 'valid'),
      relu,
      { op: 'flatten' },
      { op: 'dense', param: 2 },
    ],
  },
};

/**
 * Max pools on signed inputs (no ReLU before them), so many windows hold only negative entries:
 * tfjs-backend-wasm's MaxPoolGrad kernel gives such windows no gradient (convGradients.ts,
 * `maxPoolGrad`), which a network that pools after a ReLU never shows.
 */
export const signedMaxPoolCase: ConvCase = {
  name: 'max pools on signed inputs (8×8×2)',
  batch: 2,
  net: {
    input: [8, 8, 2],
    paramShapes: [
      [3, 3, 2, 3],
      [3, 3, 3, 4],
      [16, 3],
    ],
    ops: [
      conv(0),
      { op: 'maxPool', size: 2, stride: 2, pad: 'valid' },
      conv(1),
      { op: 'maxPool', size: 3, stride: 2, pad: 'same' },
      { op: 'flatten' },
      { op: 'dense', param: 2 },
    ],
  },
};

export const CONV_CASES: readonly ConvCase[] = [myrtleCase, resBlockCase, maxPoolCase];

/** Random parameters (He-scaled), images, targets and direction of a case, deterministic. */
export function convCaseData(c: ConvCase, seed = 1) {
  const rng = createRng(seed, 'conv-case');
  const params = c.net.paramShapes.map((s) => {
    const size = s.reduce((a, b) => a * b, 1);
    const fanIn = s.length === 4 ? (s[0] ?? 1) * (s[1] ?? 1) * (s[2] ?? 1) : (s[0] ?? 1);
    return normalArray(rng, size, Math.sqrt((s.length === 1 ? 0.1 : 2) / fanIn));
  });
  const [h, w, ch] = c.net.input;
  const x = normalArray(rng, c.batch * h * w * ch, 1);
  const k = c.net.paramShapes.at(-1)?.at(-1) ?? 1;
  const y = normalArray(rng, c.batch * k, 1);
  const v = c.net.paramShapes.map((s) =>
    normalArray(
      rng,
      s.reduce((a, b) => a * b, 1),
      1,
    ),
  );
  return { params, x, y, v, k };
}

/** Relative errors of tfjs's loss, gradient and HVP (active backend) against float64. */
export interface ConvHvpCheck {
  loss: number;
  grad: number;
  hvp: number;
  /** ‖H v‖ of the reference, to show the check is not vacuous. */
  hvpNorm: number;
}

/**
 * Compare tfjs (active backend, current gradient registry) with the float64 reference on case
 * `c`. Throws what tfjs throws (e.g. a missing gradient). Leaves no tensors behind.
 */
export async function convHvpCheck(c: ConvCase, seed = 1): Promise<ConvHvpCheck> {
  const d = convCaseData(c, seed);
  const ref = convNetHvp64(c.net, d.params, d.v, d.x, d.y, c.batch);
  const [h, w, ch] = c.net.input;
  const params = d.params.map((p, i) => tf.tensor(p, c.net.paramShapes[i]));
  const v = d.v.map((p, i) => tf.tensor(p, c.net.paramShapes[i]));
  const x = tf.tensor4d(d.x, [c.batch, h, w, ch]);
  const y = tf.tensor2d(d.y, [c.batch, d.k]);
  try {
    const lossOf = (ps: tf.Tensor[]): tf.Scalar => loss('mse', convNetForward(c.net, ps, x), y);
    const lossT = tf.tidy(() => lossOf(params));
    const grads = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => lossOf(ps))(params));
    const hv = makeHvp(lossOf)(params, v);
    const flat = async (ts: tf.Tensor[]) => {
      const parts = await Promise.all(ts.map((t) => t.data()));
      tf.dispose(ts);
      return Float64Array.from(parts.flatMap((p) => Array.from(p)));
    };
    const lossVal = (await lossT.data())[0] as number;
    lossT.dispose();
    const g = await flat(grads);
    const hvFlat = await flat(hv);
    const cat = (a: Float64Array[]) => Float64Array.from(a.flatMap((p) => Array.from(p)));
    const hvRef = cat(ref.hvp);
    return {
      loss: Math.abs(lossVal - ref.loss) / Math.abs(ref.loss),
      grad: relErr(g, cat(ref.grad)),
      hvp: relErr(hvFlat, hvRef),
      hvpNorm: Math.sqrt(hvRef.reduce((s, a) => s + a * a, 0)),
    };
  } finally {
    tf.dispose([...params, ...v, x, y]);
  }
}

/** One direct check of a second-order registration (see {@link adjointChecks}). */
export interface AdjointCheck {
  name: string;
  /** |⟨G(z′), b⟩ − ⟨z′, ∇_z⟨G(z), b⟩⟩| / (|⟨G(z′), b⟩| + tiny): 0 up to rounding when correct. */
  gap: number;
}

/**
 * Each registered second-order gradient, tested on its own over several geometries (stride 1/2,
 * SAME/VALID, odd and even maps, 1×1 to 7×7 windows, maps the conv does not cover to the edge).
 * G is a first-order gradient built with `tf.grad`, linear in z: the input gradient of a conv
 * (Conv2DBackpropInput, linear in dy), the filter gradient (Conv2DBackpropFilter, linear in x and
 * in dy), the pool gradients (AvgPoolGrad, MaxPoolGrad, linear in dy). Then ⟨G(z′), b⟩, which uses
 * only the first-order kernel, must equal ⟨z′, ∇_z⟨G(z), b⟩⟩, which uses the registration.
 */
export function adjointChecks(seed = 3): AdjointCheck[] {
  const rng = createRng(seed, 'adjoint');
  const rand = (shape: number[]): tf.Tensor4D =>
    tf.tensor4d(
      normalArray(
        rng,
        shape.reduce((a, b) => a * b, 1),
        1,
      ),
      shape as [number, number, number, number],
    );
  const out: AdjointCheck[] = [];
  const check = (name: string, g: (z: tf.Tensor4D) => tf.Tensor, zShape: number[]): void => {
    const gap = tf.tidy(() => {
      const z = rand(zShape);
      const z2 = rand(zShape);
      const gz2 = g(z2);
      const b = rand(gz2.shape);
      const lhs = tf.sum(tf.mul(gz2, b)).dataSync()[0] as number;
      const gt = tf.grad((zz: tf.Tensor) => tf.sum(tf.mul(g(zz as tf.Tensor4D), b)))(z);
      const rhs = tf.sum(tf.mul(z2, gt)).dataSync()[0] as number;
      return Math.abs(lhs - rhs) / (Math.abs(lhs) + 1e-12);
    });
    out.push({ name, gap });
  };
  const convGeoms: [number, number, number, 'same' | 'valid'][] = [
    [8, 3, 2, 'valid'],
    [7, 3, 2, 'same'],
    [8, 1, 2, 'same'],
    [9, 7, 2, 'same'],
    [6, 3, 1, 'valid'],
    [5, 3, 1, 'same'],
  ];
  for (const [h, k, s, pad] of convGeoms) {
    const tag = `${h}×${h}, ${k}×${k}/${s} ${pad}`;
    const x = rand([2, h, h, 3]);
    const w = rand([k, k, 3, 4]);
    const dy = tf.conv2d(x, w, s, pad);
    const dyShape = [...dy.shape];
    dy.dispose();
    // Conv2DBackpropInput, linear in dy: its registered gradient with respect to dy.
    check(
      `conv input gradient, ${tag}`,
      (u) =>
        tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, w, s, pad), u)))(x),
      dyShape,
    );
    // Conv2DBackpropFilter, linear in dy …
    check(
      `conv filter gradient (dy), ${tag}`,
      (u) =>
        tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, s, pad), u)))(w),
      dyShape,
    );
    // … and in x.
    const u0 = rand(dyShape);
    check(
      `conv filter gradient (x), ${tag}`,
      (xx) =>
        tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx, ww as tf.Tensor4D, s, pad), u0)))(w),
      [2, h, h, 3],
    );
    tf.dispose([x, w, u0]);
  }
  const poolGeoms: [number, number, number, 'same' | 'valid'][] = [
    [8, 2, 2, 'valid'],
    [7, 2, 2, 'valid'],
    [7, 3, 2, 'same'],
    [8, 3, 2, 'same'],
    [9, 3, 1, 'same'],
  ];
  for (const [h, k, s, pad] of poolGeoms) {
    const tag = `${h}×${h}, ${k}×${k}/${s} ${pad}`;
    const x = rand([2, h, h, 3]);
    const pooled = tf.avgPool(x, k, s, pad);
    const yShape = [...pooled.shape];
    pooled.dispose();
    check(
      `avg pool gradient, ${tag}`,
      (u) =>
        tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(xx as tf.Tensor4D, k, s, pad), u)))(x),
      yShape,
    );
    check(
      `max pool gradient, ${tag}`,
      (u) =>
        tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, k, s, pad), u)))(x),
      yShape,
    );
    x.dispose();
  }
  return out;
}
