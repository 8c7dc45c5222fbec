import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { createRng, normalArray } from '../random/prng';
import { makeHvp } from '../hessian/hvp';
import { fcnModel } from '../models/fcn';
import type { ModelSpec } from '../models/model';
import { cloneDefaults } from '../settings/codec';
import { prepareData } from '../data/prepare';
import { syntheticDataset } from '../data/synthetic';
import { uploadFcnColumn } from '../train/fcnBase';
import { fixedMatMul, holdTranspose, isHeld, unreadWeightGradients } from './fixedOperand';

const M = 24;
const D = 30;
const spec: ModelSpec = {
  kind: 'fcn',
  depth: 3,
  width: 16,
  inputDim: D,
  numClasses: 4,
  activation: 'relu',
  param: 'sp',
  readout: 'normal',
  bias: true,
};

/** Bits of a tensor list, for exact comparison. */
function bits(ts: readonly tf.Tensor[]): number[][] {
  return ts.map((t) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer)));
}

/** Gradient, H v and ∇⟨H v, u⟩ (a third derivative) of `loss` at `params`, in one list. */
function threeOrders(
  loss: (ps: tf.Tensor[]) => tf.Scalar,
  params: tf.Tensor[],
  v: tf.Tensor[],
  u: tf.Tensor[],
): tf.Tensor[] {
  const hvp = makeHvp(loss);
  const g = tf.grads((...ps: tf.Tensor[]) => loss(ps))(params);
  const hv = hvp(params, v);
  const third = tf.grads((...ps: tf.Tensor[]) =>
    tf.addN(hvp(ps, v).map((h, i) => tf.sum(tf.mul(h, u[i]!)))),
  )(params);
  return [...g, ...hv, ...third];
}

/** Transposes run by `f` whose input has the shape of x ([M, D]). */
async function transposesOfX(f: () => tf.Tensor[]): Promise<number> {
  const profile = await tf.profile(() => {
    tf.dispose(f());
  });
  return profile.kernels.filter(
    (k) => k.name === 'Transpose' && k.inputShapes[0]?.join('x') === `${M}x${D}`,
  ).length;
}

/**
 * An input held (`holdTranspose`) and its unheld copy, and the FCN's parameters from `initSeed`;
 * `rng` goes on to draw what a test needs next.
 */
function heldPair(seed: number, initSeed: number) {
  const rng = createRng(seed, 'held pair');
  const xData = normalArray(rng, M * D, 1);
  const x = tf.tensor2d(xData, [M, D]);
  const xPlain = tf.tensor2d(xData, [M, D]);
  const release = holdTranspose(x);
  const shapes = fcnModel.paramShapes(spec);
  const params = fcnModel.initParams(spec, initSeed).map((a, i) => tf.tensor(a, shapes[i]));
  return { rng, x, xPlain, release, shapes, params };
}

