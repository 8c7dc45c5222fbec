import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { registerGradientFixes } from '../tf/gradients';
import { makeHvp } from '../hessian/hvp';
import { convNetHvp64 } from '../hessian/reference64Conv';
import { createRng, normalArray } from '../random/prng';
import { loss } from './loss';
import { forward, initParams, paramCount, paramShapes, type ModelSpec } from './model';
import { myrtleNet } from './myrtle';
import { resnetNet } from './resnet';
import { convNetMacs } from './convNet';
import { modelDefinition } from './registry';
import { depthIssue, MODEL_KINDS, modelInfo, settingApplies } from './kinds';

beforeAll(async () => {
  expect(await initNodeBackend('cpu')).toBe('cpu');
  registerGradientFixes();
});

function spec(over: Partial<ModelSpec>): ModelSpec {
  return {
    kind: 'myrtle',
    depth: 5,
    width: 8,
    inputDim: 32 * 32 * 3,
    input: [32, 32, 3],
    numClasses: 10,
    activation: 'relu',
    param: 'sp',
    readout: 'normal',
    bias: false,
    ...over,
  };
}

describe('Myrtle architecture', () => {
  it('Myrtle-5 on 32×32×3: 4 convs of w channels, 5 pools down to 1×1, Dense(w → 10)', () => {
    expect(paramShapes(spec({}))).toEqual([
      [3, 3, 3, 8],
      [3, 3, 8, 8],
      [3, 3, 8, 8],
      [3, 3, 8, 8],
      [8, 10],
    ]);
    const pools = myrtleNet({ depth: 5, width: 8, input: [32, 32, 3], numClasses: 10 }).ops.filter(
      (o) => o.op === 'avgPool',
    );
    expect(pools).toHaveLength(5);
  });

  it('pools follow blocks {1,2,3} / {1,3,5} / {2,5,8}; on 28×28 the last extra pool is dropped', () => {
    const order = (depth: number, input: [number, number, number]): string[] =>
      myrtleNet({ depth, width: 4, input, numClasses: 10 }).ops.map((o) => o.op);
    const blocksThenPools = (depth: number, after: number[], extra: number): string[] => {
      const out: string[] = [];
      for (let i = 0; i < depth - 1; i++) {
        out.push('conv', 'relu');
        if (after.includes(i)) out.push('avgPool');
      }
      for (let k = 0; k < extra; k++) out.push('avgPool');
      return [...out, 'flatten', 'dense'];
    };
    expect(order(5, [32, 32, 3])).toEqual(blocksThenPools(5, [1, 2, 3], 2));
    expect(order(7, [32, 32, 3])).toEqual(blocksThenPools(7, [1, 3, 5], 2));
    expect(order(10, [32, 32, 3])).toEqual(blocksThenPools(10, [2, 5, 8], 2));
    // 28 → 14 → 7 → 3 → 1: one extra pool only.
    expect(order(5, [28, 28, 1])).toEqual(blocksThenPools(5, [1, 2, 3], 1));
    expect(paramShapes(spec({ input: [28, 28, 1], inputDim: 784 })).at(-1)).toEqual([8, 10]);
  });

  it('rejects depths other than 5, 7, 10 and images too small for the pools', () => {
    expect(() => paramShapes(spec({ depth: 6 }))).toThrow(/5, 7, 10/);
    expect(() => paramShapes(spec({ depth: 10, input: [4, 4, 1], inputDim: 16 }))).toThrow(
      /too small/,
    );
    expect(() => paramShapes(spec({ input: undefined as never }))).toThrow(/image shape/);
    expect(() => paramShapes(spec({ inputDim: 100 }))).toThrow(/does not match/);
  });

  it('init: conv kernels N(0, 2/(9·C_in)) untruncated, readout N(0, 1/fan_in), zero readout', () => {
    const s = spec({ width: 64 });
    const params = initParams(s, 3);
    const conv = params[1]!;
    const std = Math.sqrt(conv.reduce((a, x) => a + x * x, 0) / conv.length);
    expect(std / Math.sqrt(2 / (9 * 64))).toBeCloseTo(1, 1);
    const max = conv.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    expect(max / Math.sqrt(2 / (9 * 64))).toBeGreaterThan(3); // a truncated normal stops at 2σ
    const readout = params.at(-1)!;
    const rstd = Math.sqrt(readout.reduce((a, x) => a + x * x, 0) / readout.length);
    expect(rstd / Math.sqrt(1 / 64)).toBeGreaterThan(0.8);
    expect(rstd / Math.sqrt(1 / 64)).toBeLessThan(1.2);
    const zero = initParams({ ...s, readout: 'zero' }, 3);
    expect(zero.at(-1)!.every((x) => x === 0)).toBe(true);
    expect(Array.from(zero[0]!)).toEqual(Array.from(params[0]!));
    expect(Array.from(initParams(s, 4)[0]!)).not.toEqual(Array.from(params[0]!));
  });
});

