/**
 * The phase diagram: one cell per run at (x, c), x = d/w, 1/w, d or w (log scale), c = η·λ₀ on a
 * log₂ scale, coloured by regime, with the critical values of each column and power-law fits of
 * them across columns. A plain d3 render function: the host owns the <svg> and calls
 * `renderPhaseDiagram` again whenever data or options change; cells are joined by run id, so a
 * re-render updates in place and keeps keyboard focus.
 *
 * Geometry. Columns with the same x share one slot; the slot boundaries lie halfway (in log x)
 * between neighbouring slots, so the cells tile the plane (for log-uniform x they are centred on
 * their x). Inside a slot the sub-columns (one per (depth, width, seed) with seedMode 'all', one
 * per (depth, width) with seedMode 'mean') sit side by side. Within a sub-column each cell spans
 * halfway (in log₂ c) to its neighbours, at most one octave either way, so a bisection sweep's
 * uneven c values tile too. seedMode 'mean' draws the cells of the smallest seed of each
 * (depth, width) only, and the markers at the seed mean of c_loss / c_sharp / c_max with a whisker
 * over the seeds' range; 'all' (the default) draws every seed in its own sub-column.
 */
import { line, scaleLog, select, symbol, symbolDiamond, symbolSquare, symbolTriangle } from 'd3';
import type { ScaleLogarithmic, Selection } from 'd3';
import type { DiagramAxis } from '../../core/settings/schema';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { REGIMES, columnId, runId } from '../../core/sweep/records';
import { fitPowerLaw, type PowerLawFit } from './fit';
import { REGIME_COLORS, REGIME_LABELS, REGIME_NAMES, regimeFill, stableShade } from './palette';
import { FONT_SIZE, formatSig, layer, prepareRoot, superscript, textWidth } from './svgUtil';

export type SelectMode = 'replace' | 'toggle' | 'range';
export type SeedMode = 'mean' | 'all';
export type CriticalKind = 'c_loss' | 'c_sharp' | 'c_max';
export const CRITICAL_KINDS: readonly CriticalKind[] = ['c_loss', 'c_sharp', 'c_max'];

/** The run in progress, drawn as a dashed outline. */
export interface RunningCell {
  depth: number;
  width: number;
  seed: number;
  c: number;
}

export interface PhaseDiagramData {
  runs: readonly RunRecord[];
  columns: readonly ColumnRecord[];
  running?: RunningCell | null | undefined;
}

export interface PhaseDiagramOptions {
  axis: DiagramAxis;
  /** Size of the whole svg in px (legend included). */
  width: number;
  height: number;
  /** Selected run ids (`runId`). */
  selected: ReadonlySet<string>;
  /**
   * The cell with the focus ring. When given (not undefined) it overrides the chart's own notion
   * on every render, so pass it together with `onFocusChange`; leave it undefined to let the chart
   * track focus itself (click, Tab, arrow keys). It never moves DOM focus.
   */
  focusedId?: string | null | undefined;
  /** click: 'replace'; shift-click or Shift+Enter: 'range'; ctrl/cmd-click or Ctrl+Enter: 'toggle'. */
  onSelect?: ((id: string, mode: SelectMode) => void) | undefined;
  /** Pointer over or focus on a cell (its element, to anchor a tooltip); null when it leaves. */
  onHover?: ((run: RunRecord | null, cell: SVGRectElement | null) => void) | undefined;
  /** The focused cell changed (DOM focus moved to a cell, by Tab, click or arrow keys). */
  onFocusChange?: ((id: string | null) => void) | undefined;
  seedMode?: SeedMode | undefined;
}

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

const MARKER_SYMBOLS = {
  c_loss: symbolTriangle,
  c_sharp: symbolDiamond,
  c_max: symbolSquare,
} as const;

const FIT_DASH: Readonly<Record<CriticalKind, string>> = {
  c_loss: '7 4',
  c_sharp: '2 3',
  c_max: '10 3 2 3',
};

