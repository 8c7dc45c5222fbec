/**
 * c_barrier of a column: the smallest learning-rate constant whose run crosses a loss barrier on
 * the line from θ_0 to θ_T (see `train/barrier.ts`). The demo's rules: only runs that did not
 * diverge, below the column's first divergence, count; when none of them shows a barrier,
 * c_barrier = c_max (the whole trainable range crosses none). The demo found
 * c_loss ≤ c_sharp ≤ c_barrier ≤ c_max.
 */
import type { BarrierMeasure } from '../train/barrier';
import { hasBarrier } from '../train/barrier';

/** What c_barrier needs of a run. */
export interface BarrierRun {
  c: number;
  diverged: boolean;
  /** Absent or null: not measured (an older record, or the measurement was off). */
  barrier?: Pick<BarrierMeasure, 'height'> | null;
}

/** c_barrier of one column, and whether it is the c_max fallback (no barrier seen). */
export interface ColumnBarrier {
  /** null when no trainable run measured a barrier, or when the fallback's c_max is unknown. */
  c_barrier: number | null;
  /** True when no trainable run crossed a barrier and c_barrier is c_max by the demo's rule. */
  barrierFallback: boolean;
}

/**
 * c_barrier of one column (one architecture, one seed pair) from its runs, in any order.
 * `cMax` is the column's c_max (largest c below the first divergence; null while nothing has
 * diverged), the fallback when no trainable run crossed a barrier. So c_barrier ≤ c_max whenever
 * both exist.
 */
export function columnBarrier(runs: readonly BarrierRun[], cMax: number | null): ColumnBarrier {
  const sorted = [...runs].sort((a, b) => a.c - b.c);
  const firstDiv = sorted.find((r) => r.diverged);
  const trainable = sorted.filter(
    (r) => !r.diverged && (firstDiv === undefined || r.c < firstDiv.c),
  );
  const measured = trainable.filter((r) => r.barrier !== undefined && r.barrier !== null);
  if (measured.length === 0) return { c_barrier: null, barrierFallback: false };
  const first = measured.find((r) => hasBarrier(r.barrier!));
  if (first) return { c_barrier: first.c, barrierFallback: false };
  return { c_barrier: cMax, barrierFallback: cMax !== null };
}
