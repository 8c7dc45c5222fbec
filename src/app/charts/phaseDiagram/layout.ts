/** The diagram's geometry: a pure function of the data and the options, exported for tests. */
import { scaleLog } from 'd3';
import type { ScaleLogarithmic } from 'd3';
import {
  fitLinear,
  fitPowerLaw,
  type FitPoint,
  type LinearFit,
  type PowerLawFit,
} from '../../../core/phase/fit';
import {
  boundaryValues,
  summarizeColumns,
  type CriticalSummary,
  type BoundaryValue,
} from '../../../core/phase/summary';
import type { DiagramAxis } from '../../../core/settings/schema';
import { compareColumns, compareRuns } from '../../../core/sweep/order';
import {
  columnId,
  runId,
  sameColumn,
  type ColumnKey,
  type ColumnRecord,
  type RunRecord,
} from '../../../core/sweep/records';
import { textWidth } from '../svgUtil';
import { DIAGRAM_KINDS, summarizeKind, type DiagramKind } from './kinds';
import type { PhaseDiagramData, PhaseDiagramOptions, SeedMode } from './types';
import {
  archLabel,
  formatC,
  legendRows,
  slotLabel,
  powerOfTwoLabel,
  type FitFamily,
  type LegendRow,
} from './words';

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

export interface SubColumn {
  /** columnId (seedMode 'all') or `d{depth}-w{width}` (seedMode 'mean'). */
  key: string;
  depth: number;
  width: number;
  /** The init seed I and order seed J whose cells are drawn here. */
  seed: number;
  orderSeed: number;
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
  kind: DiagramKind;
  depth: number;
  width: number;
  /** The seed (seedMode 'all'), or null for a seed mean. */
  seed: number | null;
  /** c (or its mean over the seeds that saw the event), and the range over those seeds. */
  c: number;
  cMin: number;
  cMax: number;
  /** Seeds whose event was seen (the ones averaged). */
  seeds: number;
  /** Seeds whose event never happened before their divergence (value > their c_max). */
  censored: number;
  /** Seeds in the sub-column's column records. */
  seedsTotal: number;
  /**
   * No seed saw the event and the marker stands at the censored bound: for c_barrier, "no
   * barrier seen: c_max used" (the demo's fallback). Drawn hollow.
   */
  hollow: boolean;
  /** Centre in px; moved sideways from the sub-column's centre when markers would overlap. */
  x: number;
  y: number;
  /** The sub-column's centre (where the marker sits unless moved aside). */
  cx: number;
  /** Width of the marker's sub-column in px (markers shrink to fit narrow ones). */
  subWidth: number;
  /** Side of the marker's box in px. */
  size: number;
}

