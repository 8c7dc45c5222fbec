import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bisectPlanner,
  gridPlanner,
  orderSeedsOf,
  planColumns,
  plannedRunCount,
  plannerFor,
  type PlannedRun,
} from './plan';
import { criticalValues } from '../phase/regime';
import { columnBarrier } from '../phase/barrier';
import { runSweep } from './runSweep';
import { cloneDefaults, expandCGrid } from '../settings/codec';
import type { ColumnRecord, RunRecord } from './records';

/** A fake column whose events switch on at fixed log2 c thresholds. */
function fakeColumn(xLoss: number, xSharp: number, xDiv: number, xBarrier = Infinity) {
  return (c: number): PlannedRun => {
    const x = Math.log2(c);
    const diverged = x >= xDiv - 1e-12;
    return {
      c,
      diverged,
      lossRatioMax: diverged ? null : x >= xLoss - 1e-12 ? 2 : 1,
      sharpRatioMax: diverged ? null : x >= xSharp - 1e-12 ? 1.5 : 0.8,
      barrier: diverged
        ? null
        : { losses: [], height: x >= xBarrier - 1e-12 ? 0.3 : -0.2, tauAtMax: 0.5 },
    };
  };
}

function drive(planner: ReturnType<typeof gridPlanner>, truth: (c: number) => PlannedRun) {
  const runs: PlannedRun[] = [];
  for (let c = planner.next(runs); c !== null; c = planner.next(runs)) {
    expect(runs.some((r) => r.c === c)).toBe(false); // never the same c twice
    runs.push(truth(c));
  }
  return runs;
}