/** The value on the diagram's x axis of a column. */
export function axisValue(axis: DiagramAxis, depth: number, width: number): number {
  switch (axis) {
    case 'd/w':
      return depth / width;
    case '1/w':
      return 1 / width;
    case 'd':
      return depth;
    case 'w':
      return width;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout: pure geometry, exported for tests and for hosts that position overlays.

export interface SubColumn {
  /** columnId (seedMode 'all') or `d{depth}-w{width}` (seedMode 'mean'). */
  key: string;
  depth: number;
  width: number;
  /** The seed whose cells are drawn here. */
  seed: number;
  /** Axis value. */
  xValue: number;
  /** Left and right edge and centre in px (plot coordinates). */
  x0: number;
  x1: number;
  cx: number;
  /** Cells of this sub-column, ascending c. */
  cells: CellGeom[];
}

export interface CellGeom {
  id: string;
  run: RunRecord;
  sub: SubColumn;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MarkerGeom {
  key: string;
  kind: CriticalKind;
  depth: number;
  width: number;
  /** The seed (seedMode 'all'), or null for a seed mean. */
  seed: number | null;
  /** c (or its seed mean), and the range over seeds. */
  c: number;
  cMin: number;
  cMax: number;
  seeds: number;
  x: number;
  y: number;
  /** Width of the marker's sub-column in px (markers shrink to fit narrow ones). */
  subWidth: number;
}

export interface FitGeom {
  kind: CriticalKind;
  fit: PowerLawFit;
  /** Axis values at the two ends of the drawn line (the fitted points' x range). */
  xFrom: number;
  xTo: number;
  points: number;
}

export interface SlotTick {
  xValue: number;
  cx: number;
  label: string;
  /** Second line (d/w: "8/256" when the slot holds one architecture). */
  sub: string | null;
}

export interface LegendLayout {
  placement: 'right' | 'below';
  x: number;
  y: number;
  columnWidth: number;
  columns: 1 | 2;
}

export interface PhaseDiagramLayout {
  margin: { top: number; right: number; bottom: number; left: number };
  plotWidth: number;
  plotHeight: number;
  /** x: axis value -> px; y: c -> px (log₂). Both in plot coordinates (inside the margins). */
  x: ScaleLogarithmic<number, number>;
  y: ScaleLogarithmic<number, number>;
  subcolumns: SubColumn[];
  cells: CellGeom[];
  running: { key: string; x: number; y: number; w: number; h: number; label: string } | null;
  markers: MarkerGeom[];
  fits: FitGeom[];
  ticks: SlotTick[];
  yTicks: { c: number; label: string }[];
  legend: LegendLayout;
}

const LN2 = Math.LN2;
/** A cell never reaches further than one octave of c from its own c. */
const MAX_HALF_LOG2 = 1;
const LEGEND_ROW = 16;
const LEGEND_PAD = 8;

function compareRuns(a: RunRecord, b: RunRecord): number {
  return a.depth - b.depth || a.width - b.width || a.seed - b.seed || a.c - b.c;
}

function dwKey(depth: number, width: number): string {
  return `d${depth}-w${width}`;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const v of xs) s += v;
  return s / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function powerOfTwoLabel(k: number): string {
  return `${String(2 ** k)} (2${superscript(String(k))})`;
}

function slotLabel(axis: DiagramAxis, xValue: number, pairs: { depth: number; width: number }[]) {
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

interface LegendRow {
  key: string;
  kind: 'title' | 'regime' | 'note' | 'marker' | 'fit' | 'running';
  text: string;
  regime?: (typeof REGIMES)[number];
  marker?: CriticalKind;
}

function legendRows(fits: readonly FitGeom[], axis: DiagramAxis): LegendRow[][] {
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
    if (f) {
      const text = `fit ${k} ∝ ${AXIS_SYMBOL[axis]}^${f.fit.p.toFixed(2)}, R² ${f.fit.r2.toFixed(2)}`;
      right.push({ key: `fit-${k}`, kind: 'fit', text, marker: k });
    }
  }
  right.push({ key: 'running', kind: 'running', text: 'run in progress' });
  return [left, right];
}

function legendTextWidth(rows: readonly LegendRow[]): number {
  let w = 0;
  for (const r of rows) {
    const indent = r.kind === 'title' ? 0 : r.kind === 'note' || r.kind === 'fit' ? 30 : 22;
    w = Math.max(w, indent + textWidth(r.text, r.kind === 'note' || r.kind === 'fit' ? 10 : 11));
  }
  return Math.ceil(w);
}

/** All geometry of the diagram for the given data and options. Pure. */
export function layoutPhaseDiagram(
  data: PhaseDiagramData,
  options: Pick<PhaseDiagramOptions, 'axis' | 'width' | 'height' | 'seedMode'>,
): PhaseDiagramLayout {
  const { axis } = options;
  const seedMode: SeedMode = options.seedMode ?? 'all';
  const width = Math.max(120, options.width);
  const height = Math.max(120, options.height);

  // Runs to draw: deduplicated by id (last record wins), in a fixed order.
  const byId = new Map<string, RunRecord>();
  for (const r of data.runs) byId.set(runId(r), r);
  let runs = [...byId.values()].sort(compareRuns);
  const shownSeed = new Map<string, number>();
  if (seedMode === 'mean') {
    for (const r of runs) {
      const k = dwKey(r.depth, r.width);
      const s = shownSeed.get(k);
      if (s === undefined || r.seed < s) shownSeed.set(k, r.seed);
    }
    runs = runs.filter((r) => shownSeed.get(dwKey(r.depth, r.width)) === r.seed);
  }
  const running = data.running ?? null;
  const subKeyOf = (k: { depth: number; width: number; seed: number }) =>
    seedMode === 'mean' ? dwKey(k.depth, k.width) : columnId(k);

  // Sub-columns from runs, column records and the running cell.
  const subs = new Map<string, SubColumn>();
  const log2Cs = new Map<string, Set<number>>();
  const addSub = (k: { depth: number; width: number; seed: number }) => {
    const key = subKeyOf(k);
    let s = subs.get(key);
    if (!s) {
      const seed = seedMode === 'mean' ? (shownSeed.get(key) ?? k.seed) : k.seed;
      s = { key, depth: k.depth, width: k.width, seed, xValue: 0, x0: 0, x1: 0, cx: 0, cells: [] };
      s.xValue = axisValue(axis, k.depth, k.width);
      subs.set(key, s);
      log2Cs.set(key, new Set());
    }
    return s;
  };
  for (const r of runs) {
    addSub(r);
    log2Cs.get(subKeyOf(r))!.add(Math.log2(r.c));
  }
  for (const col of data.columns) addSub(col);
  if (running) {
    addSub(running);
    log2Cs.get(subKeyOf(running))!.add(Math.log2(running.c));
  }

  // Slots: distinct x values (equal rationals divide to the same double), ascending.
  const validSubs = [...subs.values()].filter((s) => s.xValue > 0 && Number.isFinite(s.xValue));
  const slotMap = new Map<number, SubColumn[]>();
  for (const s of validSubs) {
    const list = slotMap.get(s.xValue);
    if (list) list.push(s);
    else slotMap.set(s.xValue, [s]);
  }
  const slotXs = [...slotMap.keys()].sort((a, b) => a - b);
  const lnXs = slotXs.map((v) => Math.log(v));
  const halfL: number[] = [];
  const halfR: number[] = [];
  for (let i = 0; i < lnXs.length; i++) {
    const gl = i > 0 ? (lnXs[i]! - lnXs[i - 1]!) / 2 : null;
    const gr = i < lnXs.length - 1 ? (lnXs[i + 1]! - lnXs[i]!) / 2 : null;
    halfL.push(gl ?? gr ?? LN2 / 2);
    halfR.push(gr ?? gl ?? LN2 / 2);
  }
  const xDomain: [number, number] =
    slotXs.length > 0
      ? [Math.exp(lnXs[0]! - halfL[0]!), Math.exp(lnXs.at(-1)! + halfR.at(-1)!)]
      : axis === 'd/w' || axis === '1/w'
        ? [1 / 512, 1 / 8]
        : [1, 1024];

  // c step for sub-columns with a single c: the median neighbour gap over the diagram.
  const gaps: number[] = [];
  for (const set of log2Cs.values()) {
    const s = [...set].sort((a, b) => a - b);
    for (let i = 1; i < s.length; i++) gaps.push(s[i]! - s[i - 1]!);
  }
  const defaultHalf = Math.min(MAX_HALF_LOG2, gaps.length ? median(gaps) / 2 : 0.125);

  // Vertical extent of every cell in log₂ c.
  const extent = new Map<string, Map<number, [number, number]>>();
  for (const [key, set] of log2Cs) {
    const s = [...set].sort((a, b) => a - b);
    const m = new Map<number, [number, number]>();
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      const down = i > 0 ? (v - s[i - 1]!) / 2 : null;
      const up = i < s.length - 1 ? (s[i + 1]! - v) / 2 : null;
      const lo = Math.min(MAX_HALF_LOG2, down ?? up ?? defaultHalf);
      const hi = Math.min(MAX_HALF_LOG2, up ?? down ?? defaultHalf);
      m.set(v, [v - lo, v + hi]);
    }
    extent.set(key, m);
  }

  // Column critical values -> markers (per seed, or seed means).
  interface Crit {
    depth: number;
    width: number;
    seed: number | null;
    key: string;
    values: Record<CriticalKind, number[]>;
  }
  const crits = new Map<string, Crit>();
  const colByKey = new Map<string, ColumnRecord>();
  for (const col of data.columns) colByKey.set(columnId(col), col);
  for (const col of colByKey.values()) {
    const key = subKeyOf(col);
    let cr = crits.get(key);
    if (!cr) {
      const seed = seedMode === 'mean' ? null : col.seed;
      cr = {
        depth: col.depth,
        width: col.width,
        seed,
        key,
        values: { c_loss: [], c_sharp: [], c_max: [] },
      };
      crits.set(key, cr);
    }
    for (const k of CRITICAL_KINDS) {
      const v = col[k];
      if (v !== null && v > 0 && Number.isFinite(v)) cr.values[k].push(v);
    }
  }

  // Fits: per (depth, width) seed mean, across columns.
  const fits: FitGeom[] = [];
  for (const k of CRITICAL_KINDS) {
    const perDw = new Map<string, { x: number; ys: number[] }>();
    for (const col of colByKey.values()) {
      const v = col[k];
      if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
      const key = dwKey(col.depth, col.width);
      const e = perDw.get(key) ?? { x: axisValue(axis, col.depth, col.width), ys: [] };
      e.ys.push(v);
      perDw.set(key, e);
    }
    const points = [...perDw.values()].map((e) => ({ x: e.x, y: mean(e.ys) }));
    const fit = fitPowerLaw(points);
    if (!fit) continue;
    const xs = points.map((p) => p.x).filter((x) => x > 0 && Number.isFinite(x));
    fits.push({ kind: k, fit, xFrom: Math.min(...xs), xTo: Math.max(...xs), points: xs.length });
  }

  // y domain: every cell, every marker, and the reference lines at c = 2 and 4.
  let yLo = 1 - 0.2;
  let yHi = 2 + 0.2;
  for (const m of extent.values()) {
    for (const [lo, hi] of m.values()) {
      yLo = Math.min(yLo, lo);
      yHi = Math.max(yHi, hi);
    }
  }
  for (const cr of crits.values()) {
    for (const k of CRITICAL_KINDS) {
      for (const v of cr.values[k]) {
        yLo = Math.min(yLo, Math.log2(v) - 0.1);
        yHi = Math.max(yHi, Math.log2(v) + 0.1);
      }
    }
  }
  const pad = 0.02 * (yHi - yLo);
  yLo -= pad;
  yHi += pad;

  // Legend and margins.
  const [leftRows, rightRows] = legendRows(fits, axis);
  const colWidth = Math.max(legendTextWidth(leftRows!), legendTextWidth(rightRows!));
  const margin = { top: 14, right: 16, bottom: 54, left: 84 };
  let legend: LegendLayout;
  if (width - colWidth - LEGEND_PAD * 3 >= 420) {
    margin.right = colWidth + LEGEND_PAD * 3;
    legend = {
      placement: 'right',
      x: width - colWidth - LEGEND_PAD * 2,
      y: margin.top,
      columnWidth: colWidth,
      columns: 1,
    };
  } else {
    const two = width >= colWidth * 2 + LEGEND_PAD * 5;
    const rows = two
      ? Math.max(leftRows!.length, rightRows!.length)
      : leftRows!.length + rightRows!.length;
    const legendHeight = rows * LEGEND_ROW + LEGEND_PAD;
    margin.bottom += legendHeight + LEGEND_PAD;
    legend = {
      placement: 'below',
      x: Math.min(margin.left, LEGEND_PAD * 2),
      y: height - legendHeight,
      columnWidth: colWidth,
      columns: two ? 2 : 1,
    };
  }
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const plotHeight = Math.max(40, height - margin.top - margin.bottom);

  const x = scaleLog().domain(xDomain).range([0, plotWidth]);
  const y = scaleLog()
    .base(2)
    .domain([2 ** yLo, 2 ** yHi])
    .range([plotHeight, 0]);

  // Sub-column pixels: slot edges at the half-way points, 4 % padding, sub-columns side by side.
  const orderedSubs: SubColumn[] = [];
  const ticks: SlotTick[] = [];
  slotXs.forEach((xv, i) => {
    const members = slotMap.get(xv)!;
    members.sort((a, b) => a.depth - b.depth || a.width - b.width || a.seed - b.seed);
    const left = x(Math.exp(lnXs[i]! - halfL[i]!));
    const right = x(Math.exp(lnXs[i]! + halfR[i]!));
    const padPx = members.length > 1 ? (right - left) * 0.04 : 0;
    const inner = right - left - 2 * padPx;
    members.forEach((s, j) => {
      s.x0 = left + padPx + (inner * j) / members.length;
      s.x1 = left + padPx + (inner * (j + 1)) / members.length;
      s.cx = (s.x0 + s.x1) / 2;
      orderedSubs.push(s);
    });
    const pairs = new Map<string, { depth: number; width: number }>();
    for (const s of members) pairs.set(dwKey(s.depth, s.width), s);
    ticks.push({ xValue: xv, cx: x(xv), ...slotLabel(axis, xv, [...pairs.values()]) });
  });

  const cellRect = (sub: SubColumn, c: number) => {
    const [lo, hi] = extent.get(sub.key)!.get(Math.log2(c))!;
    const top = y(2 ** hi);
    const bottom = y(2 ** lo);
    const w = sub.x1 - sub.x0;
    const h = bottom - top;
    const insetX = Math.min(0.5, w * 0.1);
    const insetY = Math.min(0.5, h * 0.1);
    return { x: sub.x0 + insetX, y: top + insetY, w: w - 2 * insetX, h: h - 2 * insetY };
  };

  const cells: CellGeom[] = [];
  for (const r of runs) {
    const sub = subs.get(subKeyOf(r))!;
    if (!(sub.xValue > 0) || !Number.isFinite(sub.xValue)) continue;
    const g: CellGeom = { id: runId(r), run: r, sub, ...cellRect(sub, r.c) };
    sub.cells.push(g);
    cells.push(g);
  }

  let runningGeom: PhaseDiagramLayout['running'] = null;
  if (running) {
    const sub = subs.get(subKeyOf(running))!;
    if (sub.xValue > 0 && Number.isFinite(sub.xValue)) {
      runningGeom = {
        key: 'running',
        ...cellRect(sub, running.c),
        label: `running: depth ${running.depth}, width ${running.width}, seed ${running.seed}, c = ${formatC(running.c)}`,
      };
    }
  }

  const markers: MarkerGeom[] = [];
  for (const cr of crits.values()) {
    const sub = subs.get(cr.key);
    if (!sub || !(sub.xValue > 0) || !Number.isFinite(sub.xValue)) continue;
    for (const k of CRITICAL_KINDS) {
      const vs = cr.values[k];
      if (vs.length === 0) continue;
      const c = mean(vs);
      markers.push({
        key: `${cr.key}-${k}`,
        kind: k,
        depth: cr.depth,
        width: cr.width,
        seed: cr.seed,
        c,
        cMin: Math.min(...vs),
        cMax: Math.max(...vs),
        seeds: vs.length,
        x: sub.cx,
        y: y(c),
        subWidth: sub.x1 - sub.x0,
      });
    }
  }

  // y ticks at powers of two, thinned to about one per 18 px.
  const kLo = Math.ceil(yLo);
  const kHi = Math.floor(yHi);
  const every = Math.max(1, Math.ceil((kHi - kLo + 1) / Math.max(1, plotHeight / 18)));
  const yTicks: { c: number; label: string }[] = [];
  for (let k = kLo; k <= kHi; k++) {
    if ((k - kLo) % every === 0) yTicks.push({ c: 2 ** k, label: powerOfTwoLabel(k) });
  }

  return {
    margin,
    plotWidth,
    plotHeight,
    x,
    y,
    subcolumns: orderedSubs,
    cells,
    running: runningGeom,
    markers,
    fits,
    ticks,
    yTicks,
    legend,
  };
}

// ---------------------------------------------------------------------------------------------
// Words for a run.

function formatC(c: number): string {
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

/** The cell's accessible name: the run and its outcome in words. */
export function cellAriaLabel(r: RunRecord): string {
  const head = `depth ${r.depth}, width ${r.width}, seed ${r.seed}, c = ${formatC(r.c)} (η = ${formatSig(r.eta, 3)}): ${REGIME_NAMES[r.regime]}`;
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
    `depth ${r.depth}, width ${r.width}, seed ${r.seed}: ${REGIME_NAMES[r.regime]}`,
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
function cachedWords(r: RunRecord): { label: string; title: string } {
  let w = wordsCache.get(r);
  if (!w) {
    w = { label: cellAriaLabel(r), title: cellTitle(r) };
    wordsCache.set(r, w);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Rendering and interaction.

interface DiagramState {
  options: PhaseDiagramOptions;
  layout: PhaseDiagramLayout | null;
  cellById: Map<string, CellGeom>;
  elById: Map<string, SVGRectElement>;
  focusedId: string | null;
  clipId: string;
}

const states = new WeakMap<SVGSVGElement, DiagramState>();
let clipCounter = 0;

const CSS = `
.pe-phase .cell { cursor: pointer; }
.pe-phase .cell:focus { outline: none; }
.pe-phase .cell:hover { stroke: #000; stroke-width: 1px; }
.pe-phase .cell-running { pointer-events: none; }
.pe-phase .outline, .pe-phase .focus-ring, .pe-phase .marker, .pe-phase .fit, .pe-phase .ref { pointer-events: none; }
`;

const REF_LINES = [2, 4] as const;

/**
 * Draws (or updates) the phase diagram inside `svg`. Cheap to call again: cells are joined by
 * `runId`, keyboard focus stays on its cell, event listeners are installed once per svg.
 */
export function renderPhaseDiagram(
  svg: SVGSVGElement,
  data: PhaseDiagramData,
  options: PhaseDiagramOptions,
): void {
  let state = states.get(svg);
  if (!state) {
    state = {
      options,
      layout: null,
      cellById: new Map(),
      elById: new Map(),
      focusedId: null,
      clipId: `pe-phase-clip-${++clipCounter}`,
    };
    states.set(svg, state);
    installListeners(svg, state);
  }
  state.options = options;
  if (options.focusedId !== undefined) state.focusedId = options.focusedId;

  const active = svg.ownerDocument.activeElement;
  const focusedCellId =
    active && svg.contains(active) && active.classList.contains('cell')
      ? active.getAttribute('data-run-id')
      : null;

  const layout = layoutPhaseDiagram(data, options);
  state.layout = layout;
  state.cellById = new Map(layout.cells.map((c) => [c.id, c]));

  const { width, height } = options;
  const root = prepareRoot(svg, 'pe-phase', Math.max(120, width), Math.max(120, height), CSS);
  root
    .attr('role', 'group')
    .attr('aria-label', `Phase diagram: ${Y_TITLE} against ${AXIS_TITLES[options.axis]}`);

  const { margin, plotWidth, plotHeight, x, y } = layout;
  const defs = layer(root, 'defs', 'defs');
  defs
    .selectAll('clipPath')
    .data([state.clipId])
    .join('clipPath')
    .attr('id', (d) => d)
    .selectAll('rect')
    .data([null])
    .join('rect')
    .attr('width', plotWidth)
    .attr('height', plotHeight);

  const plot = layer(root, 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  const gCells = layer(plot, 'cells');
  const gRunning = layer(plot, 'running');
  const gRefs = layer(plot, 'refs');
  const gFits = layer(plot, 'fits').attr('clip-path', `url(#${state.clipId})`);
  const gMarkers = layer(plot, 'markers');
  const gOutlines = layer(plot, 'outlines');
  const gFocus = layer(plot, 'focus');
  const gAxes = layer(plot, 'axes');
  const gEmpty = layer(plot, 'empty');

  // Cells.
  const selected = options.selected;
  const cellSel = gCells
    .selectAll<SVGRectElement, CellGeom>('rect.cell')
    .data(layout.cells, (d) => d.id)
    .join((enter) => {
      const r = enter
        .append('rect')
        .attr('class', 'cell')
        .attr('tabindex', '0')
        .attr('role', 'button');
      r.append('title');
      return r;
    })
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y)
    .attr('width', (d) => Math.max(0, d.w))
    .attr('height', (d) => Math.max(0, d.h))
    .attr('fill', (d) => regimeFill(d.run.regime, d.run.sharpRatioFinal))
    .attr('data-regime', (d) => d.run.regime)
    .attr('data-c', (d) => String(d.run.c))
    .attr('data-depth', (d) => String(d.run.depth))
    .attr('data-width', (d) => String(d.run.width))
    .attr('data-seed', (d) => String(d.run.seed))
    .attr('data-run-id', (d) => d.id)
    .attr('aria-pressed', (d) => String(selected.has(d.id)))
    .attr('aria-label', (d) => cachedWords(d.run).label)
    .classed('selected', (d) => selected.has(d.id))
    .classed('focused', (d) => d.id === state.focusedId);
  cellSel.select('title').text((d) => cachedWords(d.run).title);
  // Enter inserts new cells in data order; order() only moves nodes that are out of order (an
  // axis or seed-mode change), and focus is restored below if that moved the focused cell.
  cellSel.order();
  state.elById = new Map();
  cellSel.each(function (d) {
    state.elById.set(d.id, this);
  });

  // Running cell.
  gRunning
    .selectAll<SVGRectElement, NonNullable<PhaseDiagramLayout['running']>>('rect.cell-running')
    .data(layout.running ? [layout.running] : [], (d) => d.key)
    .join('rect')
    .attr('class', 'cell-running')
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y)
    .attr('width', (d) => Math.max(0, d.w))
    .attr('height', (d) => Math.max(0, d.h))
    .attr('fill', 'none')
    .attr('stroke', '#000')
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', '3 2')
    .attr('role', 'img')
    .attr('aria-label', (d) => d.label);

  // Reference lines c = 2 and c = 4.
  const refs = gRefs
    .selectAll<SVGGElement, number>('g.ref')
    .data(REF_LINES, (d) => String(d))
    .join((enter) => {
      const g = enter.append('g').attr('class', 'ref');
      g.append('line');
      g.append('text');
      return g;
    })
    .attr('transform', (d) => `translate(0,${y(d)})`);
  refs
    .select('line')
    .attr('x1', 0)
    .attr('x2', plotWidth)
    .attr('stroke', '#444')
    .attr('stroke-width', 1)
    .attr('stroke-dasharray', '4 3');
  refs
    .select('text')
    .attr('x', plotWidth - 4)
    .attr('y', -3)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', '#222')
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text((d) => `c = ${d}`);

  // Fitted boundaries: white halo under a dark dashed line.
  const fitLine = line<[number, number]>();
  const fits = gFits
    .selectAll<SVGGElement, FitGeom>('g.fit')
    .data(layout.fits, (d) => d.kind)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'fit');
      g.append('path').attr('class', 'halo');
      g.append('path').attr('class', 'stroke');
      return g;
    })
    .attr('data-kind', (d) => d.kind)
    .attr('data-exponent', (d) => String(d.fit.p));
  const fitPath = (d: FitGeom) =>
    fitLine([
      [x(d.xFrom), y(d.fit.a * d.xFrom ** d.fit.p)],
      [x(d.xTo), y(d.fit.a * d.xTo ** d.fit.p)],
    ]);
  fits
    .select('path.halo')
    .attr('d', fitPath)
    .attr('fill', 'none')
    .attr('stroke', '#fff')
    .attr('stroke-width', 4)
    .attr('stroke-opacity', 0.8);
  fits
    .select('path.stroke')
    .attr('d', fitPath)
    .attr('fill', 'none')
    .attr('stroke', '#111')
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', (d) => FIT_DASH[d.kind]);

  // Critical-value markers (with a whisker over seeds in seed-mean mode).
  const markers = gMarkers
    .selectAll<SVGGElement, MarkerGeom>('g.marker')
    .data(layout.markers, (d) => d.key)
    .join((enter) => {
      const g = enter.append('g');
      g.append('line').attr('class', 'marker-spread');
      g.append('path').attr('class', 'marker-shape');
      return g;
    })
    .attr('class', (d) => `marker marker-${d.kind}`)
    .attr('data-kind', (d) => d.kind)
    .attr('data-c', (d) => String(d.c))
    .attr('data-depth', (d) => String(d.depth))
    .attr('data-width', (d) => String(d.width))
    .attr('data-seed', (d) => (d.seed === null ? 'mean' : String(d.seed)))
    .attr('transform', (d) => `translate(${d.x},${d.y})`);
  markers
    .select('line.marker-spread')
    .attr('y1', (d) => y(d.cMax) - d.y)
    .attr('y2', (d) => y(d.cMin) - d.y)
    .attr('stroke', '#111')
    .attr('stroke-width', 1)
    .attr('display', (d) => (d.seeds > 1 && d.cMax > d.cMin ? null : 'none'));
  markers
    .select('path.marker-shape')
    .attr('d', (d) => markerPath(d.kind, d.subWidth))
    .attr('fill', '#fff')
    .attr('stroke', '#111')
    .attr('stroke-width', 1.3);

  // Selection outlines and the focus ring sit above the cells so neighbours cannot cover them.
  const sel = layout.cells.filter((c) => selected.has(c.id));
  const outlines = gOutlines
    .selectAll<SVGGElement, CellGeom>('g.outline')
    .data(sel, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'outline');
      g.append('rect').attr('class', 'halo');
      g.append('rect').attr('class', 'stroke');
      return g;
    });
  outlines
    .selectAll<SVGRectElement, CellGeom>('rect')
    .data((d) => [d, d])
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y)
    .attr('width', (d) => Math.max(0, d.w))
    .attr('height', (d) => Math.max(0, d.h))
    .attr('fill', 'none');
  outlines.select('rect.halo').attr('stroke', '#fff').attr('stroke-width', 3.5);
  outlines.select('rect.stroke').attr('stroke', '#000').attr('stroke-width', 1.5);
  drawFocusRing(gFocus, state);

  drawAxes(gAxes, layout, options.axis);

  gEmpty
    .selectAll('text')
    .data(layout.cells.length === 0 && !layout.running ? ['No runs yet.'] : [])
    .join('text')
    .attr('x', plotWidth / 2)
    .attr('y', plotHeight / 2)
    .attr('text-anchor', 'middle')
    .attr('fill', '#555')
    .text((d) => d);

  drawLegend(layer(root, 'legend'), layout, options.axis);

  // Keep keyboard focus: if re-ordering moved the focused cell out of the DOM's focus, put it back.
  if (focusedCellId !== null) {
    const el = state.elById.get(focusedCellId);
    if (el && svg.ownerDocument.activeElement !== el) el.focus({ preventScroll: true });
  }
}

