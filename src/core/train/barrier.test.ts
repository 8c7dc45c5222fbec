import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { createFcnColumn } from './fcnColumn';
import { createUvColumn } from './uvColumn';
import { BARRIER_TAUS, barrierFromLosses, hasBarrier, pathLosses } from './barrier';

describe('barrierFromLosses', () => {
  it('height is the highest point after τ = 0 above L_0, with its τ', () => {
    const b = barrierFromLosses([1, 0.8, 1.3, 1.1, 0.5], 1);
    expect(b.height).toBeCloseTo(0.3, 12);
    expect(b.tauAtMax).toBe(0.5);
    expect(hasBarrier(b)).toBe(true);
  });

  it('a line that only falls has no barrier; its height is how far below L_0 it stays', () => {
    const b = barrierFromLosses([1, 0.9, 0.7, 0.4], 1);
    expect(hasBarrier(b)).toBe(false);
    expect(b.height).toBeCloseTo(-0.1, 12);
    expect(b.tauAtMax).toBeCloseTo(1 / 3, 12);
  });

  it('τ = 0 rounding above L_0 is not a barrier; a non-finite point is one', () => {
    expect(hasBarrier(barrierFromLosses([1 + 1e-7, 0.9, 0.5], 1))).toBe(false);
    const b = barrierFromLosses([1, 0.9, NaN, 0.5], 1);
    expect(b.height).toBe(Infinity);
    expect(b.tauAtMax).toBeCloseTo(2 / 3, 12);
    expect(b.losses[2]).toBeNull();
  });

  it('needs two points', () => {
    expect(() => barrierFromLosses([1], 1)).toThrow(/at least 2 points/);
  });

  it('the τ grid is 0, 0.01, …, 1 exactly', () => {
    expect(BARRIER_TAUS.length).toBe(101);
    expect(BARRIER_TAUS[0]).toBe(0);
    expect(BARRIER_TAUS[37]).toBe(0.37);
    expect(BARRIER_TAUS[100]).toBe(1);
  });
});

describe('pathLosses', () => {
  beforeAll(async () => {
    await initNodeBackend('cpu');
  });

  it('is the loss at each (1 − τ)θ_0 + τθ_T, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const a = [tf.tensor1d([1, 2]), tf.tensor1d([0])];
    const b = [tf.tensor1d([3, -2]), tf.tensor1d([4])];
    // L = Σ θ² over all parameters: at τ, (1+2τ)² + (2−4τ)² + (4τ)².
    const lossOf = (p: tf.Tensor[]) => tf.addN(p.map((x) => tf.sum(tf.square(x)))) as tf.Scalar;
    const got = await pathLosses(lossOf, a, b, [0, 0.25, 1]);
    const want = [0, 0.25, 1].map((t) => (1 + 2 * t) ** 2 + (2 - 4 * t) ** 2 + (4 * t) ** 2);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    tf.dispose([...a, ...b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('barrier of a run', () => {
  let data: PreparedData;
  beforeAll(async () => {
    await initNodeBackend('cpu');
    const prepared = prepareData(syntheticDataset({ count: 96, seed: 1 }), 96);
    if (!prepared.ok) throw new Error(prepared.error);
    data = prepared.value;
  });

  /** The linear model (depth 1: one Dense readout), MSE: a quadratic loss in θ. */
  function linear(): Settings {
    const s = cloneDefaults();
    s.dataset = 'synthetic';
    s.depths = [1];
    s.widths = [8];
    s.trainSize = 96;
    s.measureSize = 96;
    // Full batch: the SGD loss is the measurement loss, so c < 2 cannot raise it.
    s.batch = 96;
    s.steps = 4;
    s.lanczosTol = 1e-5;
    s.lanczosMaxIters = 64;
    return s;
  }

  it('linear model (quadratic loss): a barrier exactly when L_T > L_0, at τ = 1', async () => {
    const col = await createFcnColumn({
      settings: linear(),
      data,
      depth: 1,
      width: 8,
      seed: 0,
      measures: { barrier: true, saturationK: 0 },
    });
    let withBarrier = 0;
    let without = 0;
    for (const c of [0.5, 1.5, 1.9, 2.05, 2.2, 3]) {
      const r = (await col.run(
        c,
        () => {},
        () => false,
      ))!;
      expect(r.diverged).toBe(false);
      const b = r.barrier!;
      const lossT = r.loss[r.loss.length - 1]!;
      // The curve's ends are L_0 and L_T.
      expect(b.losses[0]!).toBeCloseTo(r.loss0, 5);
      expect(b.losses[100]! / lossT).toBeCloseTo(1, 4);
      expect(hasBarrier(b), `c = ${c}: L_T/L_0 = ${lossT / r.loss0}`).toBe(lossT > r.loss0);
      if (hasBarrier(b)) {
        withBarrier++;
        // A convex parabola peaks on [0, 1] at an end point.
        expect(b.tauAtMax).toBe(1);
      } else without++;
    }
    // Both cases were exercised.
    expect(withBarrier).toBeGreaterThan(0);
    expect(without).toBeGreaterThan(0);
    col.dispose();
  });

  it('a diverged run has no barrier; the off switch leaves it null', async () => {
    const col = await createFcnColumn({
      settings: linear(),
      data,
      depth: 1,
      width: 8,
      seed: 0,
      measures: { barrier: false, saturationK: 0 },
    });
    expect(
      (await col.run(
        1,
        () => {},
        () => false,
      ))!.barrier,
    ).toBeNull();
    expect(
      (await col.run(
        1e4,
        () => {},
        () => false,
      ))!.barrier,
    ).toBeNull();
    col.dispose();
  });

  it('uv model: the curve starts at L_0 and ends at L_T; c < 2 crosses none', async () => {
    const col = createUvColumn({ width: 512, seed: 3, steps: 10, divergenceLoss: 1e5 });
    const low = (await col.run(
      1,
      () => {},
      () => false,
    ))!;
    expect(low.barrier!.losses[0]).toBeCloseTo(low.loss0, 12);
    expect(low.barrier!.losses[100]).toBeCloseTo(low.loss.at(-1)!, 12);
    expect(hasBarrier(low.barrier!)).toBe(false);
  });
});