/** A box in plot px, for overlap checks. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** An empty outline of a planned (column, c) cell not run yet. */
export interface PlannedCellGeom {
  key: string;
  depth: number;
  width: number;
  seed: number;
  c: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The label of a reference line c = 2 or 4, placed where no marker or other label is. */
export interface RefLabelGeom {
  c: number;
  text: string;
  /** Text anchor point (baseline) in plot px. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: Box;
}

/** A kind with markers but no fit line: the legend says why. */
export interface FitNote {
  kind: DiagramKind;
  /** Architectures with a value (none censored). */
  points: number;
  /** Architectures left out because a seed is censored (for c_barrier: no barrier seen). */
  censored: number;
}

/** A power-law fit c ≈ a·x^p of a boundary across columns (a straight line on log–log axes). */
export interface FitGeom {
  kind: DiagramKind;
  fit: PowerLawFit;
  /** Axis values at the two ends of the drawn line (the fitted points' x range). */
  xFrom: number;
  xTo: number;
  points: number;
}

/**
 * A linear fit c ≈ a + b·x of a boundary, x = d/w over all columns or x = 1/w at one depth (the
 * paper's demo; the intercept a is the x → 0 limit). Only on the d/w and 1/w axes.
 */
export interface LinearFitGeom {
  key: string;
  kind: DiagramKind;
  /** The depth fitted (x = 1/w at fixed d), or null for x = d/w over all depths. */
  depth: number | null;
  fit: LinearFit;
  xFrom: number;
  xTo: number;
}

/**
 * One tick per architecture (a column, over its seeds), always: a slot holding several
 * architectures at one x (e.g. three widths at d = 8 on the depth axis) gets a tick for each,
 * labelled with what tells them apart, and the slot's value once below them (`group`).
 */
export interface SlotTick {
  /** `d{depth}-w{width}`. */
  key: string;
  xValue: number;
  cx: number;
  label: string;
  /** Second line (d/w: "8/256" when the slot holds one architecture). */
  sub: string | null;
  /** Whether the label fits without overlapping its neighbour's (the tick mark is always drawn). */
  shown: boolean;
  /** Label box in plot px (below the plot: y from plotHeight). */
  box: Box;
}

/** The shared x value under a slot with several architectures. */
export interface SlotGroupLabel {
  xValue: number;
  cx: number;
  label: string;
  shown: boolean;
  box: Box;
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
  plannedCells: PlannedCellGeom[];
  /** The words in an empty plot ("Planned: …" before a run), or null when cells are drawn. */
  emptyText: string | null;
  running: { key: string; x: number; y: number; w: number; h: number; label: string } | null;
  markers: MarkerGeom[];
  fits: FitGeom[];
  linearFits: LinearFitGeom[];
  fitNotes: FitNote[];
  ticks: SlotTick[];
  groupLabels: SlotGroupLabel[];
  refLabels: RefLabelGeom[];
  yTicks: { c: number; label: string }[];
  legend: LegendLayout;
  /** The legend's two groups of rows (regimes; critical values and fits). */
  legendRows: LegendRow[][];
}

/**
 * Whether a family of fit lines is drawn before the user toggles it: linear fits always; power
 * laws only on the d and w axes, where no linear fit is made (on d/w and 1/w the paper's linear
 * fits are the ones to read, and two lines per boundary crowd a small diagram).
 */
export function fitShownByDefault(family: FitFamily, axis: DiagramAxis): boolean {
  return family === 'line' || (axis !== 'd/w' && axis !== '1/w');
}

const LN2 = Math.LN2;
/** A cell never reaches further than one octave of c from its own c. */
const MAX_HALF_LOG2 = 1;
export const LEGEND_ROW = 16;
export const LEGEND_PAD = 8;

function dwKey(depth: number, width: number): string {
  return `d${depth}-w${width}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function legendTextWidth(rows: readonly LegendRow[]): number {
  let w = 0;
  for (const r of rows) {
    const indent = legendIndent(r);
    w = Math.max(w, indent + textWidth(r.text, r.kind === 'note' || r.kind === 'fit' ? 10 : 11));
  }
  return Math.ceil(w);
}

/** Indent of a legend row's text (after its swatch). */
function legendIndent(r: LegendRow): number {
  return r.kind === 'title' ? 0 : r.kind === 'note' || r.kind === 'fit' ? 30 : 22;
}

/**
 * Rows wider than `room` px split at spaces into continuation rows (notes, keyed `{key}~{i}`),
 * so a narrow legend wraps instead of cutting its text.
 */
function wrapLegendRows(rows: readonly LegendRow[], room: number): LegendRow[] {
  const out: LegendRow[] = [];
  for (const r of rows) {
    const font = r.kind === 'note' || r.kind === 'fit' ? 10 : 11;
    const fits = (t: string) => legendIndent(r) + textWidth(t, font) <= room;
    if (fits(r.text)) {
      out.push(r);
      continue;
    }
    const lines: string[] = [];
    let line = '';
    for (const word of r.text.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (line && !fits(next)) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    lines.forEach((text, i) =>
      out.push(
        i === 0
          ? { ...r, text }
          : { key: `${r.key}~${i}`, kind: r.kind === 'title' ? 'title' : 'note', text },
      ),
    );
  }
  return out;
}

/** Same c up to float noise (grid values come from 2^x). */
function sameC(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(a, b);
}

/** Side in px of a marker in a sub-column `subWidth` px wide. */
export function markerSide(subWidth: number): number {
  return Math.max(5, Math.min(10, subWidth * 0.6));
}

/** Tick label rows below the plot: baselines and font sizes. */
export const TICK_LABEL_Y = 16;
export const TICK_SUB_Y = 28;
export const TICK_SUB_FONT = 9;
const TICK_FONT = 11;
const REF_FONT = 10;
/** Widest legend column in px before its rows wrap. */
const LEGEND_MAX_WIDTH = 360;
/** The y labels end this far left of the axis; the rotated axis title takes this much room. */
const Y_LABEL_GAP = 8;
const Y_TITLE_SPACE = 24;
/** Least free space between two tick labels in px. */
const TICK_GAP = 6;

/**
 * Points a boundary fit goes through, per architecture: the seed mean of `kind`, architectures
 * with a censored seed left out (core's `boundaryValues` rule, applied to c_barrier as well).
 */
function archValues(
  columns: readonly ColumnRecord[],
  kind: DiagramKind,
): { values: BoundaryValue[]; censored: number } {
  if (kind !== 'c_barrier') {
    const summaries = summarizeColumns(columns);
    const values = boundaryValues(summaries, kind).filter((v) => v.c > 0);
    return { values, censored: summaries.filter((g) => g[kind].censored > 0).length };
  }
  const groups = new Map<string, ColumnRecord[]>();
  for (const c of columns)
    groups.set(dwKey(c.depth, c.width), [...(groups.get(dwKey(c.depth, c.width)) ?? []), c]);
  const values: BoundaryValue[] = [];
  let censored = 0;
  for (const g of groups.values()) {
    const s = summarizeKind(g, kind);
    if (s.censored > 0) censored++;
    else if (s.seen.mean !== null && Number.isFinite(s.seen.mean) && s.seen.mean > 0)
      values.push({ depth: g[0]!.depth, width: g[0]!.width, c: s.seen.mean });
  }
  return { values, censored };
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

  // The planned grid counts only while every result belongs to it: results of other settings
  // (an import) are shown as they are, without the page's plan beside them.
  const plannedIn = data.planned ?? null;
  const planIds = new Set((plannedIn?.columns ?? []).map(columnId));
  const planned =
    plannedIn &&
    plannedIn.columns.length > 0 &&
    plannedIn.cs.length > 0 &&
    runs.every((r) => planIds.has(columnId(r))) &&
    data.columns.every((c) => planIds.has(columnId(c)))
      ? plannedIn
      : null;
  const plannedCs = planned ? [...planned.cs].filter((c) => c > 0).sort((a, b) => a - b) : [];

  // Seed mean: the cells of each architecture's first column (smallest I, then J) stand for it.
  const shownColumn = new Map<string, ColumnKey>();
  if (seedMode === 'mean') {
    for (const r of [...runs, ...(planned?.columns ?? [])]) {
      const k = dwKey(r.depth, r.width);
      const s = shownColumn.get(k);
      if (s === undefined || compareColumns(r, s) < 0) shownColumn.set(k, r);
    }
    runs = runs.filter((r) => {
      const shown = shownColumn.get(dwKey(r.depth, r.width));
      return shown !== undefined && sameColumn(r, shown);
    });
  }
  const running = data.running ?? null;
  const subKeyOf = (k: ColumnKey) => (seedMode === 'mean' ? dwKey(k.depth, k.width) : columnId(k));

  // Sub-columns from runs, column records, the plan and the running cell.
  const subs = new Map<string, SubColumn>();
  const log2Cs = new Map<string, Set<number>>();
  const addSub = (k: ColumnKey) => {
    const key = subKeyOf(k);
    let s = subs.get(key);
    if (!s) {
      const shown = (seedMode === 'mean' ? shownColumn.get(key) : undefined) ?? k;
      s = {
        key,
        depth: k.depth,
        width: k.width,
        seed: shown.seed,
        orderSeed: shown.orderSeed,
        xValue: 0,
        x0: 0,
        x1: 0,
        cx: 0,
        cells: [],
      };
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
  for (const k of planned?.columns ?? []) addSub(k);
  if (running) {
    addSub(running);
    log2Cs.get(subKeyOf(running))!.add(Math.log2(running.c));
  }

  // Planned cells still to come: in every sub-column whose shown column has no record yet, each
  // grid c not run, below the column's first divergence so far.
  const finished = new Set(data.columns.map((c) => subKeyOf(c)));
  if (seedMode === 'mean') {
    finished.clear();
    for (const c of data.columns) {
      const shown = shownColumn.get(dwKey(c.depth, c.width));
      if (shown !== undefined && sameColumn(c, shown)) finished.add(subKeyOf(c));
    }
  }
  const pendingCs = new Map<string, number[]>();
  if (planned) {
    for (const s of subs.values()) {
      if (finished.has(s.key) || !planIds.has(columnId(s))) continue;
      const mine = runs.filter((r) => subKeyOf(r) === s.key);
      const firstDiv = Math.min(Infinity, ...mine.filter((r) => r.diverged).map((r) => r.c));
      const todo = planned.outlines
        ? plannedCs.filter((c) => c < firstDiv && !mine.some((r) => sameC(r.c, c)))
        : [];
      pendingCs.set(s.key, todo);
      for (const c of todo) log2Cs.get(s.key)!.add(Math.log2(c));
    }
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
  for (let i = 1; i < plannedCs.length; i++)
    gaps.push(Math.log2(plannedCs[i]!) - Math.log2(plannedCs[i - 1]!));
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

  // Column critical values -> markers (per seed, or over seeds), censored seeds counted.
  const colByKey = new Map<string, ColumnRecord>();
  for (const col of data.columns) colByKey.set(columnId(col), col);
  const colsBySub = new Map<string, ColumnRecord[]>();
  for (const col of colByKey.values()) {
    const key = subKeyOf(col);
    colsBySub.set(key, [...(colsBySub.get(key) ?? []), col]);
  }
  interface Crit {
    depth: number;
    width: number;
    seed: number | null;
    key: string;
    summary: Record<DiagramKind, CriticalSummary>;
  }
  const crits: Crit[] = [];
  for (const [key, cols] of colsBySub) {
    const first = cols[0]!;
    const summary = {} as Record<DiagramKind, CriticalSummary>;
    for (const k of DIAGRAM_KINDS) summary[k] = summarizeKind(cols, k);
    crits.push({
      depth: first.depth,
      width: first.width,
      seed: seedMode === 'mean' ? null : first.seed,
      key,
      summary,
    });
  }
  /** Where a kind's marker stands: the mean seen, or for c_barrier with none seen its bound. */
  const markerValue = (s: CriticalSummary, k: DiagramKind) => {
    if (s.seen.mean !== null && s.min !== null && s.max !== null && s.seen.mean > 0)
      return { c: s.seen.mean, cMin: s.min, cMax: s.max, hollow: false };
    if (k === 'c_barrier' && s.censored > 0 && s.above !== null && s.above > 0)
      return { c: s.above, cMin: s.above, cMax: s.above, hollow: true };
    return null;
  };

  // Fits across architectures, of the mean over seeds (censored architectures left out).
  const allColumns = [...colByKey.values()];
  const xRange = (points: readonly FitPoint[]) => {
    const xs = points.map((p) => p.x).filter((v) => v > 0 && Number.isFinite(v));
    return { xFrom: Math.min(...xs), xTo: Math.max(...xs) };
  };
  const fits: FitGeom[] = [];
  const linearFits: LinearFitGeom[] = [];
  const fitNotes: FitNote[] = [];
  for (const k of DIAGRAM_KINDS) {
    const { values: means, censored } = archValues(allColumns, k);
    const points = means.map((m) => ({ x: axisValue(axis, m.depth, m.width), y: m.c }));
    const fit = fitPowerLaw(points);
    if (fit) fits.push({ kind: k, fit, ...xRange(points), points: fit.n });
    else if (crits.some((cr) => markerValue(cr.summary[k], k) !== null))
      fitNotes.push({ kind: k, points: means.length, censored });
    // Linear fits where the axis is one the paper fits against: d/w, or 1/w at each depth.
    const groups: [number | null, FitPoint[]][] =
      axis === 'd/w'
        ? [[null, means.map((m) => ({ x: m.depth / m.width, y: m.c }))]]
        : axis === '1/w'
          ? [...new Set(means.map((m) => m.depth))]
              .sort((p, q) => p - q)
              .map((d): [number, FitPoint[]] => [
                d,
                means.filter((m) => m.depth === d).map((m) => ({ x: 1 / m.width, y: m.c })),
              ])
          : [];
    for (const [depth, pts] of groups) {
      const lf = fitLinear(pts);
      if (!lf) continue;
      const key = depth === null ? `${k}-dw` : `${k}-d${depth}`;
      linearFits.push({ key, kind: k, depth, fit: lf, ...xRange(pts) });
    }
  }

  // y domain: every cell, every marker, the reference lines at c = 2 and 4, and while a planned
  // column is still to run, the whole planned c grid (so the axis shows what will fill).
  let yLo = 1 - 0.2;
  let yHi = 2 + 0.2;
  for (const m of extent.values()) {
    for (const [lo, hi] of m.values()) {
      yLo = Math.min(yLo, lo);
      yHi = Math.max(yHi, hi);
    }
  }
  if (planned && pendingCs.size > 0) {
    yLo = Math.min(yLo, Math.log2(plannedCs[0]!) - defaultHalf);
    yHi = Math.max(yHi, Math.log2(plannedCs.at(-1)!) + defaultHalf);
  }
  for (const cr of crits) {
    for (const k of DIAGRAM_KINDS) {
      const v = markerValue(cr.summary[k], k);
      if (!v) continue;
      yLo = Math.min(yLo, Math.log2(v.cMin) - 0.1);
      yHi = Math.max(yHi, Math.log2(v.cMax) + 0.1);
    }
  }
  const pad = 0.02 * (yHi - yLo);
  yLo -= pad;
  yHi += pad;

  // Legend and margins.
  const anyBarrier = data.columns.some((c) => c.c_barrier !== undefined && c.c_barrier !== null);
  const anyHollow = crits.some((cr) => markerValue(cr.summary.c_barrier, 'c_barrier')?.hollow);
  const rowsOf = legendRows(fits, linearFits, axis, fitNotes, {
    barrier: anyBarrier || data.columns.length === 0,
    hollow: anyHollow,
  });
  // Rows wrap at LEGEND_MAX_WIDTH, so one long note does not push the legend under the plot.
  rowsOf[0] = wrapLegendRows(rowsOf[0]!, LEGEND_MAX_WIDTH);
  rowsOf[1] = wrapLegendRows(rowsOf[1]!, LEGEND_MAX_WIDTH);
  let [leftRows, rightRows] = rowsOf;
  let colWidth = Math.max(legendTextWidth(leftRows!), legendTextWidth(rightRows!));
  // The left margin holds the widest y label ("0.0625 (2⁻⁴)" is wider than "128 (2⁷)") and the
  // axis title beside it.
  let yLabelWidth = 0;
  for (let k = Math.ceil(yLo); k <= Math.floor(yHi); k++)
    yLabelWidth = Math.max(yLabelWidth, textWidth(powerOfTwoLabel(k), TICK_FONT));
  const margin = {
    top: 14,
    right: 16,
    bottom: 54,
    left: Math.max(84, Math.ceil(yLabelWidth) + Y_LABEL_GAP + Y_TITLE_SPACE),
  };
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
    if (!two) {
      // One column on a narrow screen: long rows wrap instead of running off the svg.
      const room = width - Math.min(margin.left, LEGEND_PAD * 2) - LEGEND_PAD;
      leftRows = wrapLegendRows(leftRows!, room);
      rightRows = wrapLegendRows(rightRows!, room);
      rowsOf[0] = leftRows;
      rowsOf[1] = rightRows;
      colWidth = Math.min(colWidth, room);
    }
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
  const groupLabels: SlotGroupLabel[] = [];
  const noBox: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  slotXs.forEach((xv, i) => {
    const members = slotMap.get(xv)!;
    members.sort(compareColumns);
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
    // One tick per architecture, centred over its seeds' sub-columns.
    const archs = new Map<string, SubColumn[]>();
    for (const s of members) {
      const k = dwKey(s.depth, s.width);
      archs.set(k, [...(archs.get(k) ?? []), s]);
    }
    const slot = slotLabel(
      axis,
      xv,
      [...archs.values()].map((g) => g[0]!),
    );
    for (const [k, g] of archs) {
      const cx = (g[0]!.x0 + g.at(-1)!.x1) / 2;
      const label = archs.size === 1 ? slot.label : archLabel(axis, g[0]!.depth, g[0]!.width);
      ticks.push({
        key: k,
        xValue: xv,
        cx,
        label,
        sub: archs.size === 1 ? slot.sub : null,
        shown: false,
        box: noBox,
      });
    }
    if (archs.size > 1)
      groupLabels.push({ xValue: xv, cx: x(xv), label: slot.label, shown: false, box: noBox });
  });
  // Labels shown left to right while they leave TICK_GAP px to the last one shown in their row;
  // the second row holds both the single-architecture sub-labels and the group labels.
  const place = (cx: number, text: string, font: number, baseline: number): Box => {
    const w = textWidth(text, font);
    return {
      x0: cx - w / 2,
      x1: cx + w / 2,
      y0: plotHeight + baseline - font,
      y1: plotHeight + baseline + 3,
    };
  };
  let lastRight = -Infinity;
  for (const t of ticks) {
    t.box = place(t.cx, t.label, TICK_FONT, TICK_LABEL_Y);
    t.shown = t.box.x0 >= lastRight + TICK_GAP;
    if (t.shown) lastRight = t.box.x1;
  }
  const row2: { cx: number; item: SlotTick | SlotGroupLabel; text: string }[] = [
    ...ticks.filter((t) => t.shown && t.sub).map((t) => ({ cx: t.cx, item: t, text: t.sub! })),
    ...groupLabels.map((g) => ({ cx: g.cx, item: g, text: g.label })),
  ].sort((a, b) => a.cx - b.cx);
  lastRight = -Infinity;
  const subShown = new Set<SlotTick>();
  for (const r of row2) {
    const b = place(r.cx, r.text, TICK_SUB_FONT, TICK_SUB_Y);
    const ok = b.x0 >= lastRight + TICK_GAP;
    if (ok) lastRight = b.x1;
    if ('key' in r.item) {
      if (ok) subShown.add(r.item);
    } else {
      r.item.box = b;
      r.item.shown = ok;
    }
  }
  for (const t of ticks) if (t.sub && !subShown.has(t)) t.sub = null;

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

  const plannedCells: PlannedCellGeom[] = [];
  for (const s of orderedSubs) {
    for (const c of pendingCs.get(s.key) ?? []) {
      if (running && subKeyOf(running) === s.key && sameC(running.c, c)) continue;
      plannedCells.push({
        key: `${s.key}-c${c}`,
        depth: s.depth,
        width: s.width,
        seed: s.seed,
        c,
        ...cellRect(s, c),
      });
    }
  }

  const markers: MarkerGeom[] = [];
  for (const cr of crits) {
    const sub = subs.get(cr.key);
    if (!sub || !(sub.xValue > 0) || !Number.isFinite(sub.xValue)) continue;
    const subWidth = sub.x1 - sub.x0;
    const size = markerSide(subWidth);
    const mine: MarkerGeom[] = [];
    for (const k of DIAGRAM_KINDS) {
      const s = cr.summary[k];
      const v = markerValue(s, k);
      if (!v) continue;
      mine.push({
        key: `${cr.key}-${k}`,
        kind: k,
        depth: cr.depth,
        width: cr.width,
        seed: cr.seed,
        ...v,
        seeds: s.seen.n,
        censored: s.censored,
        seedsTotal: s.seeds,
        x: sub.cx,
        y: y(v.c),
        cx: sub.cx,
        subWidth,
        size,
      });
    }
    // Markers closer than their size in y (c_loss = c_sharp, c_barrier = c_max) would cover one
    // another: a run of them is spread side by side, centred on the sub-column.
    mine.sort((a, b) => a.y - b.y);
    for (let i = 0; i < mine.length;) {
      let j = i + 1;
      while (j < mine.length && mine[j]!.y - mine[j - 1]!.y < size + 1) j++;
      const n = j - i;
      for (let q = 0; q < n; q++) mine[i + q]!.x = sub.cx + (q - (n - 1) / 2) * (size + 2);
      i = j;
    }
    markers.push(...mine);
  }

  // Reference-line labels: at the right end above the line unless a marker or the other label
  // is there; then below it, then at the left end.
  const obstacles: Box[] = markers.map((m) => ({
    x0: m.x - m.size / 2 - 1,
    x1: m.x + m.size / 2 + 1,
    y0: m.y - m.size / 2 - 1,
    y1: m.y + m.size / 2 + 1,
  }));
  const refLabels: RefLabelGeom[] = [];
  for (const c of REF_CS) {
    const yc = y(c);
    const text = `c = ${c}`;
    const w = textWidth(text, REF_FONT);
    const candidates: Omit<RefLabelGeom, 'box' | 'c' | 'text'>[] = [
      { x: plotWidth - 4, y: yc - 3, anchor: 'end' },
      { x: plotWidth - 4, y: yc + REF_FONT + 1, anchor: 'end' },
      { x: 4, y: yc - 3, anchor: 'start' },
      { x: 4, y: yc + REF_FONT + 1, anchor: 'start' },
    ];
    const boxOf = (p: (typeof candidates)[number]): Box => {
      const x0 = p.anchor === 'end' ? p.x - w : p.x;
      return { x0, x1: x0 + w, y0: p.y - REF_FONT + 1, y1: p.y + 2 };
    };
    const free = candidates.find((p) => !obstacles.some((o) => boxesOverlap(o, boxOf(p))));
    const p = free ?? candidates[0]!;
    const box = boxOf(p);
    refLabels.push({ c, text, ...p, box });
    obstacles.push(box);
  }

  // y ticks at powers of two, thinned to about one per 18 px.
  const kLo = Math.ceil(yLo);
  const kHi = Math.floor(yHi);
  const every = Math.max(1, Math.ceil((kHi - kLo + 1) / Math.max(1, plotHeight / 18)));
  const yTicks: { c: number; label: string }[] = [];
  for (let k = kLo; k <= kHi; k++) {
    if ((k - kLo) % every === 0) yTicks.push({ c: 2 ** k, label: powerOfTwoLabel(k) });
  }

  let emptyText: string | null = null;
  if (cells.length === 0 && !runningGeom) {
    if (planned) {
      const nCols = new Set(planned.columns.map((k) => dwKey(k.depth, k.width))).size;
      const seeds = new Set(planned.columns.map((k) => k.seed)).size;
      const cText = planned.outlines
        ? `${plannedCs.length} values of c`
        : `c from ${formatC(plannedCs[0]!)} to ${formatC(plannedCs.at(-1)!)} by bisection`;
      emptyText = `Planned: ${nCols} column${nCols === 1 ? '' : 's'}${seeds > 1 ? ` × ${seeds} seeds` : ''}, ${cText}. Press Run to fill them.`;
    } else emptyText = 'No runs yet.';
  }

  return {
    margin,
    plotWidth,
    plotHeight,
    x,
    y,
    subcolumns: orderedSubs,
    cells,
    plannedCells,
    emptyText,
    running: runningGeom,
    markers,
    fits,
    linearFits,
    fitNotes,
    ticks,
    groupLabels,
    refLabels,
    yTicks,
    legend,
    legendRows: rowsOf,
  };
}

/**
 * The reference lines: c = 2, where a quadratic loss stops being stable, and c = 4, the top of
 * the catapult window of a very wide network (d/w → 0).
 */
export const REF_CS = [2, 4] as const;
