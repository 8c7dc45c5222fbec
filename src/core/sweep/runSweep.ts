/**
 * A sweep: depths × widths × init seeds I × order seeds J columns, each over the c grid in
 * ascending order until its first divergence (as the paper does). Records are reported as they
 * finish.
 */
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import type { CensoredCritical, ColumnKey, ColumnRecord, RunRecord } from './records';
import { runId, sameColumn } from './records';
import { classifyRun, criticalValues, summarize } from '../phase/regime';
import { isEnsembleRunner, type ColumnRunner, type RawRun } from '../train/column';
import { uvColumnFor } from '../train/uvColumn';
import { planColumns, plannerFor } from './plan';
import type { BackendCapabilities } from '../tf/capabilities';
import { modelInfo } from '../models/kinds';
import { columnBarrier } from '../phase/barrier';
import { saturationCurve } from '../phase/saturation';

export interface StepUpdate {
  depth: number;
  width: number;
  seed: number;
  orderSeed: number;
  c: number;
  step: number;
  /** L_t/L_0 and λ_t/λ_0 for t = 0..step (NaN where not finite). */
  lossRatio: Float64Array;
  sharpRatio: Float64Array;
}

export interface ColumnStart {
  depth: number;
  width: number;
  seed: number;
  orderSeed: number;
  lambda0: number;
  loss0: number;
}

export interface SweepHooks {
  /** Clock in milliseconds (injected: the core never reads time itself). */
  now(): number;
  onColumnStart?(c: ColumnStart): void;
  onStep?(u: StepUpdate): void;
  onRun(r: RunRecord): void;
  onColumn(c: ColumnRecord): void;
  /**
   * What the tfjs backend does well (injected like the clock: the core never asks tfjs which
   * backend runs). Batched ensembles (FCN, grid search, ensemble > 1) need it; runSweep throws
   * without it there. uv sweeps and single runs do not read it.
   */
  capabilities?: BackendCapabilities;
  /** Checked between steps; true stops the sweep after disposing everything. */
  isCancelled?(): boolean;
  /** Awaited between runs; resolves when the sweep may go on (pause support). */
  waitWhilePaused?(): Promise<void>;
}

/** Builds the column runner of an FCN; injected so this module does not load tfjs for uv sweeps. */
export type FcnColumnFactory = (o: {
  settings: Settings;
  data: PreparedData;
  depth: number;
  width: number;
  seed: number;
  orderSeed: number;
}) => Promise<ColumnRunner>;

/**
 * A partial trajectory divided by its reference (L_t/L_0 or λ_t/λ_0), for step progress; a value
 * not yet measured, or not finite, is NaN.
 */
export function stepRatios(values: readonly (number | null)[], ref: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined || !Number.isFinite(v) ? NaN : v / ref;
  }
  return out;
}

/** A column record from its runs. */
export function columnRecord(
  key: ColumnKey,
  lambda0: number,
  loss0: number,
  runs: readonly RunRecord[],
  epsilon: number,
): ColumnRecord {
  const critical = criticalValues(runs, epsilon);
  const barrier = columnBarrier(runs, critical.c_max);
  // Above c_max, not missing: the event never happened before the first divergence.
  const censored: CensoredCritical[] = [];
  if (critical.c_max !== null) {
    if (critical.c_loss === null) censored.push('c_loss');
    if (critical.c_sharp === null) censored.push('c_sharp');
    if (barrier.barrierFallback) censored.push('c_barrier');
  }
  return {
    type: 'column',
    depth: key.depth,
    width: key.width,
    seed: key.seed,
    orderSeed: key.orderSeed,
    lambda0,
    loss0,
    ...critical,
    ...barrier,
    censored,
    saturation: saturationCurve(runs),
    runs: runs.length,
  };
}

/**
 * Run a sweep. `data` is null for the uv model. `done` are finished runs of these same settings
 * (restored from storage): they are not recomputed or reported again, but count for stopping a
 * column at its first divergence and for its critical values.
 */
