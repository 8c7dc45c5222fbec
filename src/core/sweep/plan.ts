/**
 * Which c to run next in a column, given the runs it already has. Two planners:
 * - grid: every c of the grid in ascending order, until the first divergence (the paper's way);
 * - bisect: locate c_max, c_loss, c_sharp and c_barrier on a log2 lattice of spacing `resolution` with
 *   bisection, assuming each event is monotone in c. Lattice points are start + k·resolution, so
 *   when the events are monotone bisection returns exactly the values the full grid of that
 *   spacing would (see README.md in this folder).
 */
import { rowApplies, rowFor, type Settings } from '../settings/schema';
import { expandCGrid } from '../settings/codec';
import { lossRose, sharpnessRose } from '../phase/regime';
import { hasBarrier } from '../train/barrier';
import { modelInfo } from '../models/kinds';
import type { ColumnKey, RunRecord } from './records';

export type PlannedRun = Pick<RunRecord, 'c' | 'diverged' | 'lossRatioMax' | 'sharpRatioMax'> &
  Partial<Pick<RunRecord, 'barrier'>>;

export interface ColumnPlanner {
  /** The next c to run, or null when the column is complete. */
  next(runs: readonly PlannedRun[]): number | null;
  /** Most runs this column can take. */
  readonly maxRuns: number;
  /**
   * Grid planner only (batched ensembles): up to n of the c values `next` would return one after
   * another if none of them diverged, i.e. the first n grid values not yet run, below the first
   * divergence, in ascending order. The caller keeps those up to and including the first that
   * diverges.
   */
  nextMany?(runs: readonly PlannedRun[], n: number): number[];
}

/** Same c up to float noise (grid values come from 2^x). */
function sameC(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(a, b);
}

/**
 * The paper's planner: the c values `cs` (ascending) one by one, stopping at the first
 * divergence; c values already run (equal up to 1e-9 relative) are skipped.
 */
export function gridPlanner(cs: readonly number[]): ColumnPlanner {
  return {
    maxRuns: cs.length,
    next(runs) {
      const firstDiv = runs.filter((r) => r.diverged).reduce((m, r) => Math.min(m, r.c), Infinity);
      for (const c of cs) {
        if (c >= firstDiv) return null;
        if (!runs.some((r) => sameC(r.c, c))) return c;
      }
      return null;
    },
    nextMany(runs, n) {
      const firstDiv = runs.filter((r) => r.diverged).reduce((m, r) => Math.min(m, r.c), Infinity);
      const out: number[] = [];
      for (const c of cs) {
        if (c >= firstDiv || out.length >= n) break;
        if (!runs.some((r) => sameC(r.c, c))) out.push(c);
      }
      return out;
    },
  };
}

/** The log2 range a bisection searches: the c grid's own range. */
export function bisectRange(s: Settings): { start: number; stop: number } {
  if (s.cGrid.kind === 'log2') return { start: s.cGrid.start, stop: s.cGrid.stop };
  const cs = expandCGrid(s.cGrid);
  return { start: Math.log2(cs[0]!), stop: Math.log2(cs[cs.length - 1]!) };
}

/**
 * Bisection on the lattice c_k = 2^(start + k·resolution), k = 0 … ⌊(stop − start)/resolution⌋:
 * both ends first, then c_max (the first divergence), then c_loss and c_sharp (`lossRose`,
 * `sharpnessRose` with `epsilon`) below it, each assumed monotone in c. At most
 * min(K + 1, 2 + 4⌈log2(K + 1)⌉) runs; see README.md in this folder for why it matches the full grid.
 */
