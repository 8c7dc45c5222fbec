/**
 * The regime of one run and the critical values of a column (docs/PROTOCOL.md §3), as pure functions
 * of the measured trajectories.
 */
import type { Regime, RunRecord } from '../sweep/records';

/** The trajectory facts a regime depends on. */
export interface RunSummary {
  lossRatioMax: number | null;
  sharpRatioMax: number | null;
  sharpRatioFinal: number | null;
}

/**
 * max_{0≤t≤T} L_t/L_0, max_{1≤t≤T} λ_t/λ_0 and λ_T/λ_0 over the finite, non-diverged prefix.
 * `loss` and `sharpness` hold t = 0..T (null or non-finite where missing).
 */
export function summarize(
  loss: readonly (number | null)[],
  sharpness: readonly (number | null)[],
  loss0: number,
  lambda0: number,
  diverged: boolean,
): RunSummary {
  let lossRatioMax: number | null = null;
  for (const l of loss) {
    if (l === null || !Number.isFinite(l)) continue;
    const r = l / loss0;
    if (lossRatioMax === null || r > lossRatioMax) lossRatioMax = r;
  }
  let sharpRatioMax: number | null = null;
  for (let t = 1; t < sharpness.length; t++) {
    const s = sharpness[t];
    if (s === null || s === undefined || !Number.isFinite(s)) continue;
    const r = s / lambda0;
    if (sharpRatioMax === null || r > sharpRatioMax) sharpRatioMax = r;
  }
  const last = sharpness[sharpness.length - 1];
  const sharpRatioFinal =
    !diverged && last !== null && last !== undefined && Number.isFinite(last)
      ? last / lambda0
      : null;
  return { lossRatioMax, sharpRatioMax, sharpRatioFinal };
}

/** Did the loss rise above L_0 at some step? (L_t/L_0 > 1 for some t ≤ T.) */
export function lossRose(s: RunSummary): boolean {
  return s.lossRatioMax !== null && s.lossRatioMax > 1;
}

/** Did the sharpness rise above λ_0(1+ε) at some step 1 ≤ t ≤ T? */
export function sharpnessRose(s: RunSummary, epsilon: number): boolean {
  return s.sharpRatioMax !== null && s.sharpRatioMax > 1 + epsilon;
}

/**
 * Regime of one run: divergence; loss + sharpness catapult (L and λ rose); loss catapult
 * (L rose, λ did not); sharpness reduction (c > 2, L never rose); stable (c ≤ 2, no rise).
 */
export function classifyRun(c: number, diverged: boolean, s: RunSummary, epsilon: number): Regime {
  if (diverged) return 'divergence';
  if (lossRose(s)) return sharpnessRose(s, epsilon) ? 'loss-sharpness-catapult' : 'loss-catapult';
  return c > 2 ? 'sharpness-reduction' : 'stable';
}

export interface CriticalValues {
  c_loss: number | null;
  c_sharp: number | null;
  c_max: number | null;
}

/**
 * Critical values of one column (one architecture, one seed), by the demo's rules:
 * c_loss  = smallest non-diverged c whose loss rose above L_0;
 * c_sharp = smallest non-diverged c whose sharpness rose above λ_0(1+ε);
 * c_max   = largest c that did not diverge, below the first divergence (null until some run
 *           diverged: without a divergence the boundary has not been reached).
 * Runs may come in any order.
 */
export function criticalValues(
  runs: readonly Pick<RunRecord, 'c' | 'diverged' | 'lossRatioMax' | 'sharpRatioMax'>[],
  epsilon: number,
): CriticalValues {
  // One column's runs: ascending c is the canonical run order within a column.
  const sorted = [...runs].sort((a, b) => a.c - b.c);
  const firstDiv = sorted.find((r) => r.diverged);
  const stable = sorted.filter((r) => !r.diverged && (firstDiv === undefined || r.c < firstDiv.c));
  const summary = (r: (typeof sorted)[number]): RunSummary => ({
    lossRatioMax: r.lossRatioMax,
    sharpRatioMax: r.sharpRatioMax,
    sharpRatioFinal: null,
  });
  const cLoss = stable.find((r) => lossRose(summary(r)));
  const cSharp = stable.find((r) => sharpnessRose(summary(r), epsilon));
  const below = stable[stable.length - 1];
  return {
    c_loss: cLoss ? cLoss.c : null,
    c_sharp: cSharp ? cSharp.c : null,
    c_max: firstDiv !== undefined && below !== undefined ? below.c : null,
  };
}
