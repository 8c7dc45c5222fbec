/**
 * A column: one architecture and one init seed. It computes θ_0, L_0 and λ_0 once and runs any
 * number of learning-rate constants c from that same θ_0 over the same batches (SCIENCE.md §2).
 */
import type { RunRecord } from '../sweep/records';

/** Per-step progress of one run; ratios for t = 0..step. */
export interface RunProgress {
  step: number;
  loss: readonly (number | null)[];
  sharpness: readonly (number | null)[];
}

/** What the sweep needs from a column, whatever the model. */
export interface ColumnRunner {
  readonly depth: number;
  readonly width: number;
  readonly seed: number;
  readonly lambda0: number;
  readonly loss0: number;
  /** Lanczos diagnostics of λ_0. */
  readonly lambda0Iters: number;
  readonly lambda0Residual: number | null;
  /**
   * Train from θ_0 at η = c/λ_0 for T steps. `onStep` sees each step as it is measured;
   * `isCancelled` is checked between steps (a cancelled run resolves to null).
   */
  run(
    c: number,
    onStep: (p: RunProgress) => void,
    isCancelled: () => boolean,
  ): Promise<Omit<RunRecord, 'regime' | 'lossRatioMax' | 'sharpRatioMax' | 'sharpRatioFinal' | 'seconds'> | null>;
  dispose(): void;
}

/** True when the loss counts as diverged: non-finite or above the threshold. */
export function isDivergedLoss(loss: number, threshold: number): boolean {
  return !Number.isFinite(loss) || loss > threshold;
}
