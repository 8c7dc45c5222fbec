/** The diagram's words: axis titles, legend rows and each cell's accessible name and tooltip. */
import type { CriticalKind } from '../../../core/phase/summary';
import type { DiagramAxis } from '../../../core/settings/schema';
import { REGIMES, type RunRecord } from '../../../core/sweep/records';
import { CRITICAL_KINDS } from '../../../core/phase/summary';
import { REGIME_LABELS, REGIME_NAMES } from '../palette';
import { formatSig, superscript } from '../svgUtil';
import type { FitGeom, LinearFitGeom, MarkerGeom } from './layout';

export const AXIS_TITLES: Readonly<Record<DiagramAxis, string>> = {
  'd/w': 'depth / width (d/w, log scale)',
  '1/w': '1 / width (log scale)',
  d: 'depth d (log scale)',
  w: 'width w (log scale)',
};

const AXIS_SYMBOL: Readonly<Record<DiagramAxis, string>> = {
  'd/w': '(d/w)',
  '1/w': '(1/w)',
  d: 'd',
  w: 'w',
};

export const Y_TITLE = 'c = η·λ₀ (log₂)';

export const CRITICAL_LABELS: Readonly<Record<CriticalKind, string>> = {
  c_loss: 'c_loss: loss starts to catapult',
  c_sharp: 'c_sharp: sharpness starts to rise',
  c_max: 'c_max: largest c that trains',
};

export function powerOfTwoLabel(k: number): string {
  return `${String(2 ** k)} (2${superscript(String(k))})`;
}

export function slotLabel(
  axis: DiagramAxis,
  xValue: number,
  pairs: { depth: number; width: number }[],
) {
  const only = pairs.length === 1 ? pairs[0]! : null;
  switch (axis) {
    case 'd/w':
      return { label: formatSig(xValue, 2), sub: only ? `${only.depth}/${only.width}` : null };
    case '1/w':
      return { label: `1/${formatSig(1 / xValue, 4)}`, sub: null };
    case 'd':
    case 'w':
      return { label: formatSig(xValue, 4), sub: null };
  }
}

export interface LegendRow {
  key: string;
  kind: 'title' | 'regime' | 'note' | 'marker' | 'fit' | 'running';
  text: string;
  regime?: (typeof REGIMES)[number];
  marker?: CriticalKind;
}

/** R² in words; two points fit any line exactly, so they get no R². */
function r2Text(r2: number | null, n: number): string {
  return r2 === null ? `${n} points: exact, no R²` : `R² ${r2.toFixed(2)}`;
}

/** "fit c_loss ∝ (d/w)^0.25, R² 1.00": a power law across columns. */
export function powerFitText(f: FitGeom, axis: DiagramAxis): string {
  return `fit ${f.kind} ∝ ${AXIS_SYMBOL[axis]}^${f.fit.p.toFixed(2)}, ${r2Text(f.fit.r2, f.fit.n)}`;
}

/** "line c_loss ≈ 2.01 + 31.5·(d/w), R² 0.98" or "… + 31.5/w at d = 8": intercept and slope. */
export function linearFitText(f: LinearFitGeom): string {
  const { a, b, r2, n } = f.fit;
  const sign = b < 0 ? '−' : '+';
  const slope = formatSig(Math.abs(b), 3);
  const term = f.depth === null ? `${slope}·(d/w)` : `${slope}/w at d = ${f.depth}`;
  return `line ${f.kind} ≈ ${formatSig(a, 3)} ${sign} ${term}, ${r2Text(r2, n)}`;
}

/** A marker's words: the value over the seeds seen, and how many seeds were censored. */
export function markerTitle(m: MarkerGeom): string {
  const where = `depth ${m.depth}, width ${m.width}${m.seed === null ? '' : `, seed ${m.seed}`}`;
  const value =
    m.seeds > 1 ? `mean ${formatSig(m.c, 3)} over ${m.seeds} seeds seen` : formatSig(m.c, 3);
  const censored =
    m.censored > 0
      ? `; ${m.censored} of ${m.seedsTotal} seeds censored (event not seen before divergence)`
      : '';
  return `${m.kind} at ${where}: ${value}${censored}`;
}

