/**
 * Intermediate saturation: λ_τ/λ₀ against c (log₂ axis), one line per column, where λ_τ is the
 * sharpness at step τ = K/c, the same rescaled time c·τ = K for every c. Below 1 the network has
 * reduced its sharpness by then; the y axis turns logarithmic when the ratios span more than a
 * factor LOG_Y_SPAN. Each column's c_loss and c_max are marked on its line. A plain
 * d3 render function; lines are joined by column id.
 *
 * A point whose run diverged between T and τ has no ratio: the line breaks there and an × on the
 * λ₀ line marks its c.
 */
import { axisBottom, axisLeft, line, scaleLinear, scaleLog } from 'd3';
import type { ScaleContinuousNumeric } from 'd3';
import type { SaturationPoint } from '../../core/phase/saturation';
import { compareColumns } from '../../core/sweep/order';
import { columnId, type ColumnRecord } from '../../core/sweep/records';
import { seriesColor } from './palette';
import { flowLegend, FONT_SIZE, formatSig, layer, prepareRoot, textWidth } from './svgUtil';

export interface SaturationLine {
  id: string;
  label: string;
  K: number;
  points: readonly SaturationPoint[];
  /** The column's critical values, marked on the line when known. */
  cLoss: number | null;
  cMax: number | null;
  color?: string | undefined;
}

export interface SaturationData {
  lines: readonly SaturationLine[];
}

export interface SaturationOptions {
  width: number;
  height: number;
  /** Type size relative to the charts' 11 px (lecture mode: larger); default 1. */
  fontScale?: number | undefined;
}

/**
 * Why the panel has nothing to draw: the measurement is off (K = 0), no column has finished, or
 * the columns there carry no curve (measured with K = 0, or recorded before the measurement).
 */
export type SaturationEmpty = 'off' | 'no-columns' | 'none-measured';

/** The empty state's words. */
export function saturationEmptyText(why: SaturationEmpty): string {
  switch (why) {
    case 'off':
      return 'Saturation measurement off: set K > 0 (the “Saturation K” setting, under Advanced) to measure λ at step τ = K/c.';
    case 'no-columns':
      return 'λ_τ/λ₀ against c, one line per column, with λ_τ measured at step τ = K/c: lines appear as columns finish.';
    case 'none-measured':
      return 'λ_τ/λ₀ against c, one line per column, with λ_τ measured at step τ = K/c. These columns carry no saturation curve (measured with K = 0, or older results): run the sweep to measure it.';
  }
}

/** The empty state for these columns and the current K setting, or null when there is a line. */
export function saturationEmpty(
  columns: readonly Pick<ColumnRecord, 'saturation'>[],
  saturationK: number,
): SaturationEmpty | null {
  if (columns.some((c) => c.saturation !== undefined && c.saturation !== null)) return null;
  if (saturationK === 0) return 'off';
  return columns.length === 0 ? 'no-columns' : 'none-measured';
}

/**
 * One line per column that measured the curve, in architecture then seed order, labelled by
 * depth and width (and seed when the columns have more than one).
 */
export function saturationLines(columns: readonly ColumnRecord[]): SaturationLine[] {
  const measured = columns
    .filter((c) => c.saturation !== undefined && c.saturation !== null)
    .sort(compareColumns);
  const seeds = new Set(measured.map((c) => c.seed)).size > 1;
  return measured.map((c, i) => ({
    id: columnId(c),
    label: `d=${c.depth} w=${c.width}${seeds ? ` s=${c.seed}` : ''}`,
    K: c.saturation!.K,
    points: c.saturation!.points,
    cLoss: c.c_loss,
    cMax: c.c_max,
    color: seriesColor(i),
  }));
}

/** The x-axis title: what τ is, with the K (or Ks) of the lines drawn. */
export function saturationAxisTitle(lines: readonly Pick<SaturationLine, 'K'>[]): string {
  const ks = [...new Set(lines.map((l) => l.K))].sort((a, b) => a - b);
  const k = ks.length ? ` (K = ${ks.join(', ')})` : '';
  return `c = η·λ₀ (log scale); λ measured at step τ = K/c${k}`;
}

