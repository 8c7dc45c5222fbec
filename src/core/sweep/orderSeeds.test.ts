/**
 * Order seeds J: a sweep over init seeds I × order seeds J has one column per pair, with θ_0 from
 * I and the batches from J. On a real FCN (tfjs cpu, tiny synthetic data) the J = 0 columns are
 * the sweep without order seeds, bit for bit; with a fake runner (instant) shards split and merge
 * the (I, J) columns, and files from before J read back as J = their data seed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { batchIndices } from '../train/batches';
import { Trajectory, type ColumnRunner } from '../train/column';
import { sweepHeader } from './header';
import { mergeResults } from './merge';
import { planColumns } from './plan';
import { columnId, runId, type ColumnKey, type ColumnRecord, type RunRecord } from './records';
import { parseResultsText } from './resultsFile';
import { planResume } from './resume';
import { runColumns } from './runColumns';
import { runSweep, type FcnColumnFactory } from './runSweep';
import { partitionColumns } from './shard';

type Rec = RunRecord | ColumnRecord;

/** Records of one sweep (or of `columns` of it), in the order they were reported. */
async function collect(
  s: Settings,
  data: PreparedData,
  factory?: FcnColumnFactory,
  columns?: readonly ColumnKey[],
): Promise<Rec[]> {
  const out: Rec[] = [];
  const hooks = {
    now: () => 0,
    onRun: (r: RunRecord) => out.push(r),
    onColumn: (c: ColumnRecord) => out.push(c),
  };
  if (columns) await runColumns(s, data, columns, [], hooks, factory);
  else await runSweep(s, data, [], hooks, factory);
  return out;
}

const ofColumn = (recs: readonly Rec[], k: ColumnKey) =>
  recs.filter((r) => columnId(r) === columnId(k));