export function legendRows(
  fits: readonly FitGeom[],
  linearFits: readonly LinearFitGeom[],
  axis: DiagramAxis,
): LegendRow[][] {
  const left: LegendRow[] = [{ key: 'title-regime', kind: 'title', text: 'Regime of a run' }];
  for (const r of REGIMES) {
    left.push({ key: `regime-${r}`, kind: 'regime', text: REGIME_LABELS[r], regime: r });
    if (r === 'stable') {
      left.push({ key: 'note-stable', kind: 'note', text: 'lighter: λ fell more (λ_T/λ₀)' });
    }
  }
  const right: LegendRow[] = [
    { key: 'title-critical', kind: 'title', text: 'Critical c per column' },
  ];
  for (const k of CRITICAL_KINDS) {
    right.push({ key: `marker-${k}`, kind: 'marker', text: CRITICAL_LABELS[k], marker: k });
    const f = fits.find((g) => g.kind === k);
    if (f) right.push({ key: `fit-${k}`, kind: 'fit', text: powerFitText(f, axis), marker: k });
    for (const lf of linearFits.filter((g) => g.kind === k))
      right.push({ key: `line-${lf.key}`, kind: 'fit', text: linearFitText(lf), marker: k });
  }
  right.push({ key: 'running', kind: 'running', text: 'run in progress' });
  return [left, right];
}

export function formatC(c: number): string {
  return c >= 0.1 ? c.toFixed(2) : c.toPrecision(2);
}

/** "6 significant digits" for the tooltip's exact numbers (c is printed in full). */
function exact(v: number | null): string {
  return v === null ? '—' : formatSig(v, 6);
}

function lastFiniteRatio(values: readonly (number | null)[], ref: number): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v / ref;
  }
  return null;
}

/** ", order seed J" when the run's SGD-order seed is not 0 (as column ids name it). */
function orderWords(r: RunRecord): string {
  return r.orderSeed !== 0 ? `, order seed ${r.orderSeed}` : '';
}

/** The cell's accessible name: the run and its outcome in words. */
export function cellAriaLabel(r: RunRecord): string {
  const head = `depth ${r.depth}, width ${r.width}, seed ${r.seed}${orderWords(r)}, c = ${formatC(r.c)} (η = ${formatSig(r.eta, 3)}): ${REGIME_NAMES[r.regime]}`;
  const parts: string[] = [];
  if (r.regime === 'divergence' || r.diverged) {
    parts.push(r.divergedAt !== null ? `diverged at step ${r.divergedAt}` : 'diverged');
  } else {
    if (r.lossRatioMax !== null && r.lossRatioMax > 1) {
      parts.push(`loss peaked at ${formatSig(r.lossRatioMax, 2)}× L₀`);
    } else {
      const end = lastFiniteRatio(r.loss, r.loss0);
      if (end !== null) parts.push(`loss fell to ${formatSig(end, 2)}× L₀`);
    }
    if (r.regime === 'loss-sharpness-catapult' && r.sharpRatioMax !== null) {
      parts.push(`sharpness peaked at ${formatSig(r.sharpRatioMax, 2)}× λ₀`);
    }
    if (r.sharpRatioFinal !== null) {
      parts.push(`sharpness ended at ${formatSig(r.sharpRatioFinal, 2)}× λ₀`);
    }
  }
  return parts.length ? `${head}; ${parts.join(', ')}` : head;
}

/** The cell's <title>: exact numbers. */
export function cellTitle(r: RunRecord): string {
  const iters = r.lanczosIters;
  const total = iters.reduce((s, v) => s + v, 0);
  const itersText =
    iters.length <= 12
      ? `${iters.join(', ')} (total ${total})`
      : `total ${total} over ${iters.length} estimates (${Math.min(...iters)}–${Math.max(...iters)} each)`;
  const lines = [
    `depth ${r.depth}, width ${r.width}, seed ${r.seed}${orderWords(r)}: ${REGIME_NAMES[r.regime]}`,
    `c = ${String(r.c)}, η = ${exact(r.eta)}`,
    `λ₀ = ${exact(r.lambda0)}, L₀ = ${exact(r.loss0)}`,
    `max L/L₀ = ${exact(r.lossRatioMax)}, max λ/λ₀ = ${exact(r.sharpRatioMax)}, λ_T/λ₀ = ${exact(r.sharpRatioFinal)}`,
  ];
  if (r.diverged) lines.push(`diverged at step ${r.divergedAt ?? '?'}`);
  lines.push(`Lanczos iterations: ${iters.length ? itersText : '—'}`);
  return lines.join('\n');
}

/** Records do not change once finished: their words are built once per record object. */
const wordsCache = new WeakMap<RunRecord, { label: string; title: string }>();
export function cachedWords(r: RunRecord): { label: string; title: string } {
  let w = wordsCache.get(r);
  if (!w) {
    w = { label: cellAriaLabel(r), title: cellTitle(r) };
    wordsCache.set(r, w);
  }
  return w;
}
