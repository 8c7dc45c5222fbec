import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { createRng, normalArray } from '../random/prng';
import { forward, initParams, paramShapes, paramsToTensors, type ModelSpec } from './model';
import { loss } from './loss';
import {
  batchedParamShapes,
  ensembleLoss,
  forwardBatched,
  lossPerMember,
  stackParams,
  tileParams,
} from './batchedModel';
import { flatten, makeHvp } from '../hessian/hvp';
import { flattenBatched, makeBatchedFlatHvp, unflattenBatched } from '../hessian/batchedHvp';
import type { Activation, LossName, Parameterisation } from '../settings/schema';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

const E = 3;
const BATCH = 9;

function spec(
  activation: Activation,
  param: Parameterisation,
  bias: boolean,
  depth = 3,
): ModelSpec {
  return {
    kind: 'fcn',
    depth,
    width: 6,
    inputDim: 5,
    numClasses: 4,
    activation,
    param,
    readout: 'normal',
    bias,
  };
}

/** E members with different parameters (biases non-zero so that they matter). */
function memberParams(sp: ModelSpec): Float32Array[][] {
  const shapes = paramShapes(sp);
  return Array.from({ length: E }, (_, e) => {
    const rng = createRng(e, 'bias');
    return initParams(sp, 10 + e).map((p, i) =>
      shapes[i]!.length === 1 ? normalArray(rng, p.length, 0.3) : p,
    );
  });
}

function data(sp: ModelSpec): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = createRng(5, 'data');
  const y = new Float32Array(BATCH * sp.numClasses);
  for (let b = 0; b < BATCH; b++) y[b * sp.numClasses + rng.int(sp.numClasses)] = 1;
  return {
    x: tf.tensor2d(normalArray(rng, BATCH * sp.inputDim, 1), [BATCH, sp.inputDim]),
    y: tf.tensor2d(y, [BATCH, sp.numClasses]),
  };
}

