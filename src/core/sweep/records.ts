/**
 * Result records: what a finished run and a finished column are, as they travel from the core to
 * the CLI's JSON Lines, the worker protocol, IndexedDB and exported files.
 */

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

/** Identifies a column: one architecture and one init seed; its runs differ only in c. */
export interface ColumnKey {
  depth: number;
  width: number;
  seed: number;
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
  seconds: number;
}

export interface ColumnRecord extends ColumnKey {
  type: 'column';
  lambda0: number;
  loss0: number;
  c_loss: number | null;
  c_sharp: number | null;
  c_max: number | null;
  /** Number of runs behind these values. */
  runs: number;
}

export type ResultRecord = RunRecord | ColumnRecord;

export function columnId(k: ColumnKey): string {
  return `d${k.depth}-w${k.width}-s${k.seed}`;
}

export function runId(r: ColumnKey & { c: number }): string {
  return `${columnId(r)}-c${r.c.toPrecision(12)}`;
}