describe('order seeds on a real FCN', () => {
  let data: PreparedData;
  beforeAll(async () => {
    await initNodeBackend('cpu');
    const prepared = prepareData(syntheticDataset({ count: 48, seed: 0 }), 48);
    if (!prepared.ok) throw new Error(prepared.error);
    data = prepared.value;
  });

  const settings = (over: Partial<Settings>): Settings => ({
    ...cloneDefaults(),
    dataset: 'synthetic',
    depths: [2],
    widths: [8],
    seeds: [0, 1],
    trainSize: 48,
    measureSize: 32,
    // B < N: the order decides which examples each step sees.
    batch: 16,
    steps: 4,
    cGrid: { kind: 'list', values: [1, 2] },
    lanczosMaxIters: 20,
    saturationK: 0,
    ...over,
  });

  it('seeds 0,1 × order seeds 0,1: four columns, the J = 0 ones equal to the sweep without J', async () => {
    const pairs = await collect(settings({ dataSeeds: [0, 1] }), data);
    const single = await collect(settings({}), data);
    const columns = pairs.filter((r): r is ColumnRecord => r.type === 'column');
    expect(columns.map((c) => `${c.seed}/${c.orderSeed}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
    // Byte-identical records: J is 0 in both (the data seed's default), timing aside.
    const text = (rs: readonly Rec[]) =>
      rs.map((r) => JSON.stringify(r.type === 'run' ? { ...r, seconds: 0 } : r));
    const j0 = pairs.filter((r) => r.orderSeed === 0);
    expect(text(j0)).toEqual(text(single));
    expect(single.every((r) => r.orderSeed === 0)).toBe(true);

    // J changes the batches and so the trajectory; θ_0, L_0 and λ_0 come from I alone.
    for (const seed of [0, 1]) {
      const a = ofColumn(pairs, { depth: 2, width: 8, seed, orderSeed: 0 });
      const b = ofColumn(pairs, { depth: 2, width: 8, seed, orderSeed: 1 });
      const runA = a.find((r): r is RunRecord => r.type === 'run')!;
      const runB = b.find((r): r is RunRecord => r.type === 'run')!;
      expect(runB.lambda0).toBe(runA.lambda0);
      expect(runB.loss0).toBe(runA.loss0);
      expect(runB.loss[1]).not.toBe(runA.loss[1]);
    }
  });

  it('the data seed is J when no order seeds are given', async () => {
    const viaDataSeed = await collect(settings({ seeds: [0], dataSeed: 1 }), data);
    const viaList = await collect(settings({ seeds: [0], dataSeeds: [1] }), data);
    expect(viaDataSeed.every((r) => r.orderSeed === 1)).toBe(true);
    // Same batches; the synthetic data is the same too (it is generated before the sweep).
    const strip = (rs: readonly Rec[]) =>
      rs.map((r) => JSON.stringify(r.type === 'run' ? { ...r, seconds: 0 } : r));
    expect(strip(viaList)).toEqual(strip(viaDataSeed));
  });
});

describe('batches of distinct order seeds', () => {
  it('differ, and each J is its own stream', () => {
    const a = batchIndices(64, 16, 8, 0);
    const b = batchIndices(64, 16, 8, 1);
    expect(a.map((x) => [...x])).not.toEqual(b.map((x) => [...x]));
    expect(batchIndices(64, 16, 8, 1).map((x) => [...x])).toEqual(b.map((x) => [...x]));
    // Within an epoch every example is drawn once, whatever J.
    const epoch = b.slice(0, 4).flatMap((x) => [...x]);
    expect(new Set(epoch).size).toBe(64);
  });
});

/**
 * A fake FCN runner: instant, deterministic in (I, J, c). λ_0 and L_0 depend on I only, the loss
 * curve and the divergence point on J too, so a record carries its pair.
 */
const fakeFactory: FcnColumnFactory = (o) => {
  const lambda0 = 10 + o.seed;
  const loss0 = 1 + 0.125 * o.seed;
  const cDiverge = 3 + o.seed + 2 * o.orderSeed;
  const runner: ColumnRunner = {
    depth: o.depth,
    width: o.width,
    seed: o.seed,
    orderSeed: o.orderSeed,
    lambda0,
    loss0,
    lambda0Iters: 1,
    lambda0Residual: 0,
    run(c, onStep) {
      const traj = new Trajectory(loss0, lambda0, 1, 0);
      for (let t = 1; t <= o.settings.steps; t++) {
        if (c > cDiverge && t === 2) {
          traj.diverge(Infinity);
          break;
        }
        const bump = c > 1.5 + o.orderSeed ? 1.5 : 0.9;
        traj.measure(loss0 * bump ** (t === 1 ? 1 : -t), lambda0 * (1 - 0.05 * t * c), 1, 0);
        onStep(traj.progress);
      }
      return Promise.resolve({
        ...traj.toRaw(o, c, c / lambda0),
        barrier: null,
        saturation: null,
      });
    },
    dispose() {},
  };
  return Promise.resolve(runner);
};

/** Stands in for uploaded data: the fake runner never reads it. */
const NO_DATA = {} as PreparedData;

const fakeSweep = (over: Partial<Settings> = {}): Settings => ({
  ...cloneDefaults(),
  dataset: 'synthetic',
  depths: [2, 4],
  widths: [16, 32],
  seeds: [0, 1],
  dataSeeds: [0, 1, 2],
  steps: 3,
  cGrid: { kind: 'list', values: [1, 2, 4, 8, 16] },
  ...over,
});

const jsonl = (
  s: Settings,
  shard: { index: number; count: number } | null,
  recs: readonly object[],
) => [sweepHeader(s, shard, null), ...recs].map((r) => `${JSON.stringify(r)}\n`).join('');

describe('shards and merge over (I, J) columns', () => {
  it('split the pairs among shards and merge back into the whole sweep, nothing lost', async () => {
    const s = fakeSweep();
    const whole = await collect(s, NO_DATA, fakeFactory);
    expect(planColumns(s)).toHaveLength(2 * 2 * 2 * 3);
    const parts = partitionColumns(s, 5);
    const ids = parts.flatMap((p) => p.columns.map(columnId));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(planColumns(s).map(columnId).sort());
    // Columns that differ in J alone land in different shards too (the split is per pair).
    expect(new Set(ids.map((id) => id.replace(/-j\d+$/, ''))).size).toBeLessThan(ids.length);

    const inputs = [];
    for (const p of parts) {
      const shard = { index: p.index, count: 5 };
      const recs = await collect(s, NO_DATA, fakeFactory, p.columns);
      inputs.push({ name: `shard-${p.index}`, file: parseResultsText(jsonl(s, shard, recs)) });
    }
    const m = mergeResults(inputs);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.value.records).toEqual(whole);
    expect(m.value.coverage).toMatchObject({ complete: 24, partial: 0, missing: 0 });
    expect(m.value.conflicting).toEqual([]);
    expect(m.value.staleColumns).toEqual([]);
  });

  it('resumes a file written before order seeds: its records read as J = its data seed', async () => {
    const s = fakeSweep({ dataSeeds: [], dataSeed: 3, depths: [2], widths: [16] });
    const recs = await collect(s, NO_DATA, fakeFactory);
    expect(recs.every((r) => r.orderSeed === 3)).toBe(true);
    // As the older CLI wrote it: no data-seeds in the header, no orderSeed in the records.
    const header = sweepHeader(s, null, null);
    delete header.settings['data-seeds'];
    const old = [header, ...recs.map(({ orderSeed: _j, ...rest }) => rest)]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');
    const file = parseResultsText(old);
    expect(file.problems).toEqual([]);
    expect(file.header?.settings.dataSeeds).toEqual([]);
    expect(file.runs.map(runId)).toEqual(
      recs.filter((r): r is RunRecord => r.type === 'run').map(runId),
    );
    const plan = planResume('old.jsonl', file, s, null, planColumns(s));
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.done).toHaveLength(file.runs.length);
    let computed = 0;
    await runColumns(
      s,
      NO_DATA,
      planColumns(s),
      plan.value.done,
      {
        now: () => 0,
        onRun: () => computed++,
        onColumn: () => undefined,
      },
      fakeFactory,
    );
    expect(computed).toBe(0);
  });
});