/** Read a tensor made by `fn` and dispose it. */
function read<T extends tf.Tensor>(fn: () => T): ReturnType<T['arraySync']> {
  const t = tf.tidy(fn);
  const v = t.arraySync() as ReturnType<T['arraySync']>;
  t.dispose();
  return v;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

const CASES: [Activation, Parameterisation, boolean, number][] = [
  ['relu', 'sp', false, 3],
  ['tanh', 'ntk', true, 3],
  ['linear', 'mup', true, 2],
  ['relu', 'ntk', false, 1],
];

describe('forwardBatched', () => {
  for (const [act, param, bias, depth] of CASES) {
    it(`${act}/${param}/bias=${bias}/d=${depth}: equals forward() per member`, () => {
      const sp = spec(act, param, bias, depth);
      const before = tf.memory().numTensors;
      const { x, y } = data(sp);
      const members = memberParams(sp).map((ps) => paramsToTensors(sp, ps));
      const stacked = stackParams(members);
      expect(stacked.map((t) => t.shape)).toEqual(batchedParamShapes(sp, E));
      const out = tf.tidy(() => forwardBatched(sp, stacked, x));
      expect(out.shape).toEqual([E, BATCH, sp.numClasses]);
      const got = out.arraySync();
      // Per-member plain matMuls (the wasm default) compute the same outputs.
      const split = read(() =>
        forwardBatched(sp, stacked, x, { splitMatMul: true }),
      ) as number[][][];
      expect(maxRelDiff(split.flat(2), got.flat(2))).toBeLessThan(1e-6);
      for (let e = 0; e < E; e++) {
        const want = read(() => forward(sp, members[e]!, x)) as number[][];
        expect(maxRelDiff(got[e]!.flat(), want.flat())).toBeLessThan(1e-6);
      }
      for (const name of ['mse', 'xent'] as LossName[]) {
        const per = read(() => lossPerMember(name, out, y)) as number[];
        const total = read(() => ensembleLoss(name, out, y)) as number;
        let sum = 0;
        for (let e = 0; e < E; e++) {
          const want = read(() => loss(name, forward(sp, members[e]!, x), y)) as number;
          expect(per[e]).toBeCloseTo(want, 6);
          sum += want;
        }
        expect(total).toBeCloseTo(sum, 5);
      }
      tf.dispose([x, y, out, ...stacked, ...members.flat()]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('tileParams gives E identical copies', () => {
    const sp = spec('relu', 'sp', true);
    const ps = paramsToTensors(sp, initParams(sp, 3));
    const tiled = tileParams(ps, E);
    expect(tiled.map((t) => t.shape)).toEqual(batchedParamShapes(sp, E));
    const row = read(() => flatten(ps)) as number[];
    const rows = read(() => flattenBatched(tiled)) as number[][];
    for (const r of rows) expect(r).toEqual(row);
    tf.dispose([...ps, ...tiled]);
  });

  it('rejects the uv model and wrongly shaped parameters', () => {
    const uv: ModelSpec = { ...spec('relu', 'sp', false), kind: 'uv' };
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => forwardBatched(uv, [], x)).toThrow(/FCN/);
    const sp = spec('relu', 'sp', false);
    const bad = paramsToTensors(sp, initParams(sp, 1)); // no leading E axis
    expect(() => tf.tidy(() => forwardBatched(sp, bad, x))).toThrow(/shape/);
    tf.dispose([x, ...bad]);
  });
});

describe('batched HVP (block-diagonal Hessian of Σ_e L_e)', () => {
  for (const [act, param, bias, depth] of CASES) {
    for (const name of ['mse', 'xent'] as LossName[]) {
      it(`${act}/${param}/bias=${bias}/d=${depth}/${name}: rows equal per-member makeHvp to 1e-6`, () => {
        const sp = spec(act, param, bias, depth);
        const before = tf.memory().numTensors;
        const { x, y } = data(sp);
        const members = memberParams(sp).map((ps) => paramsToTensors(sp, ps));
        const stacked = stackParams(members);
        const P = paramShapes(sp).reduce((a, s) => a + s.reduce((u, v) => u * v, 1), 0);
        const vHost = normalArray(createRng(7, 'direction'), E * P, 1);
        const v = tf.tensor2d(vHost, [E, P]);
        // Odd cases use per-member plain matMuls (the wasm default), even ones one batched matMul.
        const splitMatMul = depth % 2 === 1;
        const hvp = makeBatchedFlatHvp(
          (ps) => ensembleLoss(name, forwardBatched(sp, ps, x, { splitMatMul }), y),
          stacked,
        );
        const hv = hvp(v, [0, 1, 2]);
        const got = hv.arraySync();
        // A subset of members: their rows alone, from their own gathered parameters.
        const sub = read(() =>
          hvp(tf.gather(v, tf.tensor1d([0, 2], 'int32')), [0, 2]),
        ) as number[][];
        expect(maxRelDiff(sub[0]!, got[0]!)).toBeLessThan(1e-6);
        // One member alone (E = 1 has its own matMul path in split mode).
        const one = read(() => hvp(tf.slice(v, [1, 0], [1, P]), [1])) as number[][];
        expect(maxRelDiff(one[0]!, got[1]!)).toBeLessThan(1e-6);
        expect(maxRelDiff(sub[1]!, got[2]!)).toBeLessThan(1e-6);
        const single = makeHvp((ps) => loss(name, forward(sp, ps, x), y));
        const shapes = paramShapes(sp);
        for (let e = 0; e < E; e++) {
          const want = tf.tidy(() => {
            const ve = unflattenBatched(
              tf.tensor2d(vHost.subarray(e * P, (e + 1) * P), [1, P]),
              shapes,
            ).map((t) => tf.squeeze(t, [0]));
            return flatten(single(members[e]!, ve));
          });
          expect(maxRelDiff(got[e]!, want.dataSync())).toBeLessThan(1e-6);
          want.dispose();
        }
        tf.dispose([x, y, v, hv, ...stacked, ...members.flat()]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
