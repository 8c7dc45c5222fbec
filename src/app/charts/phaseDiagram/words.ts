/** The diagram's words: axis titles, legend rows and each cell's accessible name and tooltip. */
import type { DiagramAxis } from '../../../core/settings/schema';
import { REGIMES, type ColumnRecord, type RunRecord } from '../../../core/sweep/records';
import { REGIME_LABELS, REGIME_NAMES } from '../palette';
import { formatSig, superscript } from '../svgUtil';
import { DIAGRAM_KINDS, diagramSeedValue, type DiagramKind } from './kinds';
import type { FitGeom, FitNote, LinearFitGeom, MarkerGeom } from './layout';

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

export const CRITICAL_LABELS: Readonly<Record<DiagramKind, string>> = {
  c_loss: 'c_loss: loss starts to catapult',
  c_sharp: 'c_sharp: sharpness starts to rise',
  c_barrier: 'c_barrier: loss barrier from θ₀ to θ_T',
  c_max: 'c_max: largest c that trains',
};

/** What a hollow c_barrier marker means (the demo's fallback rule). */
export const BARRIER_FALLBACK_TEXT = 'no barrier seen: c_max used';

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

/** What tells apart the architectures that share one x ("w 64" on the depth axis). */
export function archLabel(axis: DiagramAxis, depth: number, width: number): string {
  switch (axis) {
    case 'd/w':
      return `${depth}/${width}`;
    case '1/w':
    case 'w':
      return `d ${depth}`;
    case 'd':
      return `w ${width}`;
  }
}

export interface LegendRow {
  key: string;
  kind: 'title' | 'regime' | 'note' | 'marker' | 'fit' | 'running';
  text: string;
  regime?: (typeof REGIMES)[number];
  marker?: DiagramKind;
  /** A marker row drawn hollow (the c_barrier fallback). */
  hollow?: boolean;
  /** A fit row: which family of lines it stands for (power law or linear). */
  family?: FitFamily;
}

/** Fit lines come in two families: power laws c ≈ a·x^p, and the paper's linear fits. */
export type FitFamily = 'power' | 'line';

