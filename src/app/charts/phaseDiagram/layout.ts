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
  CRITICAL_KINDS,
  summarizeColumns,
  summarizeCritical,
  type CriticalKind,
  type CriticalSummary,
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
import type { PhaseDiagramData, PhaseDiagramOptions, SeedMode } from './types';
import { formatC, legendRows, slotLabel, powerOfTwoLabel, type LegendRow } from './words';

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
  kind: CriticalKind;
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
  x: number;
  y: number;
  /** Width of the marker's sub-column in px (markers shrink to fit narrow ones). */
  subWidth: number;
}

/** A power-law fit c ≈ a·x^p of a boundary across columns (a straight line on log–log axes). */
export interface FitGeom {
  kind: CriticalKind;
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
  kind: CriticalKind;
  /** The depth fitted (x = 1/w at fixed d), or null for x = d/w over all depths. */
  depth: number | null;
  fit: LinearFit;
  xFrom: number;
  xTo: number;
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
  linearFits: LinearFitGeom[];
  ticks: SlotTick[];
  yTicks: { c: number; label: string }[];
  legend: LegendLayout;
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
  // Seed mean: the cells of each architecture's first column (smallest I, then J) stand for it.
  const shownColumn = new Map<string, ColumnKey>();
  if (seedMode === 'mean') {
    for (const r of runs) {
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

  // Sub-columns from runs, column records and the running cell.
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
    summary: Record<CriticalKind, CriticalSummary>;
  }
  const crits: Crit[] = [];
  for (const [key, cols] of colsBySub) {
    const first = cols[0]!;
    const summary = {} as Record<CriticalKind, CriticalSummary>;
    for (const k of CRITICAL_KINDS) summary[k] = summarizeCritical(cols, k);
    crits.push({
      depth: first.depth,
      width: first.width,
      seed: seedMode === 'mean' ? null : first.seed,
      key,
      summary,
    });
  }

  // Fits across architectures, of the mean over seeds (censored architectures left out).
  const summaries = summarizeColumns([...colByKey.values()]);
  const archMeans = (k: CriticalKind) => boundaryValues(summaries, k).filter((v) => v.c > 0);
  const xRange = (points: readonly FitPoint[]) => {
    const xs = points.map((p) => p.x).filter((v) => v > 0 && Number.isFinite(v));
    return { xFrom: Math.min(...xs), xTo: Math.max(...xs) };
  };
  const fits: FitGeom[] = [];
  const linearFits: LinearFitGeom[] = [];
  for (const k of CRITICAL_KINDS) {
    const means = archMeans(k);
    const points = means.map((m) => ({ x: axisValue(axis, m.depth, m.width), y: m.c }));
    const fit = fitPowerLaw(points);
    if (fit) fits.push({ kind: k, fit, ...xRange(points), points: fit.n });
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

  // y domain: every cell, every marker, and the reference lines at c = 2 and 4.
  let yLo = 1 - 0.2;
  let yHi = 2 + 0.2;
  for (const m of extent.values()) {
    for (const [lo, hi] of m.values()) {
      yLo = Math.min(yLo, lo);
      yHi = Math.max(yHi, hi);
    }
  }
  for (const cr of crits) {
    for (const k of CRITICAL_KINDS) {
      const { min, max } = cr.summary[k];
      if (min === null || max === null || !(min > 0)) continue;
      yLo = Math.min(yLo, Math.log2(min) - 0.1);
      yHi = Math.max(yHi, Math.log2(max) + 0.1);
    }
  }
  const pad = 0.02 * (yHi - yLo);
  yLo -= pad;
  yHi += pad;

  // Legend and margins.
  const [leftRows, rightRows] = legendRows(fits, linearFits, axis);
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
  for (const cr of crits) {
    const sub = subs.get(cr.key);
    if (!sub || !(sub.xValue > 0) || !Number.isFinite(sub.xValue)) continue;
    for (const k of CRITICAL_KINDS) {
      const s = cr.summary[k];
      const c = s.seen.mean;
      if (c === null || s.min === null || s.max === null || !(c > 0)) continue;
      markers.push({
        key: `${cr.key}-${k}`,
        kind: k,
        depth: cr.depth,
        width: cr.width,
        seed: cr.seed,
        c,
        cMin: s.min,
        cMax: s.max,
        seeds: s.seen.n,
        censored: s.censored,
        seedsTotal: s.seeds,
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
    linearFits,
    ticks,
    yTicks,
    legend,
  };
}