function markerPath(kind: CriticalKind, subWidth: number): string {
  // Area in px²; shrink in narrow sub-columns so markers stay inside their column.
  const side = Math.max(5, Math.min(10, subWidth * 0.6));
  return symbol(MARKER_SYMBOLS[kind], side * side)() ?? '';
}

function drawFocusRing(g: Selection<SVGGElement, unknown, null, undefined>, state: DiagramState) {
  const cell = state.focusedId !== null ? state.cellById.get(state.focusedId) : undefined;
  const ring = g
    .selectAll<SVGGElement, CellGeom>('g.focus-ring')
    .data(cell ? [cell] : [], () => 'ring')
    .join((enter) => {
      const e = enter.append('g').attr('class', 'focus-ring');
      e.append('rect').attr('class', 'halo');
      e.append('rect').attr('class', 'stroke');
      return e;
    });
  ring
    .selectAll<SVGRectElement, CellGeom>('rect')
    .data((d) => [d, d])
    .attr('x', (d) => d.x - 3)
    .attr('y', (d) => d.y - 3)
    .attr('width', (d) => Math.max(0, d.w) + 6)
    .attr('height', (d) => Math.max(0, d.h) + 6)
    .attr('rx', 2)
    .attr('fill', 'none');
  ring.select('rect.halo').attr('stroke', '#fff').attr('stroke-width', 5);
  ring.select('rect.stroke').attr('stroke', '#000').attr('stroke-width', 2);
  for (const [id, el] of state.elById) el.classList.toggle('focused', id === state.focusedId);
}

