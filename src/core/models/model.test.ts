import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import {
  forward,
  initParams,
  paramCount,
  paramShapes,
  paramsToTensors,
  type ModelSpec,
} from './model';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

const base: ModelSpec = {
  kind: 'fcn',
  depth: 3,
  width: 512,
  inputDim: 784,
  numClasses: 10,
  activation: 'relu',
  param: 'sp',
  readout: 'normal',
  bias: false,
};

function stats(a: Float32Array): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / a.length;
  return { mean, variance: s2 / a.length - mean * mean, maxAbs };
}

describe('paramShapes', () => {
  it('FCN without and with biases', () => {
    expect(paramShapes({ ...base, depth: 3, width: 8, inputDim: 5 })).toEqual([
      [5, 8],
      [8, 8],
      [8, 10],
    ]);
    expect(paramShapes({ ...base, depth: 2, width: 8, inputDim: 5, bias: true })).toEqual([
      [5, 8],
      [8],
      [8, 10],
      [10],
    ]);
    expect(paramShapes({ ...base, depth: 1, inputDim: 5 })).toEqual([[5, 10]]);
    expect(paramCount({ ...base, depth: 2, width: 8, inputDim: 5, bias: true })).toBe(
      40 + 8 + 80 + 10,
    );
  });

  it('uv model', () => {
    expect(paramShapes({ ...base, kind: 'uv', width: 6, inputDim: 1, numClasses: 1 })).toEqual([
      [6],
      [6],
    ]);
  });

  it('rejects a bad spec', () => {
    expect(() => paramShapes({ ...base, depth: 0 })).toThrow();
    expect(() => paramShapes({ ...base, width: 2.5 })).toThrow();
  });
});

describe('initParams', () => {
  it('SP relu: hidden N(0, 2/fan_in), readout N(0, 1/fan_in), untruncated', () => {
    const [w1, w2, w3] = initParams(base, 0);
    const s1 = stats(w1!);
    const sigma1 = Math.sqrt(2 / 784);
    expect(Math.abs(s1.mean)).toBeLessThan((3 * sigma1) / Math.sqrt(w1!.length));
    // 401k draws: the variance estimate has relative sd sqrt(2/n) ≈ 0.2 %.
    expect(s1.variance / (2 / 784)).toBeCloseTo(1, 1);
    expect(Math.abs(s1.variance / (2 / 784) - 1)).toBeLessThan(0.01);
    // tfjs's truncatedNormal/varianceScaling never exceeds 2σ; an untruncated normal does
    // (4.55 % of draws beyond 2σ, some beyond 4σ at this size).
    let beyond2 = 0;
    for (const v of w1!) if (Math.abs(v) > 2 * sigma1) beyond2++;
    expect(beyond2 / w1!.length).toBeGreaterThan(0.04);
    expect(beyond2 / w1!.length).toBeLessThan(0.051);
    expect(s1.maxAbs).toBeGreaterThan(4 * sigma1);
    expect(Math.abs(stats(w2!).variance / (2 / 512) - 1)).toBeLessThan(0.01);
    expect(Math.abs(stats(w3!).variance / (1 / 512) - 1)).toBeLessThan(0.1);
  });

  it('tanh and linear hidden layers use σ² = 1', () => {
    for (const activation of ['tanh', 'linear'] as const) {
      const [w1] = initParams({ ...base, depth: 2, activation }, 0);
      expect(Math.abs(stats(w1!).variance / (1 / 784) - 1)).toBeLessThan(0.01);
    }
  });

  it('NTK: all weights N(0, 1)', () => {
    const [w1, w2] = initParams({ ...base, depth: 2, param: 'ntk' }, 0);
    expect(Math.abs(stats(w1!).variance - 1)).toBeLessThan(0.01);
    expect(Math.abs(stats(w2!).variance - 1)).toBeLessThan(0.1);
  });

  it('zero readout, zero biases', () => {
    const ps = initParams({ ...base, depth: 2, width: 16, readout: 'zero', bias: true }, 0);
    expect(ps.map((p) => p.length)).toEqual([784 * 16, 16, 160, 10]);
    expect(stats(ps[0]!).variance).toBeGreaterThan(0);
    for (const i of [1, 2, 3]) expect(ps[i]!.every((v) => v === 0)).toBe(true);
  });

  it('uv: u, v ~ N(0, 1)', () => {
    const [u, v] = initParams({ ...base, kind: 'uv', width: 20000, inputDim: 1, numClasses: 1 }, 3);
    expect(u!.length).toBe(20000);
    expect(Math.abs(stats(u!).variance - 1)).toBeLessThan(0.05);
    expect(Math.abs(stats(v!).variance - 1)).toBeLessThan(0.05);
  });

  it('is deterministic in the seed', () => {
    const spec = { ...base, depth: 2, width: 32, inputDim: 20 };
    const a = initParams(spec, 42);
    const b = initParams(spec, 42);
    const c = initParams(spec, 43);
    a.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(b[i]!)));
    expect(Array.from(a[0]!)).not.toEqual(Array.from(c[0]!));
  });
});

describe('forward', () => {
  const small: ModelSpec = { ...base, depth: 3, width: 16, inputDim: 8, numClasses: 4 };
  const x = (): tf.Tensor2D => tf.randomNormal([5, 8], 0, 1, 'float32', 9) as tf.Tensor2D;

  function run(spec: ModelSpec, params: Float32Array[]): Float32Array {
    return tf.tidy(
      () => forward(spec, paramsToTensors(spec, params), x()).dataSync() as Float32Array,
    );
  }

  it('output shape; NTK with its weights equals SP with the scaled weights', () => {
    for (const activation of ['relu', 'tanh'] as const) {
      const sp = { ...small, activation };
      const ntk = { ...sp, param: 'ntk' as const };
      // Same rng stream and order: SP weights are exactly the NTK draws times sqrt(σ²/fan_in).
      const outSp = run(sp, initParams(sp, 5));
      const outNtk = run(ntk, initParams(ntk, 5));
      expect(outSp.length).toBe(5 * 4);
      outSp.forEach((v, i) => expect(Math.abs(v - outNtk[i]!)).toBeLessThan(1e-5));
    }
  });

  it('µP readout scales the SP output by 1/sqrt(width)', () => {
    const params = initParams(small, 5);
    const outSp = run(small, params);
    const outMup = run({ ...small, param: 'mup' }, params);
    outSp.forEach((v, i) => expect(outMup[i]!).toBeCloseTo(v / 4, 5));
  });

  it('zero readout gives f = 0; biases shift the output', () => {
    const spec = { ...small, readout: 'zero' as const, bias: true };
    const params = initParams(spec, 1);
    expect(run(spec, params).every((v) => v === 0)).toBe(true);
    params[5]!.fill(0.5);
    expect(run(spec, params).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
  });

  it('uv: f(x) = vᵀu x / sqrt(w)', () => {
    const spec: ModelSpec = { ...base, kind: 'uv', width: 4, inputDim: 1, numClasses: 1 };
    const params = [new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, -1, 2])];
    const out = tf.tidy(() =>
      Array.from(
        forward(spec, paramsToTensors(spec, params), tf.tensor2d([1, -2], [2, 1])).dataSync(),
      ),
    );
    expect(out[0]).toBeCloseTo(6 / 2, 6);
    expect(out[1]).toBeCloseTo(-6, 6);
  });
});
