/**
 * Threaded wasm in Node (src/node/wasmThreads.ts): XNNPACK splits each kernel's output over its
 * threads and never a sum, so a sweep on 2 threads writes the records of one thread bit for bit,
 * through matrix products (an FCN at w = 256) and convolutions and pooling (Myrtle-5). This
 * process runs wasm on 2 threads; the one-thread reference comes from a worker thread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend, nodeWasmThreads } from '../../src/node/backend';
import { runOnThreads } from '../../src/cli/workers';
import { cloneDefaults } from '../../src/core/settings/codec';
import type { Settings } from '../../src/core/settings/schema';
import { prepareData, syntheticDataset } from '../../src/core/data';
import type { PreparedData } from '../../src/core/data/types';
import { runSweep } from '../../src/core/sweep/runSweep';
import type { ColumnRecord, RunRecord } from '../../src/core/sweep/records';

beforeAll(async () => {
  expect(await initNodeBackend('wasm', { wasmThreads: 2 })).toBe('wasm');
});

type Rec = RunRecord | ColumnRecord;
const untimed = (rs: Rec[]): Rec[] => rs.map((r) => (r.type === 'run' ? { ...r, seconds: 0 } : r));

async function here(s: Settings, data: PreparedData): Promise<Rec[]> {
  const out: Rec[] = [];
  await runSweep(s, data, [], {
    now: () => 0,
    onRun: (r) => out.push(r),
    onColumn: (c) => out.push(c),
  });
  return out;
}

async function oneThread(s: Settings, data: PreparedData): Promise<Rec[]> {
  const out: Rec[] = [];
  await runOnThreads(
    s,
    data,
    'wasm',
    1,
    { now: () => 0, onRun: (r) => out.push(r), onColumn: (c) => out.push(c) },
    { wasmThreads: 1 },
  );
  return out;
}

const base = (over: Partial<Settings>): Settings => ({
  ...cloneDefaults(),
  dataset: 'synthetic',
  trainSize: 256,
  measureSize: 256,
  batch: 64,
  steps: 3,
  seeds: [0],
  saturationK: 0,
  cGrid: { kind: 'list', values: [1, 4, 16] },
  ...over,
});

describe('wasm on 2 XNNPACK threads', () => {
  let data: PreparedData;
  beforeAll(() => {
    const p = prepareData(syntheticDataset({ count: 256, seed: 2 }), 256);
    if (!p.ok) throw new Error(p.error);
    data = p.value;
  });

  it('runs 2 threads: the pool has pthreads running', () => {
    expect(nodeWasmThreads()).toBe(2);
    const m = (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: unknown[] } } })
      .wasm;
    expect(m.PThread.runningWorkers.length).toBeGreaterThanOrEqual(1);
  });

  it('an FCN sweep (d = 3, w = 256) gives the records of one thread', async () => {
    const s = base({ depths: [3], widths: [256] });
    const two = await here(s, data);
    expect(two.filter((r) => r.type === 'run')).toHaveLength(3);
    expect(untimed(two)).toEqual(untimed(await oneThread(s, data)));
  });

  it('a Myrtle-5 sweep (w = 16, convolutions and pooling) gives the records of one thread', async () => {
    const s = base({
      model: 'myrtle',
      depths: [5],
      widths: [16],
      trainSize: 128,
      measureSize: 64,
      batch: 32,
      barrier: false,
    });
    const two = await here(s, data);
    expect(two.filter((r) => r.type === 'run').length).toBeGreaterThan(0);
    expect(untimed(two)).toEqual(untimed(await oneThread(s, data)));
  }, 300_000);
});
