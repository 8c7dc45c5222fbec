import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../node/backend';
import { prepareData, syntheticDataset } from '../core/data';
import type { PreparedData } from '../core/data/types';
import { cloneDefaults } from '../core/settings/codec';
import type { Settings } from '../core/settings/schema';
import { fcnSpec } from '../core/train/fcnColumn';
import { estimateHvpFlops, parameterCount, sgdStepFlops } from '../core/train/flops';
import { measureKernels, median } from './measure';

let data: PreparedData;

beforeAll(async () => {
  await initNodeBackend('cpu');
  const prepared = prepareData(syntheticDataset({ count: 96, seed: 0 }), 96);
  if (!prepared.ok) throw new Error(prepared.error);
  data = prepared.value;
});

function settings(): Settings {
  const s = cloneDefaults();
  s.dataset = 'synthetic';
  s.trainSize = 96;
  s.measureSize = 64;
  s.batch = 32;
  s.steps = 2;
  return s;
}

/** A clock that advances 1 ms per reading: every timed unit (two readings) then lasts 1 ms. */
function tickingClock(): () => number {
  let t = 0;
  return () => ++t;
}

describe('measureKernels', () => {
  it('times the column kernels on the configured shapes and frees every tensor', async () => {
    const s = settings();
    const before = tf.memory().numTensors;
    // More reps than the settings' T: the column must be built with a batch for every step.
    const k = await measureKernels(s, data, 3, 16, 4, tickingClock());
    expect(tf.memory().numTensors).toBe(before);
    const spec = fcnSpec(s, data, 3, 16);
    expect(k).toMatchObject({ depth: 3, width: 16, batch: 32, measure: 64, reps: 4 });
    expect(k.params).toBe(parameterCount(spec));
    expect(k.stepFlops).toBe(sgdStepFlops(spec, 32));
    // The column's HVPs at one θ share x·W₁, as an estimate's do.
    expect(k.hvpFlops).toBe(estimateHvpFlops(spec, 64));
    expect(k.msPerStep).toBe(1);
    expect(k.msPerHvp).toBe(1);
    expect(k.hvpGflops).toBeCloseTo(estimateHvpFlops(spec, 64) / 1e6, 6);
    // Per example, one HVP on M over one step on B, at equal times: B / M.
    expect(k.hvpOverGradient).toBeCloseTo(32 / 64, 12);
  });

  it('caps the measurement set at the training set', async () => {
    const s = { ...settings(), measureSize: 4096 };
    const k = await measureKernels(s, data, 2, 8, 1, tickingClock());
    expect(k.measure).toBe(96);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