function drawAxes(
  g: Selection<SVGGElement, unknown, null, undefined>,
  layout: PhaseDiagramLayout,
  axis: DiagramAxis,
) {
  const { plotWidth, plotHeight, y, ticks, yTicks } = layout;
  layer(g, 'frame', 'rect')
    .attr('width', plotWidth)
    .attr('height', plotHeight)
    .attr('fill', 'none')
    .attr('stroke', '#999')
    .attr('stroke-width', 1);

  // y axis
  const yAxis = layer(g, 'y-axis');
  const yt = yAxis
    .selectAll<SVGGElement, { c: number; label: string }>('g.tick')
    .data(yTicks, (d) => String(d.c))
    .join((enter) => {
      const t = enter.append('g').attr('class', 'tick');
      t.append('line');
      t.append('text');
      return t;
    })
    .attr('transform', (d) => `translate(0,${y(d.c)})`);
  yt.select('line').attr('x1', -5).attr('x2', 0).attr('stroke', '#333');
  yt.select('text')
    .attr('x', -8)
    .attr('dy', '0.32em')
    .attr('text-anchor', 'end')
    .attr('fill', '#222')
    .text((d) => d.label);
  layer(yAxis, 'axis-title', 'text')
    .attr('transform', `translate(${-layout.margin.left + 14},${plotHeight / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .text(Y_TITLE);

  // x axis: one tick per slot, labels thinned to one per ~44 px.
  const xAxis = layer(g, 'x-axis').attr('transform', `translate(0,${plotHeight})`);
  const minGap = 44;
  let lastShown = -Infinity;
  const shown = new Set<number>();
  for (const t of ticks) {
    if (t.cx - lastShown >= minGap) {
      shown.add(t.xValue);
      lastShown = t.cx;
    }
  }
  const xt = xAxis
    .selectAll<SVGGElement, SlotTick>('g.tick')
    .data(ticks, (d) => String(d.xValue))
    .join((enter) => {
      const t = enter.append('g').attr('class', 'tick');
      t.append('line');
      t.append('text').attr('class', 'tick-label');
      t.append('text').attr('class', 'tick-sub');
      return t;
    })
    .attr('transform', (d) => `translate(${d.cx},0)`);
  xt.select('line').attr('y1', 0).attr('y2', 5).attr('stroke', '#333');
  xt.select('text.tick-label')
    .attr('y', 16)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('display', (d) => (shown.has(d.xValue) ? null : 'none'))
    .text((d) => d.label);
  xt.select('text.tick-sub')
    .attr('y', 28)
    .attr('text-anchor', 'middle')
    .attr('font-size', 9)
    .attr('fill', '#555')
    .attr('display', (d) => (shown.has(d.xValue) && d.sub ? null : 'none'))
    .text((d) => d.sub ?? '');
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotWidth / 2)
    .attr('y', 44)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .text(AXIS_TITLES[axis]);
}

function drawLegend(
  g: Selection<SVGGElement, unknown, null, undefined>,
  layout: PhaseDiagramLayout,
  axis: DiagramAxis,
) {
  const { legend } = layout;
  const [left, right] = legendRows(layout.fits, axis);
  const placed: { row: LegendRow; x: number; y: number }[] = [];
  if (legend.columns === 2) {
    left!.forEach((row, i) => placed.push({ row, x: 0, y: i * LEGEND_ROW }));
    right!.forEach((row, i) =>
      placed.push({ row, x: legend.columnWidth + LEGEND_PAD * 2, y: i * LEGEND_ROW }),
    );
  } else {
    [...left!, ...right!].forEach((row, i) =>
      placed.push({ row, x: 0, y: i * LEGEND_ROW + (i >= left!.length ? 6 : 0) }),
    );
  }
  g.attr('transform', `translate(${legend.x},${legend.y})`).attr('class', 'legend');
  const rows = g
    .selectAll<SVGGElement, (typeof placed)[number]>('g.legend-row')
    .data(placed, (d) => d.row.key)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'legend-row');
      e.append('g').attr('class', 'swatch');
      e.append('text');
      return e;
    })
    .attr('data-key', (d) => d.row.key)
    .attr('transform', (d) => `translate(${d.x},${d.y})`);
  rows
    .select('text')
    .attr('x', (d) =>
      d.row.kind === 'title' ? 0 : d.row.kind === 'note' || d.row.kind === 'fit' ? 30 : 22,
    )
    .attr('y', 11)
    .attr('font-size', (d) => (d.row.kind === 'note' || d.row.kind === 'fit' ? 10 : FONT_SIZE))
    .attr('font-weight', (d) => (d.row.kind === 'title' ? 600 : null))
    .attr('fill', (d) => (d.row.kind === 'note' || d.row.kind === 'fit' ? '#444' : '#111'))
    .text((d) => d.row.text);
  rows.each(function (d) {
    const sw = select(this).select<SVGGElement>('g.swatch');
    sw.selectAll('*').remove();
    const { row } = d;
    if (row.kind === 'regime' && row.regime) {
      if (row.regime === 'stable') {
        [1, 0.75, 0.5].forEach((ratio, i) => {
          sw.append('rect')
            .attr('x', i * 5)
            .attr('y', 2)
            .attr('width', 5)
            .attr('height', 12)
            .attr('fill', stableShade(ratio));
        });
      } else {
        sw.append('rect')
          .attr('y', 2)
          .attr('width', 15)
          .attr('height', 12)
          .attr('fill', REGIME_COLORS[row.regime]);
      }
    } else if (row.kind === 'marker' && row.marker) {
      sw.append('path')
        .attr('transform', 'translate(8,8)')
        .attr('d', markerPath(row.marker, 20))
        .attr('fill', '#fff')
        .attr('stroke', '#111')
        .attr('stroke-width', 1.3);
    } else if (row.kind === 'fit' && row.marker) {
      sw.append('line')
        .attr('x1', 2)
        .attr('x2', 26)
        .attr('y1', 8)
        .attr('y2', 8)
        .attr('stroke', '#111')
        .attr('stroke-width', 1.5)
        .attr('stroke-dasharray', FIT_DASH[row.marker]);
    } else if (row.kind === 'running') {
      sw.append('rect')
        .attr('x', 1)
        .attr('y', 3)
        .attr('width', 13)
        .attr('height', 10)
        .attr('fill', 'none')
        .attr('stroke', '#000')
        .attr('stroke-width', 1.5)
        .attr('stroke-dasharray', '3 2');
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Events: delegated to the svg root, installed once, reading the latest options from the state.

function cellOf(state: DiagramState, target: EventTarget | null) {
  const el = (target as Element | null)?.closest?.('rect.cell') as SVGRectElement | null;
  if (!el) return null;
  const id = el.getAttribute('data-run-id');
  const geom = id !== null ? state.cellById.get(id) : undefined;
  return geom ? { el, geom } : null;
}

function selectMode(e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): SelectMode {
  if (e.shiftKey) return 'range';
  if (e.ctrlKey || e.metaKey) return 'toggle';
  return 'replace';
}

/** The cell an arrow (or Home/End) key moves to from `from`, or null. */
export function neighbourCell(
  layout: PhaseDiagramLayout,
  from: CellGeom,
  key: string,
): CellGeom | null {
  const cells = from.sub.cells;
  const i = cells.indexOf(from);
  switch (key) {
    case 'ArrowUp':
      return cells[i + 1] ?? null;
    case 'ArrowDown':
      return i > 0 ? (cells[i - 1] ?? null) : null;
    case 'Home':
      return cells[0] ?? null;
    case 'End':
      return cells.at(-1) ?? null;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const subs = layout.subcolumns;
      const step = key === 'ArrowLeft' ? -1 : 1;
      const target = Math.log2(from.run.c);
      for (let j = subs.indexOf(from.sub) + step; j >= 0 && j < subs.length; j += step) {
        const s = subs[j]!;
        if (s.cells.length === 0) continue;
        let best = s.cells[0]!;
        for (const c of s.cells) {
          if (Math.abs(Math.log2(c.run.c) - target) < Math.abs(Math.log2(best.run.c) - target)) {
            best = c;
          }
        }
        return best;
      }
      return null;
    }
    default:
      return null;
  }
}

function installListeners(svg: SVGSVGElement, state: DiagramState) {
  svg.addEventListener('click', (e) => {
    const hit = cellOf(state, e.target);
    if (!hit) return;
    if (svg.ownerDocument.activeElement !== hit.el) hit.el.focus({ preventScroll: true });
    state.options.onSelect?.(hit.geom.id, selectMode(e));
  });
  svg.addEventListener('keydown', (e) => {
    const hit = cellOf(state, e.target);
    if (!hit || !state.layout) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      state.options.onSelect?.(hit.geom.id, selectMode(e));
      return;
    }
    const next = neighbourCell(state.layout, hit.geom, e.key);
    if (next === null) {
      if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End') e.preventDefault();
      return;
    }
    e.preventDefault();
    state.elById.get(next.id)?.focus({ preventScroll: false });
  });
  svg.addEventListener('focusin', (e) => {
    const hit = cellOf(state, e.target);
    if (!hit) return;
    if (state.focusedId !== hit.geom.id) {
      state.focusedId = hit.geom.id;
      drawFocusRing(plotLayer(svg, 'focus'), state);
      state.options.onFocusChange?.(hit.geom.id);
    }
    state.options.onHover?.(hit.geom.run, hit.el);
  });
  svg.addEventListener('focusout', (e) => {
    if (cellOf(state, e.relatedTarget)) return;
    if (cellOf(state, e.target)) state.options.onHover?.(null, null);
  });
  svg.addEventListener('mouseover', (e) => {
    const hit = cellOf(state, e.target);
    if (hit) state.options.onHover?.(hit.geom.run, hit.el);
  });
  svg.addEventListener('mouseout', (e) => {
    if (!cellOf(state, e.target) || cellOf(state, e.relatedTarget)) return;
    state.options.onHover?.(null, null);
  });
}

/** The plot's `g.{name}` layer, for redraws from event handlers. */
function plotLayer(
  svg: SVGSVGElement,
  name: string,
): Selection<SVGGElement, unknown, null, undefined> {
  const plot = Array.from(svg.children).find((c) => c.classList.contains('plot'));
  const g = plot && Array.from(plot.children).find((c) => c.classList.contains(name));
  if (!g) throw new Error(`phase diagram: no ${name} layer`);
  return select(g as SVGGElement);
}