/** Ratios spanning more than this factor get a log y axis. */
export const LOG_Y_SPAN = 8;

const PANEL_TITLE = 'Intermediate saturation λ_τ / λ₀';
const MARKER_KEY = '▲ c_loss  ▮ c_max';

const CSS = `
.pe-saturation path.line { fill: none; }
.pe-saturation .critical-marker, .pe-saturation .diverged-marker { pointer-events: none; }
`;

interface LineGeom extends SaturationLine {
  color: string;
}

interface Marker {
  id: string;
  kind: 'c_loss' | 'c_max';
  c: number;
  color: string;
}

/** Draws (or updates) the saturation chart inside `svg`. */
export function renderSaturation(
  svg: SVGSVGElement,
  data: SaturationData,
  options: SaturationOptions,
): void {
  const width = Math.max(200, options.width);
  const height = Math.max(180, options.height);
  const root = prepareRoot(svg, 'pe-saturation', width, height, CSS);
  const k = Math.max(0.5, options.fontScale ?? 1);
  const fs = FONT_SIZE * k;
  const small = 10 * k;
  root.attr('font-size', fs);
  const lines: LineGeom[] = data.lines.map((l, i) => ({ ...l, color: l.color ?? seriesColor(i) }));
  root.attr('role', 'img').attr('aria-label', ariaLabel(lines));

  const rowH = 16 * k;
  const avail = width - 24;
  const { items, hidden, rows: legendRows } = flowLegend(lines, fs, avail, rowH);
  const margin = {
    top: legendRows * rowH + 30 * k,
    right: 18,
    bottom: 54 * k,
    left: 56 * k,
  };
  const plotW = Math.max(60, width - margin.left - margin.right);
  // The marker key sits beside the panel title when both fit, else on a line of its own.
  const keyBeside = textWidth(PANEL_TITLE, fs) + textWidth(MARKER_KEY, small) + 16 <= plotW;
  if (!keyBeside) margin.top += 14 * k;
  const plotH = Math.max(60, height - margin.top - margin.bottom);

  const legend = layer(root, 'legend').attr('transform', 'translate(12,6)');
  const li = legend
    .selectAll<SVGGElement, (typeof items)[number]>('g.legend-item')
    .data(items, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'legend-item');
      g.append('line');
      g.append('text');
      return g;
    })
    .attr('data-series', (d) => d.id)
    .attr('transform', (d) => `translate(${d.x},${d.y})`);
  li.select('line')
    .attr('x1', 0)
    .attr('x2', 24)
    .attr('y1', 8 * k)
    .attr('y2', 8 * k)
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 2);
  li.select('text')
    .attr('x', 30)
    .attr('y', 12 * k)
    .attr('fill', '#111')
    .text((d) => d.label);
  legend
    .selectAll('text.legend-more')
    .data(hidden ? [hidden] : [])
    .join('text')
    .attr('class', 'legend-more')
    .attr('y', (legendRows - 1) * rowH + 12 * k)
    .attr('fill', '#444')
    .text((d) => `+${d} more`);

  // Domains: c over every point and marker; the ratio over the points, with 1 always in view.
  let cLo = Infinity;
  let cHi = -Infinity;
  let rLo = 1;
  let rHi = 1;
  const markers: Marker[] = [];
  for (const l of lines) {
    for (const p of l.points) {
      if (!(p.c > 0) || !Number.isFinite(p.c)) continue;
      cLo = Math.min(cLo, p.c);
      cHi = Math.max(cHi, p.c);
      if (p.ratio !== null && Number.isFinite(p.ratio)) {
        rLo = Math.min(rLo, p.ratio);
        rHi = Math.max(rHi, p.ratio);
      }
    }
    for (const [kind, c] of [
      ['c_loss', l.cLoss],
      ['c_max', l.cMax],
    ] as const)
      if (c !== null && c > 0 && Number.isFinite(c))
        markers.push({ id: l.id, kind, c, color: l.color });
  }
  for (const m of markers) {
    cLo = Math.min(cLo, m.c);
    cHi = Math.max(cHi, m.c);
  }
  if (!(cLo <= cHi)) {
    cLo = 1;
    cHi = 16;
  }
  if (cHi / cLo < 2) {
    cLo /= Math.SQRT2;
    cHi *= Math.SQRT2;
  }
  const x = scaleLog()
    .base(2)
    .domain([cLo / 2 ** 0.15, cHi * 2 ** 0.15])
    .range([0, plotW]);
  // A ratio is a factor: when the ratios span more than LOG_Y_SPAN (a catapult's λ_τ far above
  // λ₀ beside a strong reduction), a log axis keeps both readable; otherwise linear.
  const logY = rLo > 0 && rHi / rLo > LOG_Y_SPAN;
  const pad = Math.max(0.02, (rHi - rLo) * 0.06);
  const y: ScaleContinuousNumeric<number, number> = logY
    ? scaleLog()
        .domain([rLo / (rHi / rLo) ** 0.05, rHi * (rHi / rLo) ** 0.05])
        .range([plotH, 0])
    : scaleLinear()
        .domain([Math.max(0, rLo - pad), rHi + pad])
        .range([plotH, 0])
        .nice();

  const g = layer(root, 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  layer(g, 'panel-title', 'text')
    .attr('x', 0)
    .attr('y', keyBeside ? -8 : -8 - 14 * k)
    .attr('font-weight', 600)
    .attr('fill', '#111')
    .text(PANEL_TITLE);
  layer(g, 'frame', 'rect')
    .attr('width', plotW)
    .attr('height', plotH)
    .attr('fill', 'none')
    .attr('stroke', '#bbb');
  g.attr('data-scale', logY ? 'log' : 'linear');
  const yTicks = Math.max(2, Math.floor(plotH / 30));
  // A log scale's own tickFormat blanks the labels that would crowd: keep its choice of which.
  const crowd = logY ? y.tickFormat(yTicks) : null;
  layer(g, 'y-axis').call(
    axisLeft(y)
      .ticks(yTicks)
      .tickFormat((v) => (crowd && crowd(v) === '' ? '' : formatSig(Number(v), 3))),
  );
  // Powers of two on the c axis, thinned to fit the width.
  const [d0, d1] = x.domain() as [number, number];
  let pows: number[] = [];
  for (let e = Math.ceil(Math.log2(d0)); e <= Math.floor(Math.log2(d1)); e++) pows.push(2 ** e);
  if (pows.length === 0) pows = [cLo, cHi];
  const every = Math.max(1, Math.ceil(pows.length / Math.max(2, Math.floor(plotW / 44))));
  const xAxis = layer(g, 'x-axis')
    .attr('transform', `translate(0,${plotH})`)
    .call(
      axisBottom(x)
        .tickValues(pows.filter((_, i) => i % every === 0))
        .tickFormat((v) => formatSig(Number(v), 3)),
    );
  const title = saturationAxisTitle(lines);
  const titleLines = textWidth(title, fs) > plotW ? splitTitle(title) : [title];
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotW / 2)
    .attr('y', 33 * k)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('font-size', fs)
    .selectAll('tspan')
    .data(titleLines)
    .join('tspan')
    .attr('x', plotW / 2)
    .attr('dy', (_, i) => (i === 0 ? 0 : 13 * k))
    .text((d) => d);

  const ref = layer(g, 'ref-one').attr('transform', `translate(0,${y(1)})`);
  ref
    .selectAll('line')
    .data([1])
    .join('line')
    .attr('x1', 0)
    .attr('x2', plotW)
    .attr('stroke', '#666')
    .attr('stroke-dasharray', '4 3');
  ref
    .selectAll('text')
    .data([1])
    .join('text')
    .attr('x', plotW - 4)
    .attr('y', -4)
    .attr('text-anchor', 'end')
    .attr('font-size', small)
    .attr('fill', '#444')
    .text('λ₀');

  const path = line<SaturationPoint>()
    .defined((p) => p.ratio !== null && Number.isFinite(p.ratio) && p.c > 0)
    .x((p) => x(p.c))
    .y((p) => y(p.ratio!));
  const series = layer(g, 'series-layer')
    .selectAll<SVGGElement, LineGeom>('g.series')
    .data(lines, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'series');
      e.append('path').attr('class', 'line');
      e.append('g').attr('class', 'points');
      e.append('g').attr('class', 'diverged-layer');
      return e;
    })
    .attr('data-series', (d) => d.id);
  series
    .select('path.line')
    .attr('d', (d) => path(d.points as SaturationPoint[]) ?? '')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.8);
  series
    .select('g.points')
    .attr('fill', (d) => d.color)
    .selectAll('circle')
    .data((d) => d.points.filter((p) => p.ratio !== null && Number.isFinite(p.ratio) && p.c > 0))
    .join((enter) => enter.append('circle').call((c) => c.append('title')))
    .attr('cx', (p) => x(p.c))
    .attr('cy', (p) => y(p.ratio!))
    .attr('r', 2.6)
    .select('title')
    .text((p) => `c = ${formatSig(p.c, 3)}, τ = ${p.step}: λ_τ/λ₀ = ${formatSig(p.ratio!, 3)}`);
  series
    .select('g.diverged-layer')
    .selectAll<SVGPathElement, SaturationPoint & { color: string }>('path.diverged-marker')
    .data((d) =>
      d.points.filter((p) => p.ratio === null && p.c > 0).map((p) => ({ ...p, color: d.color })),
    )
    .join((enter) => enter.append('path').call((m) => m.append('title')))
    .attr('class', 'diverged-marker')
    .attr('d', 'M-4,-4L4,4M-4,4L4,-4')
    .attr('transform', (p) => `translate(${x(p.c)},${y(1)})`)
    .attr('stroke', (p) => p.color)
    .attr('stroke-width', 1.6)
    .select('title')
    .text((p) => `c = ${formatSig(p.c, 3)}: diverged before τ = ${p.step}`);

  // c_loss (triangle) and c_max (bar) along the bottom edge, in the column's colour.
  const marks = layer(g, 'critical-layer')
    .selectAll<SVGGElement, Marker>('g.critical-marker')
    .data(markers, (m) => `${m.id}/${m.kind}`)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'critical-marker');
      e.append('path');
      e.append('title');
      return e;
    })
    .attr('data-series', (m) => m.id)
    .attr('data-kind', (m) => m.kind)
    .attr('data-c', (m) => String(m.c))
    .attr('transform', (m) => `translate(${x(m.c)},${plotH})`);
  marks
    .select('path')
    .attr('d', (m) => (m.kind === 'c_loss' ? 'M0,-9L-4,-1L4,-1Z' : 'M-1.2,-11h2.4v11h-2.4Z'))
    .attr('fill', (m) => m.color);
  marks.select('title').text((m) => `${m.kind} = ${formatSig(m.c, 3)}`);
  layer(g, 'critical-key', 'text')
    .attr('x', keyBeside ? plotW : 0)
    .attr('y', -8)
    .attr('text-anchor', keyBeside ? 'end' : 'start')
    .attr('font-size', small)
    .attr('fill', '#444')
    .text(markers.length ? MARKER_KEY : '');
}

/** Breaks the axis title after its first clause, for narrow charts. */
function splitTitle(title: string): string[] {
  const at = title.indexOf('; ');
  return at < 0 ? [title] : [title.slice(0, at + 1), title.slice(at + 2)];
}

function ariaLabel(lines: readonly LineGeom[]): string {
  if (lines.length === 0) return 'Intermediate saturation: no column measured it';
  const parts = lines.slice(0, 5).map((l) => {
    const ratios = l.points.flatMap((p) => (p.ratio === null ? [] : [p.ratio]));
    const min = ratios.length ? Math.min(...ratios) : null;
    return min === null ? l.label : `${l.label} (lowest λ_τ/λ₀ ${formatSig(min, 2)})`;
  });
  const more = lines.length > 5 ? `, and ${lines.length - 5} more` : '';
  return `λ_τ/λ₀ at τ = K/c against c for ${lines.length} column${lines.length === 1 ? '' : 's'}: ${parts.join(', ')}${more}`;
}
