/**
 * A column: one architecture, one init seed I and one SGD-order seed J. It computes θ_0 (from I),
 * L_0 and λ_0 once and runs any number of learning-rate constants c from that same θ_0 over the
 * same batches (from J; docs/PROTOCOL.md §2).
 */
import type { ColumnKey, RunRecord } from '../sweep/records';

/** Per-step progress of one run; ratios for t = 0..step. */
export interface RunProgress {
  step: number;
  loss: readonly (number | null)[];
  sharpness: readonly (number | null)[];
}

/** What a finished run of a column yields: a RunRecord before the sweep classifies and times it. */
export type RawRun = Omit<
  RunRecord,
  'regime' | 'lossRatioMax' | 'sharpRatioMax' | 'sharpRatioFinal' | 'seconds'
>;

/** What the sweep needs from a column, whatever the model. */
export interface ColumnRunner {
  readonly depth: number;
  readonly width: number;
  readonly seed: number;
  /** The SGD-order seed J of the batches (the uv model, full-batch, carries the sweep's). */
  readonly orderSeed: number;
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
  ): Promise<RawRun | null>;
  dispose(): void;
}

/**
 * A column that can also run several c values together as one batched ensemble (stacked weights,
 * one HVP for all members; on wasm the FCN runner runs them one after another instead, see
 * `ensembleColumn.ts`). Each member's result is the run `run(c)` would give, up to float32
 * rounding (and Lanczos iteration counts, which may differ by rounding near the tolerance).
 */
export interface EnsembleColumnRunner extends ColumnRunner {
  /**
   * Train one member per c from θ_0 on the same batches, member e at η_e = c_e/λ_0. A member that
   * diverges is frozen (reset to θ_0, no further updates) and excluded from later sharpness
   * estimates; the others go on. `onStep` sees (member index into `cs`, its progress) as each step
   * is measured; `isCancelled` is checked between steps (a cancelled call resolves to null).
   * Results come in the order of `cs`.
   */
  runMany(
    cs: readonly number[],
    onStep: (memberIndex: number, p: RunProgress) => void,
    isCancelled: () => boolean,
  ): Promise<RawRun[] | null>;
}

/** True when a column runner supports `runMany`. */
export function isEnsembleRunner(r: ColumnRunner): r is EnsembleColumnRunner {
  return typeof (r as Partial<EnsembleColumnRunner>).runMany === 'function';
}

/** True when the loss counts as diverged: non-finite or above the threshold. */
export function isDivergedLoss(loss: number, threshold: number): boolean {
  return !Number.isFinite(loss) || loss > threshold;
}

/**
 * The measurements of one run as they arrive, t = 0..T: L_t, λ_t and the diagnostics of each λ_t
 * estimate. A diverged step records its loss (null if not finite) and ends the trajectory.
 */
export class Trajectory {
  readonly loss: (number | null)[];
  readonly sharpness: (number | null)[];
  readonly iters: number[];
  readonly resid: (number | null)[];
  divergedAt: number | null = null;

  constructor(loss0: number, lambda0: number, iters0: number, resid0: number | null) {
    this.loss = [loss0];
    this.sharpness = [lambda0];
    this.iters = [iters0];
    this.resid = [resid0];
  }

  get progress(): RunProgress {
    return { step: this.loss.length - 1, loss: this.loss, sharpness: this.sharpness };
  }

  measure(loss: number, sharpness: number, iters: number, resid: number | null): void {
    this.loss.push(loss);
    this.sharpness.push(sharpness);
    this.iters.push(iters);
    this.resid.push(resid);
  }

  diverge(loss: number): void {
    this.loss.push(Number.isFinite(loss) ? loss : null);
    this.sharpness.push(null);
    this.iters.push(0);
    this.resid.push(null);
    this.divergedAt = this.loss.length - 1;
  }

  /** The run's record (less what the sweep adds: regime, summaries, timing). */
  toRaw(key: ColumnKey, c: number, eta: number): RawRun {
    return {
      type: 'run',
      depth: key.depth,
      width: key.width,
      seed: key.seed,
      orderSeed: key.orderSeed,
      c,
      eta,
      lambda0: this.sharpness[0]!,
      loss0: this.loss[0]!,
      diverged: this.divergedAt !== null,
      divergedAt: this.divergedAt,
      loss: this.loss,
      sharpness: this.sharpness,
      lanczosIters: this.iters,
      lanczosResidual: this.resid,
    };
  }
}