describe('ResNet architecture', () => {
  const rs = (over: Partial<ModelSpec>): ModelSpec => spec({ kind: 'resnet', depth: 18, ...over });

  it('ResNet-18 at w = 64 on 224×224×3 has the convs of torchvision resnet18 (no BN), 10 classes', () => {
    // torchvision resnet18: 11 689 512 parameters = convs + 9 600 BN + 513 000 fc (1000 classes).
    const convs = 11_689_512 - 9_600 - 513_000;
    expect(paramCount(rs({ width: 64, input: [224, 224, 3], inputDim: 224 * 224 * 3 }))).toBe(
      convs + 64 * 8 * 10 + 10,
    );
  });

  it('stages, projections and stems', () => {
    const net = resnetNet({
      depth: 34,
      width: 4,
      input: [32, 32, 3],
      numClasses: 10,
      stem: 'imagenet',
    });
    const blocks = net.ops.filter((o) => o.op === 'residual');
    expect(blocks).toHaveLength(16);
    // A projection in the first block of stages 2–4 only.
    const projected = blocks.map((b) => (b.op === 'residual' ? b.shortcut.length : -1));
    expect(projected).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(net.ops.slice(0, 3).map((o) => o.op)).toEqual(['conv', 'relu', 'maxPool']);
    expect(net.paramShapes[0]).toEqual([7, 7, 3, 4]);
    expect(net.paramShapes.at(-2)).toEqual([32, 10]);
    const cifar = resnetNet({
      depth: 18,
      width: 4,
      input: [32, 32, 3],
      numClasses: 10,
      stem: 'cifar',
    });
    expect(cifar.paramShapes[0]).toEqual([3, 3, 3, 4]);
    expect(cifar.ops.slice(0, 3).map((o) => o.op)).toEqual(['conv', 'relu', 'residual']);
    expect(() => paramShapes(rs({ depth: 50 }))).toThrow(/18, 34/);
  });

  it('init: every kernel N(0, 1/fan_in), bias 0, zero readout zeroes the kernel only', () => {
    const s = rs({ width: 16 });
    const shapes = paramShapes(s);
    const params = initParams(s, 1);
    const proj = shapes.findIndex((sh) => sh[0] === 1);
    for (const i of [0, 3, proj]) {
      const p = params[i]!;
      const sh = shapes[i]!;
      const fanIn = sh[0]! * sh[1]! * sh[2]!;
      const std = Math.sqrt(p.reduce((a, x) => a + x * x, 0) / p.length);
      expect(std * Math.sqrt(fanIn)).toBeGreaterThan(0.85);
      expect(std * Math.sqrt(fanIn)).toBeLessThan(1.15);
    }
    expect(params.at(-1)!.every((x) => x === 0)).toBe(true);
    expect(params.at(-2)!.some((x) => x !== 0)).toBe(true);
    const zero = initParams({ ...s, readout: 'zero' }, 1);
    expect(zero.at(-2)!.every((x) => x === 0)).toBe(true);
  });
});

/** tfjs HVP of a registry model vs the float64 reference of the same program. */
async function registryHvpError(
  s: ModelSpec,
  net: Parameters<typeof convNetHvp64>[0],
  batch: number,
) {
  const params64 = initParams(s, 5);
  const rng = createRng(9, 'test');
  const x = normalArray(rng, batch * s.inputDim, 1);
  const y = normalArray(rng, batch * s.numClasses, 1);
  const v = paramShapes(s).map((sh) =>
    normalArray(
      rng,
      sh.reduce((a, b) => a * b, 1),
      1,
    ),
  );
  const ref = convNetHvp64(net, params64, v, x, y, batch);
  const shapes = paramShapes(s);
  const ps = params64.map((p, i) => tf.tensor(p, shapes[i]));
  const vs = v.map((p, i) => tf.tensor(p, shapes[i]));
  const xt = tf.tensor2d(x, [batch, s.inputDim]);
  const yt = tf.tensor2d(y, [batch, s.numClasses]);
  const hv = makeHvp((p) => loss('mse', forward(s, p, xt), yt))(ps, vs);
  const got = hv.flatMap((t) => Array.from(t.dataSync()));
  tf.dispose([...ps, ...vs, xt, yt, ...hv]);
  const want = ref.hvp.flatMap((a) => Array.from(a));
  let num = 0;
  let den = 0;
  want.forEach((w, i) => {
    num += (got[i]! - w) ** 2;
    den += w * w;
  });
  return Math.sqrt(num / den);
}