afterAll(async () => {
  await initNodeBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('held transpose on %s', (backend) => {
  it('gives the bits of a plain product to third order, never transposes x, and skips the unread xᵀ·dz₁', async () => {
    await initNodeBackend(backend);
    const before = tf.memory().numTensors;
    const rng = createRng(7, 'test');
    const xData = normalArray(rng, M * D, 1);
    const x = tf.tensor2d(xData, [M, D]);
    const xPlain = tf.tensor2d(xData, [M, D]);
    const y = tf.tensor2d(normalArray(rng, M * 4, 1), [M, 4]);
    const params = fcnModel
      .initParams(spec, 3)
      .map((a, i) => tf.tensor(a, fcnModel.paramShapes(spec)[i]));
    const v = params.map((p) => tf.tensor(normalArray(rng, p.size, 1), p.shape));
    const u = params.map((p) => tf.tensor(normalArray(rng, p.size, 1), p.shape));
    const lossWith = (input: tf.Tensor2D) => (ps: tf.Tensor[]) =>
      tf.losses.meanSquaredError(y, fcnModel.forward(spec, ps, input)) as tf.Scalar;
    const orders = (input: tf.Tensor2D) => (): tf.Tensor[] =>
      threeOrders(lossWith(input), params, v, u);

    const release = holdTranspose(x);
    expect(isHeld(x)).toBe(true);
    expect(isHeld(xPlain)).toBe(false);
    const held = orders(x)();
    const plain = orders(xPlain)();
    expect(bits(held)).toEqual(bits(plain));
    expect(await transposesOfX(orders(x))).toBe(0);
    // The check can fail: the plain product transposes x in its gradients.
    expect(await transposesOfX(orders(xPlain))).toBeGreaterThan(0);

    // Kernels of n HVPs at the same parameters with this name and these first input shapes.
    const kernels = async (
      input: tf.Tensor2D,
      n: number,
      name: string,
      ...shapes: string[]
    ): Promise<number> => {
      const at = params.map((p) => p.clone());
      const hvp = makeHvp(lossWith(input));
      const profile = await tf.profile(() => {
        for (let i = 0; i < n; i++) tf.dispose(hvp(at, v));
      });
      tf.dispose(at);
      return profile.kernels.filter(
        (k) => k.name === name && shapes.every((s, i) => k.inputShapes[i]?.join('x') === s),
      ).length;
    };
    // Kernels that two more HVPs at the same parameters add.
    const more = async (input: tf.Tensor2D, name: string, ...shapes: string[]) =>
      (await kernels(input, 3, name, ...shapes)) - (await kernels(input, 1, name, ...shapes));
    const w = spec.width;

    // HVPs at the same parameters share x·W₁: 2 more of them make 2 products by x (their
    // second-order ones), where the plain product makes 4 (x·W₁ again each time).
    expect(await more(x, 'BatchMatMul', `${M}x${D}`)).toBe(2);
    expect(await more(xPlain, 'BatchMatMul', `${M}x${D}`)).toBe(4);
    // They share the transposed inputs of the later layers' products too (hᵀ for hᵀ·dy in the
    // second pass, the readout's and the hidden layer's) and the hidden layer's dzᵀ (for
    // dzᵀ·(…) through dz·Wᵀ), the same at the same θ: each HVP transposes those three
    // [M × width] matrices, and later HVPs at the same θ none of them.
    expect(await kernels(x, 1, 'Transpose', `${M}x${w}`)).toBe(3);
    expect(await kernels(xPlain, 1, 'Transpose', `${M}x${w}`)).toBe(3);
    expect(await more(x, 'Transpose', `${M}x${w}`)).toBe(0);
    expect(await more(xPlain, 'Transpose', `${M}x${w}`)).toBe(6);
    // And the first pass's backward products: dz·Wᵀ of the hidden layer and of the readout.
    // Over two more HVPs the held input makes 8 [M × w]·[w × w] products where the plain one
    // makes 12 (h₁·W₂ of the forward and dz₂·W₂ᵀ of the first pass, twice each), and 4
    // [M × 4]·[4 × w] where it makes 6 (dz₃·W₃ᵀ twice).
    expect(await more(x, 'BatchMatMul', `${M}x${w}`, `${w}x${w}`)).toBe(8);
    expect(await more(xPlain, 'BatchMatMul', `${M}x${w}`, `${w}x${w}`)).toBe(12);
    expect(await more(x, 'BatchMatMul', `${M}x4`, `4x${w}`)).toBe(4);
    expect(await more(xPlain, 'BatchMatMul', `${M}x4`, `4x${w}`)).toBe(6);

    // Products by xᵀ in one HVP: the plain one makes the first pass's xᵀ·dz₁ and the second's
    // xᵀ·(…); the held one skips the first (its value only enters ⟨g, v⟩), and its ⟨g, v⟩ reads 0
    // at W₁ while the HVP above kept its bits.
    expect(await kernels(x, 1, 'BatchMatMul', `${D}x${M}`)).toBe(1);
    expect(await kernels(xPlain, 1, 'BatchMatMul', `${D}x${M}`)).toBe(2);
    const firstPass = (input: tf.Tensor2D): tf.Tensor[] =>
      unreadWeightGradients(() => tf.grads((...ps: tf.Tensor[]) => lossWith(input)(ps))(params));
    const unread = firstPass(x);
    const read = firstPass(xPlain);
    expect(tf.tidy(() => unread[0]!.abs().max().dataSync()[0])).toBe(0);
    expect(tf.tidy(() => read[0]!.abs().max().dataSync()[0])).toBeGreaterThan(0);
    // Only the held product's weight gradient is a stand-in: the other layers' are computed.
    expect(bits(unread.slice(1))).toEqual(bits(read.slice(1)));
    tf.dispose([...unread, ...read]);

    release();
    expect(isHeld(x)).toBe(false);
    expect(await transposesOfX(orders(x))).toBeGreaterThan(0);
    tf.dispose([x, xPlain, y, ...params, ...v, ...u, ...held, ...plain]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(['cpu', 'wasm'] as const)('weight products on %s', (backend) => {
  it('give the bits of tf.matMul to third order, and an HVP skips the hidden hᵀ·dz', async () => {
    await initNodeBackend(backend);
    const before = tf.memory().numTensors;
    const rng = createRng(11, 'test');
    const x = tf.tensor2d(normalArray(rng, M * D, 1), [M, D]);
    const y = tf.tensor2d(normalArray(rng, M * 4, 1), [M, 4]);
    const tanhSpec: ModelSpec = { ...spec, activation: 'tanh' };
    const params = fcnModel
      .initParams(tanhSpec, 5)
      .map((a, i) => tf.tensor(a, fcnModel.paramShapes(tanhSpec)[i]));
    const v = params.map((p) => tf.tensor(normalArray(rng, p.size, 1), p.shape));
    const u = params.map((p) => tf.tensor(normalArray(rng, p.size, 1), p.shape));
    // The same network with tf.matMul for every layer (SP: no multipliers).
    const plainForward = (ps: readonly tf.Tensor[]): tf.Tensor2D => {
      let h = x;
      for (let l = 0; l < tanhSpec.depth; l++) {
        const z = tf.add(tf.matMul(h, ps[2 * l] as tf.Tensor2D), ps[2 * l + 1]!) as tf.Tensor2D;
        h = l === tanhSpec.depth - 1 ? z : tf.tanh(z);
      }
      return h;
    };
    const modelLoss = (ps: tf.Tensor[]) =>
      tf.losses.meanSquaredError(y, fcnModel.forward(tanhSpec, ps, x)) as tf.Scalar;
    const plainLoss = (ps: tf.Tensor[]) =>
      tf.losses.meanSquaredError(y, plainForward(ps)) as tf.Scalar;
    const viaModel = threeOrders(modelLoss, params, v, u);
    const plain = threeOrders(plainLoss, params, v, u);
    expect(bits(viaModel)).toEqual(bits(plain));
    // Products [width × M] by [M × ·] of the later layers: hᵀ·dz in the first pass and through
    // the forward in the second (both layers), and dzᵀ·(…) through dz·Wᵀ (the hidden layer only:
    // the readout's dz is [M × 4]). The plain HVP makes 5; through weightMatMul the first pass's
    // two are stand-ins.
    const hiddenWeightGradients = async (loss: (ps: tf.Tensor[]) => tf.Scalar) => {
      const hvp = makeHvp(loss);
      const profile = await tf.profile(() => {
        tf.dispose(hvp(params, v));
      });
      return profile.kernels.filter(
        (k) => k.name === 'BatchMatMul' && k.inputShapes[0]?.join('x') === `${spec.width}x${M}`,
      ).length;
    };
    expect(await hiddenWeightGradients(plainLoss)).toBe(5);
    expect(await hiddenWeightGradients(modelLoss)).toBe(3);
    // Outside a first pass the model's product is a plain matMul: a gradient computes them all.
    const g = tf.grads((...ps: tf.Tensor[]) => modelLoss(ps))(params);
    expect(g.every((t) => tf.tidy(() => t.abs().max().dataSync()[0]!) > 0)).toBe(true);
    tf.dispose([x, y, ...params, ...v, ...u, ...viaModel, ...plain, ...g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('holdTranspose', () => {
  it('refuses a non-matrix and a second hold, and a release is idempotent', async () => {
    await initNodeBackend('cpu');
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => holdTranspose(tf.zeros([2, 3, 1]) as unknown as tf.Tensor2D)).toThrow(/rank 3/);
    const release = holdTranspose(x);
    expect(() => holdTranspose(x)).toThrow(/already held/);
    const n = tf.memory().numTensors;
    release();
    release();
    expect(tf.memory().numTensors).toBe(n - 1);
    const w = tf.ones([3, 2]) as tf.Tensor2D;
    expect(Array.from(fixedMatMul(x, w).dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([x, w]);
  });

  it('hands out the kept product only for the same live weight', async () => {
    await initNodeBackend('cpu');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const release = holdTranspose(x);
    const w1 = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const w2 = tf.tensor2d([2, 0, 0, 2], [2, 2]);
    const read = (w: tf.Tensor2D) => tf.tidy(() => Array.from(fixedMatMul(x, w).dataSync()));
    expect(read(w1)).toEqual([1, 2, 3, 4]);
    expect(read(w1)).toEqual([1, 2, 3, 4]);
    expect(read(w2)).toEqual([2, 4, 6, 8]);
    const v = tf.variable(w1);
    expect(read(v)).toEqual([1, 2, 3, 4]);
    v.assign(w2);
    expect(read(v)).toEqual([2, 4, 6, 8]);
    const n = tf.memory().numTensors;
    release();
    // The transpose and the kept product go.
    expect(tf.memory().numTensors).toBe(n - 2);
    tf.dispose([x, w1, w2, v]);
  });

  it("keeps a forward's later products only while x, every upstream parameter and the layer are the same", async () => {
    await initNodeBackend('cpu');
    const { rng, x, xPlain, release, shapes, params } = heldPair(3, 1);
    // A new first-layer bias: every later layer's input changes, though their weights do not.
    const bias = tf.tensor(normalArray(rng, spec.width, 1), shapes[1]);
    const moved = [params[0]!, bias, ...params.slice(2)];
    const out = (s: ModelSpec, ps: tf.Tensor[], input: tf.Tensor2D) =>
      tf.tidy(() => bits([fcnModel.forward(s, ps, input)])[0]);
    // Inside a first pass a kept product serves; a forward outside one keeps its products.
    const served = (s: ModelSpec, ps: tf.Tensor[]) => unreadWeightGradients(() => out(s, ps, x));
    const laterProducts = async (f: () => void): Promise<number> => {
      const profile = await tf.profile(f);
      return profile.kernels.filter(
        (k) => k.name === 'BatchMatMul' && k.inputShapes[0]?.join('x') === `${M}x${spec.width}`,
      ).length;
    };
    const tanhSpec: ModelSpec = { ...spec, activation: 'tanh' };
    // Each forward agrees with the unheld one, whatever was kept before it: other upstream
    // parameters, another activation, or the first ones again.
    out(spec, params, x);
    expect(served(spec, moved)).toEqual(out(spec, moved, xPlain));
    out(spec, moved, x);
    expect(served(tanhSpec, moved)).toEqual(out(tanhSpec, moved, xPlain));
    expect(served(spec, params)).toEqual(out(spec, params, xPlain));
    expect(served(spec, params)).toEqual(out(spec, params, xPlain));
    // Outside an HVP's first pass the products run (and are kept); inside it, the kept ones serve.
    expect(await laterProducts(() => tf.dispose(fcnModel.forward(spec, params, x)))).toBe(2);
    const firstPassForward = () =>
      unreadWeightGradients(() => tf.dispose(fcnModel.forward(spec, params, x)));
    expect(await laterProducts(firstPassForward)).toBe(0);
    const n = tf.memory().numTensors;
    release();
    // The transpose, the kept x·W₁ and the later products of both activations (2 each) go.
    expect(tf.memory().numTensors).toBe(n - 6);
    tf.dispose([x, xPlain, ...params, bias]);
  });

  it("shares a first pass's backward products only for the same loss at the same parameters", async () => {
    await initNodeBackend('cpu');
    const before = tf.memory().numTensors;
    const { rng, x, xPlain, release, shapes, params } = heldPair(5, 2);
    // Another readout weight: the layers below see the same input but another dy.
    const readout = tf.tensor(
      normalArray(
        rng,
        shapes[4]!.reduce((a, b) => a * b, 1),
        1,
      ),
      shapes[4],
    );
    const moved = [...params.slice(0, 4), readout, params[5]!];
    const v = params.map((p) => tf.tensor(normalArray(rng, p.size, 1), p.shape));
    const ys = [0, 1].map(() => tf.tensor2d(normalArray(rng, M * 4, 1), [M, 4]));
    const hvps = (input: tf.Tensor2D) =>
      ys.map((y) =>
        makeHvp(
          (ps) => tf.losses.meanSquaredError(y, fcnModel.forward(spec, ps, input)) as tf.Scalar,
        ),
      );
    const held = hvps(x);
    const plain = hvps(xPlain);
    const hv = (f: ReturnType<typeof makeHvp>, ps: tf.Tensor[]) => tf.tidy(() => bits(f(ps, v)));
    // Each agrees with the unheld HVP whatever ran before it: another loss at the same
    // parameters, other downstream parameters under the same loss, or the first ones again.
    for (const [i, ps] of [
      [0, params],
      [0, params],
      [1, params],
      [0, moved],
      [0, params],
    ] as const)
      expect(hv(held[i]!, [...ps])).toEqual(hv(plain[i]!, [...ps]));
    release();
    tf.dispose([x, xPlain, ...params, readout, ...v, ...ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is held by an FCN column for its life, and by no conv-net column', async () => {
    await initNodeBackend('cpu');
    const prepared = prepareData(syntheticDataset({ count: 32, seed: 0 }), 32);
    if (!prepared.ok) throw new Error(prepared.error);
    const settings = { ...cloneDefaults(), trainSize: 32, measureSize: 16, batch: 8, steps: 2 };
    const column = (model: 'fcn' | 'myrtle', depth: number) =>
      uploadFcnColumn({
        settings,
        data: prepared.value,
        depth,
        width: 4,
        seed: 0,
        model: { kind: model },
      });
    const fcn = column('fcn', 2);
    expect(isHeld(fcn.xM)).toBe(true);
    fcn.dispose();
    expect(isHeld(fcn.xM)).toBe(false);
    const cnn = column('myrtle', 5);
    expect(isHeld(cnn.xM)).toBe(false);
    cnn.dispose();
  });
});
