/**
 * Intermediate saturation per column: λ_τ/λ_0 against c at the rescaled time c·τ = K (see
 * `train/saturation.ts` for how λ_τ is measured).
 */
import type { SaturationMeasure } from '../train/saturation';

/** What the curve needs of a run. */
export interface SaturationRun {
  c: number;
  diverged: boolean;
  lambda0: number;
  saturation?: SaturationMeasure | null;
}

/** One point of a column's saturation curve. */
export interface SaturationPoint {
  c: number;
  /** τ = max(1, round(K/c)). */
  step: number;
  /** λ_τ/λ_0; null when the run diverged between T and τ. */
  ratio: number | null;
}

/** The saturation curve of a column: K and one point per run that measured it. */
export interface SaturationCurve {
  K: number;
  points: SaturationPoint[];
}

/**
 * λ_τ/λ_0 for each run of a column that did not diverge within T and measured λ_τ, in ascending
 * c. null when no run measured it. Throws when the runs disagree on K (a mixed column is a bug).
 */
export function saturationCurve(runs: readonly SaturationRun[]): SaturationCurve | null {
  const measured = runs
    .filter((r) => !r.diverged && r.saturation !== undefined && r.saturation !== null)
    .sort((a, b) => a.c - b.c);
  if (measured.length === 0) return null;
  const K = measured[0]!.saturation!.K;
  const points: SaturationPoint[] = [];
  for (const r of measured) {
    const s = r.saturation!;
    if (s.K !== K) throw new Error(`saturation: runs of one column use K = ${K} and K = ${s.K}`);
    points.push({
      c: r.c,
      step: s.step,
      ratio: s.sharpness === null ? null : s.sharpness / r.lambda0,
    });
  }
  return { K, points };
}
