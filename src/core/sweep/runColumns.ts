/**
 * A sweep restricted to some of its columns (one shard's): `runSweep` once per column, on the
 * settings narrowed to that column. Nothing a column computes depends on the other columns of the
 * sweep (θ_0 comes from its init seed I, the batches from its order seed J), so each column's
 * records are the ones the whole sweep would write for it.
 */
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import { sameColumn, type ColumnKey, type RunRecord } from './records';
import { runSweep, type FcnColumnFactory, type SweepHooks } from './runSweep';

/** Run `columns` of the sweep `settings` in the given order; `done` as for `runSweep`. */
export async function runColumns(
  settings: Settings,
  data: PreparedData | null,
  columns: readonly ColumnKey[],
  done: readonly RunRecord[],
  hooks: SweepHooks,
  fcnFactory?: FcnColumnFactory,
): Promise<{ runs: number; cancelled: boolean }> {
  let runs = 0;
  for (const key of columns) {
    const narrowed: Settings = {
      ...settings,
      depths: [key.depth],
      widths: [key.width],
      seeds: [key.seed],
      // The column's J alone. The data seed stays: it also picks a synthetic dataset.
      dataSeeds: [key.orderSeed],
    };
    const mine = done.filter((r) => sameColumn(r, key));
    const r = await runSweep(narrowed, data, mine, hooks, fcnFactory);
    runs += r.runs;
    if (r.cancelled) return { runs, cancelled: true };
  }
  return { runs, cancelled: false };
}
