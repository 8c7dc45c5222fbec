/**
 * θ_0 and λ_0 are recomputed by every executor that runs part of a column, not shipped: this test
 * shows the recomputation is bit-identical, so records from 1 and 2 executors (each building its
 * own copy of every column it touches) equal the one-at-a-time sweep's exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import type { ColumnRecord, RunRecord } from './records';
import { runSweep } from './runSweep';
import { localExecutor, runScheduledSweep } from './scheduler';

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
  s.model = 'fcn';
  s.depths = [3];
  s.widths = [16];
  s.seeds = [0, 1];
  s.trainSize = 96;
  s.measureSize = 64;
  s.batch = 32;
  s.steps = 4;
  s.lanczosTol = 1e-4;
  s.lanczosMaxIters = 30;
  s.cGrid = { kind: 'log2', start: 0, stop: 6, step: 1 };
  return s;
}

type Rec = RunRecord | ColumnRecord;
const untimed = (r: Rec): Rec => (r.type === 'run' ? { ...r, seconds: 0 } : r);

describe('scheduled FCN sweep', () => {
  it('1 and 2 executors give exactly the records of runSweep (θ_0, λ_0 rebuilt bit for bit)', async () => {
    const s = settings();
    const want: Rec[] = [];
    await runSweep(s, data, [], {
      now: () => 0,
      onRun: (r) => want.push(r),
      onColumn: (c) => want.push(c),
    });
    expect(want.some((r) => r.type === 'run' && r.diverged)).toBe(true);
    for (const n of [1, 2]) {
      const executors = Array.from({ length: n }, () =>
        localExecutor(s, data, { now: () => 0, keepColumns: 1 }),
      );
      const got: Rec[] = [];
      await runScheduledSweep(
        s,
        executors,
        [],
        { now: () => 0, onRun: (r) => got.push(r), onColumn: (c) => got.push(c) },
        { order: 'canonical' },
      );
      executors.forEach((e) => e.dispose());
      expect(got.map(untimed), `${n} executors`).toEqual(want.map(untimed));
    }
  });
});
