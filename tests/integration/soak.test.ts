/**
 * Long sweeps stay flat: hundreds of runs (some diverging into NaN/Inf) leave no tensors behind,
 * no growth in backend memory, and a bounded heap; no run is reported twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node/backend';
import { syntheticDataset } from '../../src/core/data/synthetic';
import { prepareData } from '../../src/core/data/prepare';
import { cloneDefaults } from '../../src/core/settings/codec';
import { runSweep } from '../../src/core/sweep/runSweep';
import { runId, type ColumnRecord, type RunRecord } from '../../src/core/sweep/records';

beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
});

describe('soak', () => {
  it('300+ runs: tensors and memory back to baseline, heap bounded', async () => {
    const prepared = prepareData(syntheticDataset({ count: 256, seed: 0 }), 256);
    if (!prepared.ok) throw new Error(prepared.error);
    const s = {
      ...cloneDefaults(),
      dataset: 'synthetic' as const,
      depths: [2],
      widths: [8],
      seeds: Array.from({ length: 64 }, (_, i) => i),
      trainSize: 256,
      batch: 32,
      measureSize: 32,
      // Ends far past divergence, so every column meets NaN/Inf or a huge loss.
      cGrid: { kind: 'list' as const, values: [0.5, 1, 2, 4, 8, 16, 64, 1e3, 1e4] },
    };
    const runs: RunRecord[] = [];
    const columns: ColumnRecord[] = [];
    const hooks = {
      now: () => 0,
      onRun: (r: RunRecord) => runs.push(r),
      onColumn: (c: ColumnRecord) => columns.push(c),
    };
    // Warm up once so lazily created backend state is not counted as growth.
    await runSweep({ ...s, seeds: [99] }, prepared.value, [], hooks);
    runs.length = 0;
    columns.length = 0;
    const tensors0 = tf.memory().numTensors;
    const bytes0 = tf.memory().numBytes;
    const heap0 = process.memoryUsage().heapUsed;
    await runSweep(s, prepared.value, [], hooks);
    const heapGrowthMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;

    expect(runs.length).toBeGreaterThanOrEqual(300);
    expect(columns).toHaveLength(64);
    expect(tf.memory().numTensors).toBe(tensors0);
    expect(tf.memory().numBytes).toBe(bytes0);
    // The records themselves stay in memory (~1 kB each); anything beyond that is a leak.
    expect(heapGrowthMb).toBeLessThan(64);
    expect(new Set(runs.map(runId)).size).toBe(runs.length);
    const diverged = runs.filter((r) => r.diverged);
    expect(diverged.length).toBeGreaterThan(0);
    for (const r of diverged) {
      expect(r.regime).toBe('divergence');
      expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    }
  }, 900_000);
});
