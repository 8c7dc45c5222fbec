/**
 * Run records as chart series: the ratios the trajectory charts plot, the divergence step and cap,
 * the saturation step, and the small-multiple cells of the typical runs with their titles.
 */
import { columnId, type RunRecord } from '../../core/sweep/records';
import { REGIME_COLORS, REGIME_NAMES } from './palette';
import type { MultipleCell } from './smallMultiples';
import type { TrajectorySeries } from './trajectories';
import { typicalRuns } from './typicalRuns';

/** c to three significant digits, as people read it (1.41, not 1.4142135623730951). */
export function fmtC(c: number): string {
  return Number(c.toPrecision(3)).toString();
}

/** The order seed J, named when it is not 0 (as in column ids). */
function orderTag(r: { orderSeed?: number }, prefix = ' j='): string {
  return r.orderSeed !== undefined && r.orderSeed !== 0 ? `${prefix}${r.orderSeed}` : '';
}

/** "d=4 w=128 c=5.66" (and the seed when there are several). */
export function runLabel(
  r: { depth: number; width: number; seed: number; orderSeed?: number; c: number },
  seeds: boolean,
): string {
  return `d=${r.depth} w=${r.width}${seeds ? ` s=${r.seed}` : ''}${orderTag(r)} c=${fmtC(r.c)}`;
}

/** "d = 4, w = 128" (and the seed when there are several). */
export function columnLabel(
  r: { depth: number; width: number; seed: number; orderSeed?: number },
  seeds: boolean,
): string {
  return `d = ${r.depth}, w = ${r.width}${seeds ? `, seed ${r.seed}` : ''}${orderTag(r, ', order ')}`;
}

function ratio(values: readonly (number | null)[], ref: number): (number | null)[] {
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : v / ref));
}

/**
 * A finished run as a chart series. `divergenceLoss` (the setting) becomes the loss panel's cap
 * in its units, threshold / L₀.
 */
export function seriesOfRun(
  r: RunRecord,
  seeds: boolean,
  divergenceLoss?: number,
): TrajectorySeries {
  const s: TrajectorySeries = {
    id: `${columnId(r)}-c${r.c}`,
    label: runLabel(r, seeds),
    loss: ratio(r.loss, r.loss0),
    sharp: ratio(r.sharpness, r.lambda0),
    sharpRaw: r.sharpness,
    eta: r.eta,
    divergedAt: r.diverged ? (r.divergedAt ?? r.loss.length - 1) : null,
  };
  if (divergenceLoss !== undefined && r.loss0 > 0) s.lossCap = divergenceLoss / r.loss0;
  if (r.saturation) s.saturation = { step: r.saturation.step, K: r.saturation.K };
  return s;
}

/** The small multiples of the typical runs (see `typicalRuns`): one cell per regime present. */
export function typicalCells(
  runs: readonly RunRecord[],
  o: { column?: string | undefined; seeds: boolean; divergenceLoss?: number | undefined },
): MultipleCell[] {
  return typicalRuns(runs, o.column).map((r) => {
    const name = REGIME_NAMES[r.regime];
    return {
      regime: r.regime,
      title: name.charAt(0).toUpperCase() + name.slice(1),
      subtitle: `c = ${fmtC(r.c)} · ${columnLabel(r, o.seeds)}`,
      series: { ...seriesOfRun(r, o.seeds, o.divergenceLoss), color: REGIME_COLORS[r.regime] },
    };
  });
}
