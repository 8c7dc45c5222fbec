/**
 * The regime of one run and the critical values of a column (docs/PROTOCOL.md §3), as pure functions
 * of the measured trajectories.
 */
import type { ColumnRecord, Regime, RunRecord } from '../sweep/records';

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

/** Mean, sample standard deviation and count of the non-null values. */
export interface Spread {
  mean: number | null;
  std: number | null;
  n: number;
}

export function spread(values: readonly (number | null)[]): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, n: xs.length };
}

export interface ColumnSummary {
  depth: number;
  width: number;
  seeds: number[];
  lambda0: Spread;
  loss0: Spread;
  c_loss: Spread;
  c_sharp: Spread;
  c_max: Spread;
}

/** ⟨·⟩ over seeds: per-seed critical values averaged per (depth, width), with their spread. */
export function summarizeColumns(columns: readonly ColumnRecord[]): ColumnSummary[] {
  const groups = new Map<string, ColumnRecord[]>();
  for (const c of columns) {
    const k = `${c.depth}/${c.width}`;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const out: ColumnSummary[] = [];
  for (const g of groups.values()) {
    const first = g[0]!;
    out.push({
      depth: first.depth,
      width: first.width,
      seeds: g.map((c) => c.seed).sort((a, b) => a - b),
      lambda0: spread(g.map((c) => c.lambda0)),
      loss0: spread(g.map((c) => c.loss0)),
      c_loss: spread(g.map((c) => c.c_loss)),
      c_sharp: spread(g.map((c) => c.c_sharp)),
      c_max: spread(g.map((c) => c.c_max)),
    });
  }
  return out.sort((a, b) => a.depth / a.width - b.depth / b.width || a.depth - b.depth);
}
