import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import type { RawRun } from './column';
import { createFcnColumn } from './fcnColumn';
import { createFcnEnsembleColumn } from './ensembleColumn';
import { capabilitiesOf, type BackendCapabilities } from '../tf/capabilities';
import { runSweep } from '../sweep/runSweep';
import { gridPlanner } from '../sweep/plan';
import type { ColumnRecord, RunRecord } from '../sweep/records';

let data: PreparedData;

beforeAll(async () => {
  await initNodeBackend('cpu');
  const prepared = prepareData(syntheticDataset({ count: 96, seed: 0 }), 96);
  if (!prepared.ok) throw new Error(prepared.error);
  data = prepared.value;
});

/** A tiny FCN column: 64 → 16 → 16 → 10, M = 64, B = 32, T = 5. */
function settings(): Settings {
  const s = cloneDefaults();
  s.dataset = 'synthetic';
  s.model = 'fcn';
  s.depths = [3];
  s.widths = [16];
  s.seeds = [0];
  s.trainSize = 96;
  s.measureSize = 64;
  s.batch = 32;
  s.steps = 5;
  s.lanczosTol = 1e-4;
  s.lanczosMaxIters = 30;
  return s;
}

const column = { depth: 3, width: 16, seed: 0 };

function relClose(a: number | null, b: number | null, tol: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

/** Same run up to float32 rounding: everything but Lanczos iteration counts and residuals. */
function expectSameRun(got: RawRun, want: RawRun, tol = 1e-4): void {
  expect(got.c).toBe(want.c);
  expect(got.eta).toBe(want.eta);
  expect(got.lambda0).toBe(want.lambda0);
  expect(got.loss0).toBe(want.loss0);
  expect(got.diverged).toBe(want.diverged);
  expect(got.divergedAt).toBe(want.divergedAt);
  expect(got.loss.length).toBe(want.loss.length);
  expect(got.sharpness.length).toBe(want.sharpness.length);
  got.loss.forEach((l, t) => expect(relClose(l, want.loss[t]!, tol), `loss t=${t}`).toBe(true));
  got.sharpness.forEach((l, t) =>
    expect(
      relClose(l, want.sharpness[t]!, tol),
      `sharpness t=${t}: ${l} vs ${want.sharpness[t]}`,
    ).toBe(true),
  );
  expect(got.lanczosIters.length).toBe(want.lanczosIters.length);
}

const never = (): boolean => false;
const cpu = capabilitiesOf('cpu');
const opts = { capabilities: cpu };

describe('FCN ensemble column', () => {
  it('4 c values as one ensemble give the runs of 4 single runs; no leaks', async () => {
    const s = settings();
    const cs = [0.5, 1.5, 3, 5];
    const before = tf.memory().numTensors;
    const single = await createFcnColumn({ settings: s, data, ...column });
    const want: RawRun[] = [];
    for (const c of cs) want.push((await single.run(c, () => {}, never))!);
    single.dispose();
    expect(tf.memory().numTensors).toBe(before);

    expect(cpu.batchedEnsembles).toBe(true); // cpu: these tests run the batched path
    const ens = await createFcnEnsembleColumn({ settings: s, data, ...column }, opts);
    expect(ens.lambda0).toBe(single.lambda0);
    expect(ens.loss0).toBe(single.loss0);
    const steps: [number, number][] = [];
    const got = await ens.runMany(cs, (e, p) => steps.push([e, p.step]), never);
    expect(got).not.toBeNull();
    got!.forEach((r, e) => expectSameRun(r, want[e]!));
    // Every member reports steps 0..T, in order.
    for (let e = 0; e < cs.length; e++) {
      expect(steps.filter(([m]) => m === e).map(([, t]) => t)).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // `run` is the single-run path of the same column.
    expectSameRun((await ens.run(1.5, () => {}, never))!, want[1]!, 1e-6);
    ens.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a diverging member is frozen and masked: the others are unchanged and finite', async () => {
    const s = settings();
    const ens = await createFcnEnsembleColumn({ settings: s, data, ...column }, opts);
    const before = tf.memory().numTensors;
    const ref = (await ens.runMany([1, 3], () => {}, never))!;
    const got = (await ens.runMany([1, 1e6, 3, 200], () => {}, never))!;
    expect(tf.memory().numTensors).toBe(before);
    const huge = got[1]!;
    expect(huge.diverged).toBe(true);
    expect(huge.divergedAt).toBe(1);
    expect(huge.sharpness).toEqual([ens.lambda0, null]);
    expect(huge.lanczosIters.length).toBe(2);
    const late = got[3]!;
    expect(late.diverged).toBe(true);
    expect(late.divergedAt!).toBeGreaterThan(1);
    for (const [g, r] of [
      [got[0]!, ref[0]!],
      [got[2]!, ref[1]!],
    ] as const) {
      expectSameRun(g, r, 1e-5);
      expect(g.loss.every((l) => l !== null && Number.isFinite(l))).toBe(true);
      expect(g.sharpness.every((l) => l !== null && Number.isFinite(l))).toBe(true);
    }
    ens.dispose();
  });

  it('is cancellable between steps and leaks nothing', async () => {
    const s = settings();
    const before = tf.memory().numTensors;
    const ens = await createFcnEnsembleColumn({ settings: s, data, ...column }, opts);
    let steps = 0;
    const out = await ens.runMany(
      [1, 2],
      () => steps++,
      () => steps >= 4,
    );
    expect(out).toBeNull();
    ens.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('backend capabilities choose the algorithm', () => {
  /** Kernels that one runMany over two c values launches. */
  async function kernelsOf(capabilities: BackendCapabilities): Promise<Set<string>> {
    const s = { ...settings(), steps: 2 };
    const ens = await createFcnEnsembleColumn({ settings: s, data, ...column }, { capabilities });
    try {
      const profile = await tf.profile(async () => {
        await ens.runMany([1, 2], () => {}, never);
      });
      return new Set(profile.kernelNames);
    } finally {
      ens.dispose();
    }
  }

  // On one backend (cpu), the value alone decides: tiled parameters mean the batched ensemble,
  // unstacked activations the per-member (split) matMuls.
  it('batches and splits matMuls as the capabilities say, not as the backend is named', async () => {
    const batched = await kernelsOf({ fastBatchedMatMul: true, batchedEnsembles: true });
    expect([batched.has('Tile'), batched.has('Unpack')]).toEqual([true, false]);
    const split = await kernelsOf({ fastBatchedMatMul: false, batchedEnsembles: true });
    expect([split.has('Tile'), split.has('Unpack')]).toEqual([true, true]);
    const sequential = await kernelsOf(capabilitiesOf('wasm'));
    expect(sequential.has('Tile')).toBe(false);
  });

  it('without batched ensembles, runMany gives exactly the single runs', async () => {
    const s = settings();
    const cs = [0.5, 3];
    const single = await createFcnColumn({ settings: s, data, ...column });
    const want: RawRun[] = [];
    for (const c of cs) want.push((await single.run(c, () => {}, never))!);
    single.dispose();
    const ens = await createFcnEnsembleColumn(
      { settings: s, data, ...column },
      { capabilities: { fastBatchedMatMul: true, batchedEnsembles: false } },
    );
    expect(await ens.runMany(cs, () => {}, never)).toEqual(want);
    ens.dispose();
  });
});

describe('runSweep with ensembles', () => {
  async function sweep(
    s: Settings,
    done: RunRecord[] = [],
  ): Promise<{ runs: RunRecord[]; cols: ColumnRecord[]; computed: number }> {
    const runs: RunRecord[] = [];
    const cols: ColumnRecord[] = [];
    const res = await runSweep(s, data, done, {
      now: () => 0,
      capabilities: cpu,
      onRun: (r) => runs.push(r),
      onColumn: (c) => cols.push(c),
    });
    return { runs, cols, computed: res.runs };
  }

  it('grid planner nextMany: the next n grid values below the first divergence', () => {
    const p = gridPlanner([1, 2, 3, 4, 5, 6]);
    const run = (c: number, diverged = false) => ({
      c,
      diverged,
      lossRatioMax: null,
      sharpRatioMax: null,
    });
    expect(p.nextMany!([], 4)).toEqual([1, 2, 3, 4]);
    expect(p.nextMany!([run(1), run(3)], 3)).toEqual([2, 4, 5]);
    expect(p.nextMany!([run(1), run(4, true)], 5)).toEqual([2, 3]);
    expect(p.nextMany!([run(1, true)], 5)).toEqual([]);
    expect(p.nextMany!([], 1)).toEqual([p.next([])]);
  });

  it('ensemble 4 gives the column record of ensemble 1 (runs in ascending c, first divergence last)', async () => {
    const s = settings();
    // 4, 8, …, 512: the second batch of 4 diverges before its end, so runs are dropped.
    s.cGrid = { kind: 'log2', start: 2, stop: 9, step: 1 };
    const before = tf.memory().numTensors;
    const one = await sweep(s);
    s.ensemble = 4;
    const four = await sweep(s);
    expect(tf.memory().numTensors).toBe(before);
    expect(one.runs.at(-1)!.diverged).toBe(true);
    expect(one.runs.length).toBeGreaterThan(4);
    expect(one.runs.length).toBeLessThan(8);
    expect(four.runs.map((r) => r.c)).toEqual(one.runs.map((r) => r.c));
    four.runs.forEach((r, i) => {
      expectSameRun(r, one.runs[i]!);
      expect(r.regime).toBe(one.runs[i]!.regime);
    });
    expect(four.cols).toEqual(one.cols);
    // Resume: finished runs are reused, not recomputed, and the column comes out the same.
    const resumed = await sweep(s, one.runs.slice(0, 3));
    expect(resumed.computed).toBe(one.runs.length - 3);
    expect(resumed.cols).toEqual(one.cols);
  });

  it('an ensemble sweep without capabilities is refused, naming them', async () => {
    const s = { ...settings(), ensemble: 4 };
    const hooks = { now: () => 0, onRun: () => {}, onColumn: () => {} };
    await expect(runSweep(s, data, [], hooks)).rejects.toThrow(/needs hooks\.capabilities/);
    // Single runs need none.
    const single = await runSweep(
      { ...s, ensemble: 1, cGrid: { kind: 'list', values: [1] } },
      data,
      [],
      hooks,
    );
    expect(single).toEqual({ runs: 1, cancelled: false });
  });
});