describe('registry models: exact HVPs against float64', () => {
  it('Myrtle-5 (8×8×1, w = 3)', async () => {
    const s = spec({ width: 3, input: [8, 8, 1], inputDim: 64 });
    const net = myrtleNet({ depth: 5, width: 3, input: [8, 8, 1], numClasses: 10 });
    expect(await registryHvpError(s, net, 2)).toBeLessThan(1e-5);
  });

  it('ResNet-18, ImageNet stem (8×8×1, w = 1)', async () => {
    const s = spec({ kind: 'resnet', depth: 18, width: 1, input: [8, 8, 1], inputDim: 64 });
    const net = resnetNet({
      depth: 18,
      width: 1,
      input: [8, 8, 1],
      numClasses: 10,
      stem: 'imagenet',
    });
    expect(await registryHvpError(s, net, 2)).toBeLessThan(1e-5);
  });

  it('ResNet-18, CIFAR stem (4×4×2, w = 1)', async () => {
    const s = spec({
      kind: 'resnet',
      depth: 18,
      width: 1,
      input: [4, 4, 2],
      inputDim: 32,
      stem: 'cifar',
    });
    const net = resnetNet({ depth: 18, width: 1, input: [4, 4, 2], numClasses: 10, stem: 'cifar' });
    expect(await registryHvpError(s, net, 2)).toBeLessThan(1e-5);
  });

  it('zero readout: f = 0, so L_0 = ½·mean (0 − y)² = 0.05 for one-hot y over 10 classes', () => {
    for (const kind of ['myrtle', 'resnet'] as const) {
      const s = spec({
        kind,
        depth: kind === 'myrtle' ? 5 : 18,
        width: 2,
        readout: 'zero',
        input: [8, 8, 1],
        inputDim: 64,
      });
      const shapes = paramShapes(s);
      const ps = initParams(s, 0).map((p, i) => tf.tensor(p, shapes[i]));
      const x = tf.randomNormal([4, 64], 0, 1, 'float32', 1) as tf.Tensor2D;
      const y = tf.oneHot(tf.tensor1d([0, 3, 9, 4], 'int32'), 10).toFloat() as tf.Tensor2D;
      const l = tf.tidy(() => loss('mse', forward(s, ps, x), y).dataSync()[0]!);
      expect(Math.abs(l - 0.05)).toBeLessThan(1e-7);
      tf.dispose([...ps, x, y]);
    }
  });
});

describe('FLOP counts of conv nets', () => {
  it('Myrtle-5 on 32×32×3 at w = 8: per example 2·(Σ H·W·9·C_in·C_out + dense)', () => {
    const s = spec({});
    const macs =
      32 * 32 * 9 * 3 * 8 + 32 * 32 * 9 * 64 + 16 * 16 * 9 * 64 + 8 * 8 * 9 * 64 + 8 * 10;
    expect(modelDefinition('myrtle').productFlops(s, 7)).toEqual({
      all: 2 * 7 * macs,
      notFirst: 2 * 7 * (macs - 32 * 32 * 9 * 3 * 8),
    });
  });

  it('ResNet counts the stride-2 convs at the output size and the projections', () => {
    const net = resnetNet({
      depth: 18,
      width: 4,
      input: [16, 16, 1],
      numClasses: 10,
      stem: 'cifar',
    });
    const m = convNetMacs(net);
    // stem 16²·9·1·4; stage 1: 4 convs 16²·9·16; stage 2: 8²·9·(4·8 + 3·64) + 8²·4·8; …
    const stage = (hw: number, cin: number, c: number): number =>
      hw * hw * 9 * cin * c + 3 * hw * hw * 9 * c * c + (cin === c ? 0 : hw * hw * cin * c);
    const expected =
      16 * 16 * 9 * 4 +
      stage(16, 4, 4) +
      stage(8, 4, 8) +
      stage(4, 8, 16) +
      stage(2, 16, 32) +
      32 * 10;
    expect(m.total).toBe(expected);
    expect(m.first).toBe(16 * 16 * 9 * 4);
  });
});

describe('model kinds', () => {
  it('every kind has a definition and facts; settings applicability and depth rules', () => {
    for (const k of MODEL_KINDS) {
      expect(modelDefinition(k).kind).toBe(k);
      expect(modelInfo(k).label.length).toBeGreaterThan(0);
    }
    expect(settingApplies('fcn', 'activation')).toBe(true);
    expect(settingApplies('myrtle', 'activation')).toBe(false);
    expect(settingApplies('resnet', 'readout')).toBe(true);
    expect(depthIssue('myrtle', 7)).toBeNull();
    expect(depthIssue('resnet', 20)).toMatch(/18, 34/);
    expect(depthIssue('fcn', 0)).toMatch(/≥ 1/);
    expect(depthIssue('uv', 99)).toBeNull();
  });
});
