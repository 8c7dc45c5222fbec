import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/core/tf/backend';
import { prepareData, syntheticDataset } from '../../src/core/data';
import type { PreparedData } from '../../src/core/data/types';
import { cloneDefaults } from '../../src/core/settings/codec';
import type { RawRun } from '../../src/core/train/column';
import { createFcnColumn } from '../../src/core/train/fcnColumn';
import {
  createFcnEnsembleColumn,
  defaultBatchedEnsemble,
} from '../../src/core/train/ensembleColumn';

// The batched ensemble on the backend the CLI uses. wasm runs ensembles one member after another
// by default; the batched path (per-member plain matMuls there) must still agree when forced.
let data: PreparedData;
beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
  const prepared = prepareData(syntheticDataset({ count: 96, seed: 1 }), 96);
  if (!prepared.ok) throw new Error(prepared.error);
  data = prepared.value;
});

describe('FCN ensemble column on wasm', () => {
  it('batched and sequential runMany both give the single runs; no leaks', async () => {
    expect(defaultBatchedEnsemble()).toBe(false);
    const s = cloneDefaults();
    Object.assign(s, {
      dataset: 'synthetic',
      trainSize: 96,
      measureSize: 64,
      batch: 32,
      steps: 3,
      lanczosTol: 1e-4,
      lanczosMaxIters: 30,
    });
    const column = { settings: s, data, depth: 3, width: 16, seed: 2 };
    const cs = [1, 3, 1e6];
    const before = tf.memory().numTensors;
    const single = await createFcnColumn(column);
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
    for (const batched of [true, false]) {
      const ens = await createFcnEnsembleColumn(column, { batched });
      const got = (await ens.runMany(
        cs,
        () => {},
        () => false,
      ))!;
      got.forEach((r, e) => {
        const w = want[e]!;
        expect(r.diverged).toBe(w.diverged);
        expect(r.divergedAt).toBe(w.divergedAt);
        r.loss.forEach((l, t) => {
          const wl = w.loss[t]!;
          if (l === null || wl === null) expect(l).toBe(wl);
          else expect(Math.abs(l - wl)).toBeLessThanOrEqual(1e-4 * Math.abs(wl));
        });
        r.sharpness.forEach((l, t) => {
          const wl = w.sharpness[t]!;
          if (l === null || wl === null) expect(l).toBe(wl);
          else expect(Math.abs(l - wl)).toBeLessThanOrEqual(1e-4 * Math.abs(wl));
        });
      });
      ens.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
