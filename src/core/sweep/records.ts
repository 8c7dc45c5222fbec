/**
 * Result records: what a finished run and a finished column are, as they travel from the core to
 * the CLI's JSON Lines, the worker protocol, IndexedDB and exported files.
 */

import type { BarrierMeasure } from '../train/barrier';
import type { SaturationMeasure } from '../train/saturation';
import type { SaturationCurve } from '../phase/saturation';

/** The regime (cell colour) of one run; docs/PROTOCOL.md §3 "The regime of one run". */
export type Regime =
  'divergence' | 'loss-sharpness-catapult' | 'loss-catapult' | 'sharpness-reduction' | 'stable';

export const REGIMES: readonly Regime[] = [
  'stable',
  'sharpness-reduction',
  'loss-catapult',
  'loss-sharpness-catapult',
  'divergence',
];

/**
 * Identifies a column: one architecture, one init seed I (θ_0) and one SGD-order seed J (the
 * batches); its runs differ only in c.
 */
export interface ColumnKey {
  depth: number;
  width: number;
  /** The init seed I: θ_0 is drawn from its stream. */
  seed: number;
  /**
   * The SGD-order seed J: the batches are drawn from its stream (`batchIndices`). A sweep without
   * order seeds uses its data seed. Records written before J existed lack it; reading them fills
   * in the data seed of the sweep that wrote them (see `checkResultRecord`).
   */
  orderSeed: number;
}

export interface RunRecord extends ColumnKey {
  type: 'run';
  c: number;
  /** Learning rate η = c / λ_0. */
  eta: number;
  lambda0: number;
  loss0: number;
  diverged: boolean;
  /** Step at which divergence was detected (null if none). */
  divergedAt: number | null;
  regime: Regime;
  /** L_t on the measurement set, t = 0..T (null after divergence / where not finite). */
  loss: (number | null)[];
  /** λ_t on the measurement set, t = 0..T (null after divergence). */
  sharpness: (number | null)[];
  /** Hessian-vector products spent on each λ_t estimate. */
  lanczosIters: number[];
  /** Relative residual ‖Hv − λv‖/|λ| of each λ_t estimate. */
  lanczosResidual: (number | null)[];
  /** max_t L_t/L_0 and max_{t≥1} λ_t/λ_0 over the non-diverged steps. */
  lossRatioMax: number | null;
  sharpRatioMax: number | null;
  /** λ_T/λ_0 (null if diverged). */
  sharpRatioFinal: number | null;
  /**
   * The loss along θ(τ) = (1 − τ)θ_0 + τθ_T, τ = 0, 0.01, …, 1, and its barrier; null for a run
   * that diverged or when the measurement is off; absent in records from before it existed.
   */
  barrier?: BarrierMeasure | null;
  /** λ at the saturation step τ = K/c; null when diverged or off; absent in older records. */
  saturation?: SaturationMeasure | null;
  seconds: number;
}

export interface ColumnRecord extends ColumnKey {
  type: 'column';
  lambda0: number;
  loss0: number;
  c_loss: number | null;
  c_sharp: number | null;
  c_max: number | null;
  /**
   * Smallest trainable c whose line θ_0 → θ_T rises above L_0; c_max when none does (then
   * `barrierFallback` is true). Absent in records from before it was measured.
   */
  c_barrier?: number | null;
  barrierFallback?: boolean;
  /**
   * The critical values whose event never happened before the column's first divergence: each
   * lies above c_max (censored), it is not missing. c_barrier is listed when it is the c_max
   * fallback. Absent in older records.
   */
  censored?: CensoredCritical[];
  /** λ_τ/λ_0 at τ = K/c for the column's runs (null when not measured). */
  saturation?: SaturationCurve | null;
  /** Number of runs behind these values. */
  runs: number;
}

export type CensoredCritical = 'c_loss' | 'c_sharp' | 'c_barrier';

export type ResultRecord = RunRecord | ColumnRecord;

/**
 * Stable id of a column, `d{depth}-w{width}-s{seed}` and `-j{orderSeed}` when J ≠ 0: the key of
 * stored and exported columns. J = 0 has no suffix, so the ids stored and linked before order
 * seeds existed (all J = 0 unless the data seed was changed) still name the same columns.
 */
export function columnId(k: ColumnKey): string {
  const j = k.orderSeed === 0 ? '' : `-j${k.orderSeed}`;
  return `d${k.depth}-w${k.width}-s${k.seed}${j}`;
}

/** The key fields of a record (or any object holding them), as a fresh `ColumnKey`. */
export function columnKeyOf(k: ColumnKey): ColumnKey {
  return { depth: k.depth, width: k.width, seed: k.seed, orderSeed: k.orderSeed };
}

/**
 * A record as stored before order seeds existed (no `orderSeed`) with J filled in: `orderSeed`,
 * the data seed of the sweep that computed it. Records that carry J are returned as they are.
 */
export function withOrderSeed<T extends Omit<ColumnKey, 'orderSeed'>>(
  r: T & { orderSeed?: number },
  orderSeed: number,
): T & ColumnKey {
  return typeof r.orderSeed === 'number' ? (r as T & ColumnKey) : { ...r, orderSeed };
}

/** Whether two records (or keys) belong to the same column: same depth, width, I and J. */
export function sameColumn(a: ColumnKey, b: ColumnKey): boolean {
  return (
    a.depth === b.depth && a.width === b.width && a.seed === b.seed && a.orderSeed === b.orderSeed
  );
}

/** Stable id of a run: its column id and `-c` with c to 12 significant digits (so ids survive float noise). */
export function runId(r: ColumnKey & { c: number }): string {
  return `${columnId(r)}-c${r.c.toPrecision(12)}`;
}
