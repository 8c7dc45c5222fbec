import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { createFcnColumn } from './fcnColumn';
import { createFcnEnsembleColumn } from './ensembleColumn';
import { createUvColumn } from './uvColumn';
import { saturationStep } from './saturation';
import { capabilitiesOf } from '../tf/capabilities';
import type { RawRun } from './column';

describe('saturationStep', () => {
  it('is round(K/c), at least 1', () => {
    expect(saturationStep(1, 100)).toBe(100);
    expect(saturationStep(3, 100)).toBe(33);
    expect(saturationStep(2 ** 0.1, 100)).toBe(93);
    expect(saturationStep(400, 100)).toBe(1);
  });
  it('rejects a non-positive or non-finite c or K', () => {
    expect(() => saturationStep(0, 100)).toThrow(/c must be positive/);
    expect(() => saturationStep(1, -1)).toThrow(/K must be positive/);
    expect(() => saturationStep(NaN, 100)).toThrow(/c must be positive/);
  });
});

describe('λ at the saturation step', () => {
  let data: PreparedData;
  beforeAll(async () => {
    await initNodeBackend('cpu');
    const prepared = prepareData(syntheticDataset({ count: 96, seed: 0 }), 96);
    if (!prepared.ok) throw new Error(prepared.error);
    data = prepared.value;
  });

  function settings(steps: number): Settings {
    const s = cloneDefaults();
    s.dataset = 'synthetic';
    s.depths = [3];
    s.widths = [16];
    s.trainSize = 96;
    s.measureSize = 64;
    // B = 32 < N: the continuation must draw the next batches of the same stream (a new epoch).
    s.batch = 32;
    s.steps = steps;
    s.lanczosTol = 1e-5;
    s.lanczosMaxIters = 40;
    return s;
  }
  const key = { depth: 3, width: 16, seed: 0 };

  it('past T: the run goes on with the same batches, λ_τ is the long run’s λ at step τ', async () => {
    const before = tf.memory().numTensors;
    const long = await createFcnColumn({
      settings: settings(12),
      data,
      ...key,
      measures: { barrier: false, saturationK: 0 },
    });
    const short = await createFcnColumn({
      settings: settings(3),
      data,
      ...key,
      measures: { barrier: false, saturationK: 20 },
    });
    for (const c of [2, 1.7]) {
      const ref = (await long.run(
        c,
        () => {},
        () => false,
      ))!;
      const got = (await short.run(
        c,
        () => {},
        () => false,
      ))!;
      const tau = Math.round(20 / c); // 10, 12
      const sat = got.saturation!;
      expect(sat.step).toBe(tau);
      expect(sat.K).toBe(20);
      expect(sat.loss! / ref.loss[tau]!).toBeCloseTo(1, 5);
      expect(sat.sharpness! / ref.sharpness[tau]!).toBeCloseTo(1, 4);
      expect(sat.iters).toBeGreaterThan(0);
      // The early window itself is unchanged.
      expect(got.loss).toEqual(ref.loss.slice(0, 4));
    }
    long.dispose();
    short.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('within T it is read from the trajectory; a diverged run has none', async () => {
    const col = await createFcnColumn({
      settings: settings(6),
      data,
      ...key,
      measures: { barrier: false, saturationK: 8 },
    });
    const r = (await col.run(
      2,
      () => {},
      () => false,
    ))!;
    expect(r.saturation).toMatchObject({
      K: 8,
      step: 4,
      sharpness: r.sharpness[4],
      loss: r.loss[4],
    });
    expect(
      (await col.run(
        1e5,
        () => {},
        () => false,
      ))!.saturation,
    ).toBeNull();
    col.dispose();
  });

  it('batched ensemble: the barrier and λ_τ of single runs, and no leaks', async () => {
    const s = settings(3);
    const measures = { barrier: true, saturationK: 12 };
    const single = await createFcnColumn({ settings: s, data, ...key, measures });
    const cs = [1, 2.5, 6, 1e5];
    const want: RawRun[] = [];
    for (const c of cs)
      want.push(
        (await single.run(
          c,
          () => {},
          () => false,
        ))!,
      );
    single.dispose();
    const before = tf.memory().numTensors;
    const ens = await createFcnEnsembleColumn(
      { settings: s, data, ...key, measures },
      { batched: true, capabilities: capabilitiesOf('cpu') },
    );
    const got = (await ens.runMany(
      cs,
      () => {},
      () => false,
    ))!;
    ens.dispose();
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, e) => {
      const w = want[e]!;
      if (w.diverged) {
        expect(g.barrier).toBeNull();
        expect(g.saturation).toBeNull();
        return;
      }
      expect(g.saturation!.step).toBe(w.saturation!.step);
      expect(g.saturation!.sharpness! / w.saturation!.sharpness!).toBeCloseTo(1, 4);
      expect(g.barrier!.tauAtMax).toBe(w.barrier!.tauAtMax);
      g.barrier!.losses.forEach((l, i) => expect(l! / w.barrier!.losses[i]!).toBeCloseTo(1, 4));
    });
    // Members with τ = 12, 5 (past T) and 2 (within T) were all exercised.
    expect(got.slice(0, 3).map((g) => g.saturation!.step)).toEqual([12, 5, 2]);
  });

  it('uv model: λ_τ past T is the sharpness of the longer run', async () => {
    const short = createUvColumn({
      width: 256,
      seed: 1,
      steps: 10,
      divergenceLoss: 1e5,
      measures: { barrier: false, saturationK: 100 },
    });
    const long = createUvColumn({ width: 256, seed: 1, steps: 40, divergenceLoss: 1e5 });
    const got = (await short.run(
      2.5,
      () => {},
      () => false,
    ))!;
    const ref = (await long.run(
      2.5,
      () => {},
      () => false,
    ))!;
    expect(got.saturation!.step).toBe(40);
    expect(got.saturation!.sharpness).toBeCloseTo(ref.sharpness[40]!, 10);
  });
});