export async function runSweep(
  settings: Settings,
  data: PreparedData | null,
  done: readonly RunRecord[],
  hooks: SweepHooks,
  fcnFactory?: FcnColumnFactory,
): Promise<{ runs: number; cancelled: boolean }> {
  const doneById = new Map(done.map((r) => [runId(r), r]));
  const cancelled = (): boolean => hooks.isCancelled?.() ?? false;
  let computed = 0;

  for (const key of planColumns(settings)) {
    const planner = plannerFor(settings);
    const columnDone = done.filter((r) => sameColumn(r, key));
    // Replay the planner over the finished runs: they are reused, never recomputed.
    const runs: RunRecord[] = [];
    let c = planner.next(runs);
    while (c !== null) {
      const prior = doneById.get(runId({ ...key, c }));
      if (!prior) break;
      runs.push(prior);
      c = planner.next(runs);
    }
    if (c === null) {
      const first = runs[0] ?? columnDone[0];
      if (first)
        hooks.onColumn(columnRecord(key, first.lambda0, first.loss0, runs, settings.sharpEpsilon));
      continue;
    }

    await hooks.waitWhilePaused?.();
    if (cancelled()) return { runs: computed, cancelled: true };
    // Batched ensembles (grid search, models with a batched forward): up to `ensemble` c values
    // per runMany call.
    const info = modelInfo(settings.model);
    const ensembleSize =
      info.batched && settings.search === 'grid' && settings.ensemble > 1 ? settings.ensemble : 1;
    let runner: ColumnRunner;
    if (info.ownColumn) {
      runner = uvColumnFor(settings, key);
    } else {
      if (!data) throw new Error(`runSweep: a ${info.label} sweep needs data`);
      let factory = fcnFactory;
      if (factory === undefined && ensembleSize > 1) {
        const capabilities = hooks.capabilities;
        if (capabilities === undefined)
          throw new Error('runSweep: a batched ensemble (ensemble > 1) needs hooks.capabilities');
        const { createFcnEnsembleColumn } = await import('../train/ensembleColumn');
        factory = (o) => createFcnEnsembleColumn(o, { capabilities });
      }
      factory ??= (await import('../train/fcnColumn')).createFcnColumn;
      runner = await factory({ settings, data, ...key });
    }
    const many =
      ensembleSize > 1 && isEnsembleRunner(runner) && planner.nextMany !== undefined
        ? runner
        : null;
    try {
      hooks.onColumnStart?.({ ...key, lambda0: runner.lambda0, loss0: runner.loss0 });
      while (c !== null && many !== null) {
        await hooks.waitWhilePaused?.();
        if (cancelled()) return { runs: computed, cancelled: true };
        // The next c values in ascending order, cut after a finished run that diverged.
        const batch: number[] = [];
        for (const cb of planner.nextMany?.(runs, ensembleSize) ?? []) {
          batch.push(cb);
          if (doneById.get(runId({ ...key, c: cb }))?.diverged === true) break;
        }
        if (batch.length === 0) break;
        const todo = batch.filter((cb) => !doneById.has(runId({ ...key, c: cb })));
        const raws = new Map<number, RawRun>();
        const startMs = hooks.now();
        if (todo.length > 0) {
          const out = await many.runMany(
            todo,
            (e, p) =>
              hooks.onStep?.({
                ...key,
                c: todo[e]!,
                step: p.step,
                lossRatio: stepRatios(p.loss, many.loss0),
                sharpRatio: stepRatios(p.sharpness, many.lambda0),
              }),
            cancelled,
          );
          if (out === null) return { runs: computed, cancelled: true };
          out.forEach((raw, e) => raws.set(todo[e]!, raw));
        }
        // Each computed run is charged an equal share of the batch's time.
        const seconds = (hooks.now() - startMs) / 1000 / Math.max(1, todo.length);
        // Keep runs in ascending c up to and including the first divergence; drop the rest.
        for (const cb of batch) {
          const prior = doneById.get(runId({ ...key, c: cb }));
          let record: RunRecord;
          if (prior) record = prior;
          else {
            const raw = raws.get(cb)!;
            const summary = summarize(
              raw.loss,
              raw.sharpness,
              raw.loss0,
              raw.lambda0,
              raw.diverged,
            );
            record = {
              ...raw,
              regime: classifyRun(cb, raw.diverged, summary, settings.sharpEpsilon),
              ...summary,
              seconds,
            };
            computed++;
            hooks.onRun(record);
          }
          runs.push(record);
          if (record.diverged) break;
        }
        c = planner.next(runs);
      }
      while (c !== null) {
        const cNow = c;
        await hooks.waitWhilePaused?.();
        if (cancelled()) return { runs: computed, cancelled: true };
        const prior = doneById.get(runId({ ...key, c: cNow }));
        let record: RunRecord;
        if (prior) record = prior;
        else {
          const startMs = hooks.now();
          const raw = await runner.run(
            cNow,
            (p) =>
              hooks.onStep?.({
                ...key,
                c: cNow,
                step: p.step,
                lossRatio: stepRatios(p.loss, runner.loss0),
                sharpRatio: stepRatios(p.sharpness, runner.lambda0),
              }),
            cancelled,
          );
          if (raw === null) return { runs: computed, cancelled: true };
          const summary = summarize(raw.loss, raw.sharpness, raw.loss0, raw.lambda0, raw.diverged);
          record = {
            ...raw,
            regime: classifyRun(cNow, raw.diverged, summary, settings.sharpEpsilon),
            ...summary,
            seconds: (hooks.now() - startMs) / 1000,
          };
          computed++;
          hooks.onRun(record);
        }
        runs.push(record);
        c = planner.next(runs);
      }
      hooks.onColumn(columnRecord(key, runner.lambda0, runner.loss0, runs, settings.sharpEpsilon));
    } finally {
      runner.dispose();
    }
  }
  return { runs: computed, cancelled: false };
}