describe('column planners', () => {
  it('grid stops at the first divergence', () => {
    const cs = expandCGrid({ kind: 'log2', start: 0, stop: 5, step: 0.5 });
    const runs = drive(gridPlanner(cs), fakeColumn(1.5, 2, 3));
    expect(runs.map((r) => Math.round(Math.log2(r.c) * 1e9) / 1e9)).toEqual([
      0, 0.5, 1, 1.5, 2, 2.5, 3,
    ]);
  });

  it('bisection finds the grid’s critical values with fewer runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (a, b, d, e) => {
          const res = 0.1;
          const truth = fakeColumn(a * res, b * res, d * res, e * res);
          const cs = expandCGrid({ kind: 'log2', start: 0, stop: 5, step: res });
          const grid = drive(gridPlanner(cs), truth);
          const bis = drive(bisectPlanner(0, 5, res, 0), truth);
          const g = criticalValues(grid, 0);
          const bv = criticalValues(bis, 0);
          const close = (x: number | null, y: number | null) =>
            x === null ? y === null : y !== null && Math.abs(Math.log2(x) - Math.log2(y)) < 1e-9;
          expect(close(g.c_max, bv.c_max)).toBe(true);
          expect(close(g.c_loss, bv.c_loss)).toBe(true);
          expect(close(g.c_sharp, bv.c_sharp)).toBe(true);
          const gb = columnBarrier(grid, g.c_max);
          const bb = columnBarrier(bis, bv.c_max);
          expect(close(gb.c_barrier, bb.c_barrier)).toBe(true);
          expect(bb.barrierFallback).toBe(gb.barrierFallback);
          if (grid.length > 20) expect(bis.length).toBeLessThan(grid.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sweeps', () => {
  const uvSettings = () => {
    const s = cloneDefaults();
    s.model = 'uv';
    s.dataset = 'uv';
    s.widths = [256, 1024];
    s.seeds = [0, 1];
    s.cGrid = { kind: 'log2', start: 0, stop: 3, step: 0.05 };
    return s;
  };
  async function sweep(s: ReturnType<typeof uvSettings>, done: RunRecord[] = []) {
    const runs: RunRecord[] = [];
    const cols: ColumnRecord[] = [];
    const res = await runSweep(s, null, done, {
      now: () => 0,
      onRun: (r) => runs.push(r),
      onColumn: (c) => cols.push(c),
    });
    return { runs, cols, res };
  }

  it('bisection on the uv model agrees with the full grid using far fewer runs', async () => {
    const grid = await sweep(uvSettings());
    const s = uvSettings();
    s.search = 'bisect';
    s.bisectResolution = 0.05;
    const bis = await sweep(s);
    // The critical values. Not c_barrier: in the uv model a barrier shows in windows of c
    // (e.g. 3.1–3.4 and 4.0 but not 3.5–3.9 at w = 256, seed 0), which bisection, assuming a
    // monotone event, cannot find; nor the saturation curve, which has a point per run.
    const critical = ({
      c_barrier: _b,
      barrierFallback: _f,
      saturation: _s,
      runs: _r,
      censored,
      ...c
    }: ColumnRecord) => ({ ...c, censored: censored?.filter((k) => k !== 'c_barrier') });
    expect(bis.cols.map(critical)).toEqual(grid.cols.map(critical));
    for (const c of bis.cols) expect(c.c_barrier!).toBeLessThanOrEqual(c.c_max!);
    expect(bis.runs.length * 2).toBeLessThan(grid.runs.length);
  });

  it('resumes from finished runs without recomputing them', async () => {
    const full = await sweep(uvSettings());
    const half = full.runs.slice(0, Math.floor(full.runs.length / 2));
    const rest = await sweep(uvSettings(), half);
    expect(rest.res.runs).toBe(full.runs.length - half.length);
    expect(rest.cols).toEqual(full.cols);
    const again = await sweep(uvSettings(), full.runs);
    expect(again.res.runs).toBe(0);
    expect(again.cols).toEqual(full.cols);
  });

  it('stops when cancelled and reports it', async () => {
    let n = 0;
    const res = await runSweep(uvSettings(), null, [], {
      now: () => 0,
      onRun: () => n++,
      onColumn: () => {},
      isCancelled: () => n >= 5,
    });
    expect(res).toEqual({ runs: 5, cancelled: true });
  });
});

describe('planColumns', () => {
  it('plans depths × widths × seeds columns in depth, width, seed order (uv: depth 2 only)', () => {
    const s = { ...cloneDefaults(), depths: [8, 2], widths: [16, 128], seeds: [0, 1] };
    const cols = planColumns(s);
    expect(cols).toHaveLength(8);
    expect(cols[0]).toEqual({ depth: 8, width: 16, seed: 0, orderSeed: 0 });
    expect(cols[1]).toEqual({ depth: 8, width: 16, seed: 1, orderSeed: 0 });
    const uv = planColumns({ ...s, model: 'uv', dataset: 'uv' });
    expect(uv).toHaveLength(4);
    expect(uv.every((c) => c.depth === 2)).toBe(true);
    expect(plannedRunCount(s)).toBe(8 * plannerFor(s).maxRuns);
  });

  it('without order seeds, every column takes J from the data seed', () => {
    const s = { ...cloneDefaults(), depths: [2], widths: [16], seeds: [0, 1], dataSeed: 5 };
    expect(orderSeedsOf(s)).toEqual([5]);
    expect(planColumns(s).map((k) => k.orderSeed)).toEqual([5, 5]);
  });

  it('plans one column per (I, J), J innermost, and counts them in the planned runs', () => {
    const s = {
      ...cloneDefaults(),
      depths: [2],
      widths: [16, 32],
      seeds: [0, 1],
      dataSeeds: [3, 7],
      dataSeed: 5,
    };
    const cols = planColumns(s);
    expect(cols.map((k) => `${k.width}/${k.seed}/${k.orderSeed}`)).toEqual([
      '16/0/3',
      '16/0/7',
      '16/1/3',
      '16/1/7',
      '32/0/3',
      '32/0/7',
      '32/1/3',
      '32/1/7',
    ]);
    expect(plannedRunCount(s)).toBe(8 * plannerFor(s).maxRuns);
    // The uv model trains full-batch: the order seeds would only repeat its columns.
    const uv = planColumns({ ...s, model: 'uv', dataset: 'uv' });
    expect(uv.map((k) => k.orderSeed)).toEqual([5, 5, 5, 5]);
  });
});
