/**
 * The science, end to end on real data (docs/PROTOCOL.md §5): the full run protocol through runSweep on
 * the wasm backend, checked against independent float64 computations and the paper's facts.
 * The data are the committed CIFAR-10 fixture (the official batch's first 1,024 records), so this
 * runs on every clone; every test uses at most those 1,024 records, and prepareData takes the
 * first N, so the numbers are those of the full file.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node/backend';
import { parseCifar10 } from '../../src/core/data/cifar10';
import { prepareData } from '../../src/core/data/prepare';
import type { PreparedData } from '../../src/core/data/types';
import { cloneDefaults } from '../../src/core/settings/codec';
import type { Settings } from '../../src/core/settings/schema';
import { runSweep } from '../../src/core/sweep/runSweep';
import type { ColumnRecord, RunRecord } from '../../src/core/sweep/records';
import { createFcnColumn } from '../../src/core/train/fcnColumn';
import { FIXTURE_CIFAR10, FIXTURE_CIFAR10_RECORDS, readBytes } from '../fixtures/datasets';

let cifar: PreparedData;

beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
  const bytes = readBytes(path.join(FIXTURE_CIFAR10, 'data_batch_1.bin'));
  const ds = parseCifar10([{ name: 'data_batch_1.bin', bytes }]);
  if (!ds.ok) throw new Error(ds.error);
  const prepared = prepareData(ds.value, FIXTURE_CIFAR10_RECORDS);
  if (!prepared.ok) throw new Error(prepared.error);
  cifar = prepared.value;
});

function settings(over: Partial<Settings>): Settings {
  return { ...cloneDefaults(), dataset: 'cifar10', ...over };
}

async function sweep(s: Settings, data: PreparedData | null) {
  const runs: RunRecord[] = [];
  const columns: ColumnRecord[] = [];
  await runSweep(s, data, [], {
    now: () => 0,
    onRun: (r) => runs.push(r),
    onColumn: (c) => columns.push(c),
  });
  return { runs, columns };
}

/** λ_max(XᵀX) in float64 by power iteration on v ↦ Xᵀ(Xv), X = the first m rows. */
function lambdaMaxGram(x: Float32Array, m: number, dim: number): number {
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  let lambda = 0;
  const xv = new Float64Array(m);
  for (let it = 0; it < 2000; it++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      const row = i * dim;
      for (let j = 0; j < dim; j++) s += x[row + j]! * v[j]!;
      xv[i] = s;
    }
    const w = new Float64Array(dim);
    for (let i = 0; i < m; i++) {
      const a = xv[i]!;
      const row = i * dim;
      for (let j = 0; j < dim; j++) w[j]! += a * x[row + j]!;
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += w[j]! * w[j]!;
    norm = Math.sqrt(norm);
    const next = norm;
    for (let j = 0; j < dim; j++) w[j] = w[j]! / norm;
    v = w;
    if (Math.abs(next - lambda) < 1e-12 * next) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  return lambda;
}

describe('science on CIFAR-10', () => {
  it('linear model (d = 1): λ_0 = λ_max(XᵀX)/(M·k) to 1e-4', async () => {
    const m = 1024;
    const s = settings({
      depths: [1],
      widths: [1],
      trainSize: FIXTURE_CIFAR10_RECORDS,
      measureSize: m,
      lanczosTol: 1e-7,
      lanczosMaxIters: 60,
    });
    const col = await createFcnColumn({ settings: s, data: cifar, depth: 1, width: 1, seed: 0 });
    const expected = lambdaMaxGram(cifar.x, m, cifar.dim) / (m * cifar.numClasses);
    col.dispose();
    expect(Math.abs(col.lambda0 - expected) / expected).toBeLessThan(1e-4);
  });

  it('zero readout: L_0 = 0.05 and c_loss = 2 within one grid step', async () => {
    const step = 0.1;
    const s = settings({
      readout: 'zero',
      depths: [3],
      widths: [32],
      trainSize: 1024,
      batch: 128,
      measureSize: 128,
      sharpEpsilon: 0.05,
      cGrid: { kind: 'log2', start: 0.7, stop: 1.5, step },
    });
    const { columns } = await sweep(s, cifar);
    const col = columns[0]!;
    expect(Math.abs(col.loss0 - 0.05)).toBeLessThan(1e-6);
    expect(col.c_loss).not.toBeNull();
    expect(Math.abs(Math.log2(col.c_loss!) - 1)).toBeLessThanOrEqual(step + 1e-9);
  }, 600_000);

  it('SP ReLU FCN at large d/w (d = 8, w = 32): c_loss > 2 and c_loss ≤ c_sharp ≤ c_max', async () => {
    const s = settings({
      depths: [8],
      widths: [32],
      trainSize: 1024,
      batch: 256,
      measureSize: 256,
      cGrid: { kind: 'log2', start: 0, stop: 7, step: 0.5 },
    });
    const { runs, columns } = await sweep(s, cifar);
    const col = columns[0]!;
    expect(col.c_max).not.toBeNull();
    // At large d/w the loss may never rise before divergence (docs/PROTOCOL.md §3): c_loss is then null,
    // i.e. beyond c_max, and sharpness reduction fills 2 < c ≤ c_max.
    const cLoss = col.c_loss ?? Infinity;
    const cSharp = col.c_sharp ?? Infinity;
    expect(cLoss).toBeGreaterThan(2);
    expect(cLoss).toBeLessThanOrEqual(cSharp);
    if (col.c_sharp !== null) expect(col.c_sharp).toBeLessThanOrEqual(col.c_max!);
    if (col.c_loss !== null) expect(col.c_loss).toBeLessThanOrEqual(col.c_max!);
    expect(runs.some((r) => r.regime === 'sharpness-reduction' && r.c > 2)).toBe(true);
  }, 600_000);

  it('gives identical records twice and leaves no tensors behind', async () => {
    const s = settings({
      depths: [3],
      widths: [16],
      trainSize: 512,
      batch: 128,
      measureSize: 128,
      cGrid: { kind: 'list', values: [1, 3, 9, 200] },
    });
    const before = tf.memory().numTensors;
    const a = await sweep(s, cifar);
    const mid = tf.memory().numTensors;
    const b = await sweep(s, cifar);
    expect(mid).toBe(before);
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.runs.length).toBeGreaterThan(1);
  });
});