/** What the legend lists beyond the fixed rows. */
export interface LegendContent {
  /** Some column carries c_barrier, or nothing has run yet (the marker may still come). */
  barrier: boolean;
  /** Some c_barrier marker is the hollow fallback. */
  hollow: boolean;
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

/** Why a kind with markers has no fit line: "fit c_barrier: none, 1 column with a value (needs 2; R² from 3)". */
export function fitNoteText(n: FitNote): string {
  if (n.points === 0 && n.censored > 0 && n.kind === 'c_barrier')
    return `fit ${n.kind}: none, ${BARRIER_FALLBACK_TEXT} in every column`;
  const cols = `${n.points} column${n.points === 1 ? '' : 's'} with a value`;
  const left = n.censored > 0 ? `, ${n.censored} censored left out` : '';
  return `fit ${n.kind}: none, ${cols}${left} (needs 2; R² from 3)`;
}

/** A marker's words: the value over the seeds seen, and how many seeds were censored. */
export function markerTitle(m: MarkerGeom): string {
  const where = `depth ${m.depth}, width ${m.width}${m.seed === null ? '' : `, seed ${m.seed}`}`;
  if (m.hollow) return `${m.kind} at ${where}: ${BARRIER_FALLBACK_TEXT} (${formatC(m.c)})`;
  const value = m.seeds > 1 ? `mean ${formatSig(m.c, 3)} over ${m.seeds} seeds seen` : formatC(m.c);
  const why = m.kind === 'c_barrier' ? BARRIER_FALLBACK_TEXT : 'event not seen before divergence';
  const censored =
    m.censored > 0 ? `; ${m.censored} of ${m.seedsTotal} seeds censored (${why})` : '';
  return `${m.kind} at ${where}: ${value}${censored}`;
}

/**
 * One column's critical values for the hover readout, rounded: "4.59", "> 16 (not seen before
 * divergence)", "no barrier seen: c_max used (16)", or "—" when not known yet.
 */
export function columnCriticalWords(column: ColumnRecord): { kind: DiagramKind; text: string }[] {
  return DIAGRAM_KINDS.map((kind) => {
    const v = diagramSeedValue(column, kind);
    if (v.kind === 'seen') return { kind, text: formatC(v.c) };
    if (v.kind === 'censored')
      return {
        kind,
        text:
          kind === 'c_barrier'
            ? `${BARRIER_FALLBACK_TEXT} (${formatC(v.above)})`
            : `> ${formatC(v.above)} (not seen before divergence)`,
      };
    return { kind, text: '—' };
  });
}

export function legendRows(
  fits: readonly FitGeom[],
  linearFits: readonly LinearFitGeom[],
  axis: DiagramAxis,
  notes: readonly FitNote[] = [],
  content: LegendContent = { barrier: true, hollow: true },
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
  for (const k of DIAGRAM_KINDS) {
    if (k === 'c_barrier' && !content.barrier) continue;
    right.push({ key: `marker-${k}`, kind: 'marker', text: CRITICAL_LABELS[k], marker: k });
    if (k === 'c_barrier' && content.hollow)
      right.push({
        key: 'marker-c_barrier-fallback',
        kind: 'marker',
        text: `hollow: ${BARRIER_FALLBACK_TEXT}`,
        marker: k,
        hollow: true,
      });
    const f = fits.find((g) => g.kind === k);
    if (f)
      right.push({
        key: `fit-${k}`,
        kind: 'fit',
        text: powerFitText(f, axis),
        marker: k,
        family: 'power',
      });
    for (const lf of linearFits.filter((g) => g.kind === k))
      right.push({
        key: `line-${lf.key}`,
        kind: 'fit',
        text: linearFitText(lf),
        marker: k,
        family: 'line',
      });
    const note = notes.find((n) => n.kind === k);
    if (note) right.push({ key: `fitnote-${k}`, kind: 'note', text: fitNoteText(note) });
  }
  right.push({ key: 'running', kind: 'running', text: 'run in progress' });
  return [left, right];
}

/** log₂ c when c lies on a log₂ grid of step 0.05 or coarser (2^0.5, 2^1.7), else null. */
export function log2Exponent(c: number): number | null {
  if (!(c > 0) || !Number.isFinite(c)) return null;
  const x = Math.log2(c);
  const q = Math.round(x * 20);
  return Math.abs(x * 20 - q) < 1e-6 ? q / 20 : null;
}

/**
 * c for people: 3 significant figures, and its exponent when c is on a log₂ grid:
 * "1.41 (2^0.5)", "16 (2^4)", "3".
 */
export function formatC(c: number): string {
  const x = log2Exponent(c);
  const v = formatSig(c, 3);
  return x === null ? v : `${v} (2^${String(x)})`;
}

/** Readout numbers: 3 significant figures. */
function round3(v: number | null): string {
  return v === null ? '—' : formatSig(v, 3);
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

/** The cell's <title> (the native tooltip): every number rounded to 3 significant figures. */
export function cellTitle(r: RunRecord): string {
  const iters = r.lanczosIters;
  const total = iters.reduce((s, v) => s + v, 0);
  const itersText =
    iters.length <= 12
      ? `${iters.join(', ')} (total ${total})`
      : `total ${total} over ${iters.length} estimates (${Math.min(...iters)}–${Math.max(...iters)} each)`;
  const lines = [
    `depth ${r.depth}, width ${r.width}, seed ${r.seed}${orderWords(r)}: ${REGIME_NAMES[r.regime]}`,
    `c = ${formatC(r.c)}, η = ${round3(r.eta)}`,
    `λ₀ = ${round3(r.lambda0)}, L₀ = ${round3(r.loss0)}`,
    `max L/L₀ = ${round3(r.lossRatioMax)}, max λ/λ₀ = ${round3(r.sharpRatioMax)}, λ_T/λ₀ = ${round3(r.sharpRatioFinal)}`,
  ];
  if (r.diverged) lines.push(`diverged at step ${r.divergedAt ?? '?'}`);
  if (r.barrier)
    lines.push(
      r.barrier.height > 0
        ? `barrier from θ₀ to θ_T: ${round3(r.barrier.height)} above L₀ at τ = ${round3(r.barrier.tauAtMax)}`
        : 'no barrier from θ₀ to θ_T',
    );
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