export function bisectPlanner(
  start: number,
  stop: number,
  resolution: number,
  epsilon: number,
): ColumnPlanner {
  const K = Math.max(0, Math.floor((stop - start) / resolution + 1e-9));
  const cOf = (k: number): number => 2 ** (Math.round((start + k * resolution) * 1e9) / 1e9);
  const steps = Math.ceil(Math.log2(K + 1));
  return {
    maxRuns: Math.min(K + 1, 2 + 4 * steps),
    next(runs) {
      const known = new Map<number, PlannedRun>();
      for (let k = 0; k <= K; k++) {
        const r = runs.find((x) => sameC(x.c, cOf(k)));
        if (r) known.set(k, r);
      }
      if (!known.has(0)) return cOf(0);
      if (!known.has(K)) return cOf(K);
      const ks = [...known.keys()].sort((a, b) => a - b);
      const divKs = ks.filter((k) => known.get(k)!.diverged);
      const firstDiv = divKs.length > 0 ? divKs[0]! : K + 1;
      const below = ks.filter((k) => k < firstDiv);
      if (below.length === 0) return null; // diverged already at the smallest c
      const lastStable = below[below.length - 1]!;
      // 1. c_max: the divergence boundary between lastStable and firstDiv.
      if (firstDiv <= K && firstDiv - lastStable > 1)
        return cOf(Math.floor((lastStable + firstDiv) / 2));
      // 2. c_loss, c_sharp and c_barrier: the first lattice point, below the divergence, where
      // the event holds (a run without a barrier measurement never shows a barrier).
      const events: ((r: PlannedRun) => boolean)[] = [
        (r) =>
          lossRose({ lossRatioMax: r.lossRatioMax, sharpRatioMax: null, sharpRatioFinal: null }),
        (r) =>
          sharpnessRose(
            { lossRatioMax: null, sharpRatioMax: r.sharpRatioMax, sharpRatioFinal: null },
            epsilon,
          ),
        (r) => r.barrier !== undefined && r.barrier !== null && hasBarrier(r.barrier),
      ];
      for (const holds of events) {
        const yes = below.filter((k) => holds(known.get(k)!));
        if (yes.length === 0) continue; // never happens before divergence: null
        const t = yes[0]!;
        const no = below.filter((k) => k < t);
        if (no.length === 0) continue; // holds already at the smallest c
        const f = no[no.length - 1]!;
        if (t - f > 1) return cOf(Math.floor((f + t) / 2));
      }
      return null;
    },
  };
}

/** The planner the settings ask for: `bisectPlanner` over `bisectRange` when `search` is bisect, else `gridPlanner`. */
export function plannerFor(s: Settings): ColumnPlanner {
  if (s.search === 'bisect') {
    const { start, stop } = bisectRange(s);
    return bisectPlanner(start, stop, s.bisectResolution, s.sharpEpsilon);
  }
  return gridPlanner(expandCGrid(s.cGrid));
}

/**
 * The SGD-order seeds J of a sweep: the `dataSeeds` list, or, when it is empty (its default) or
 * the model has no batches (the uv model trains full-batch), the data seed alone. A sweep without
 * order seeds therefore runs exactly the columns it ran before they existed.
 */
export function orderSeedsOf(s: Pick<Settings, 'model' | 'dataSeed' | 'dataSeeds'>): number[] {
  const listed = rowApplies(rowFor('dataSeeds'), s.model) ? s.dataSeeds : [];
  return listed.length > 0 ? [...listed] : [s.dataSeed];
}

/**
 * The columns a sweep of these settings computes, in the order they run: for each depth (as
 * listed), each width, each init seed I, each order seed J (`orderSeedsOf`). A model with a fixed
 * depth (the uv model) is one architecture per width, reported at that depth whatever `depths`
 * says. The CLI, the worker and the app's progress all plan with this.
 */
export function planColumns(s: Settings): ColumnKey[] {
  const out: ColumnKey[] = [];
  const fixed = modelInfo(s.model).fixedDepth;
  const depths = fixed !== undefined ? [fixed] : s.depths;
  const orderSeeds = orderSeedsOf(s);
  for (const depth of depths)
    for (const width of s.widths)
      for (const seed of s.seeds)
        for (const orderSeed of orderSeeds) out.push({ depth, width, seed, orderSeed });
  return out;
}

/** Upper bound on the number of runs (a column may stop early at its first divergence). */
export function plannedRunCount(s: Settings): number {
  return planColumns(s).length * plannerFor(s).maxRuns;
}
