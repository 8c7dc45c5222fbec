/**
 * Loss and sharpness trajectories of one or more runs: two stacked panels sharing the step axis,
 * L_t/L₀ on top and λ_t/λ₀ (or raw λ_t with each run's 2/η line) below. A plain d3 render
 * function; series are joined by id, so a live run redraws in place as steps arrive.
 *
 * null values (a diverged or non-finite step) break the line; when a series ends in nulls, a
 * "diverged" marker sits at its last finite point. Points are drawn only while there are at most
 * POINTS_MAX_STEPS steps on the axis, so the long four-regime run (~2000 steps) stays cheap.
 */
import { axisBottom, axisLeft, line, scaleLinear, scaleLog } from 'd3';
import type { NumberValue, ScaleContinuousNumeric, Selection } from 'd3';
import { seriesColor } from './palette';
import { formatSig, layer, prepareRoot, textWidth } from './svgUtil';

export interface TrajectorySeries {
  id: string;
  label: string;
  /** L_t / L₀, t = 0..T (null where diverged or not finite). */
  loss: readonly (number | null)[];
  /** λ_t / λ₀. */
  sharp: readonly (number | null)[];
  /** Raw λ_t, for rawSharpness mode (a series without it is left out of the lower panel). */
  sharpRaw?: readonly (number | null)[] | undefined;
  /** Learning rate, for the 2/η line in rawSharpness mode. */
  eta?: number | undefined;
  /** Still running: drawn dashed. */
  live?: boolean | undefined;
  /** Line colour; defaults to the palette by position. */
  color?: string | undefined;
}

export interface TrajectoryData {
  series: readonly TrajectorySeries[];
}

export interface TrajectoryOptions {
  width: number;
  height: number;
  logY: boolean;
  rawSharpness: boolean;
  /** Last step on the axis (e.g. T, so a live run does not rescale the axis); default: longest series. */
  steps?: number | undefined;
}

/** At most this many steps on the axis get a point per step. */
export const POINTS_MAX_STEPS = 120;

type PanelKey = 'loss' | 'sharp';
type YScale = ScaleContinuousNumeric<number, number>;

interface SeriesGeom {
  id: string;
  label: string;
  color: string;
  live: boolean;
  values: readonly (number | null)[];
  /** Index of the last finite value when the series ends in nulls (diverged), else null. */
  divergedAt: number | null;
  eta: number | null;
}

const CSS = `
.pe-trajectories .series path.line { fill: none; }
.pe-trajectories .points, .pe-trajectories .diverged-marker { pointer-events: none; }
`;

function isFiniteValue(v: number | null | undefined, logY: boolean): v is number {
  return v !== null && v !== undefined && Number.isFinite(v) && (!logY || v > 0);
}

function trailingDivergence(values: readonly (number | null)[], logY: boolean): number | null {
  let last = -1;
  for (let i = values.length - 1; i >= 0; i--) {
    if (isFiniteValue(values[i], false)) {
      last = i;
      break;
    }
  }
  if (last < 0 || last === values.length - 1) return null;
  // Only the finite point can carry the marker; on a log axis it must also be positive.
  return isFiniteValue(values[last], logY) ? last : null;
}

function yScaleFor(
  series: readonly SeriesGeom[],
  logY: boolean,
  extra: readonly number[],
  height: number,
): YScale {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: number | null | undefined) => {
    if (!isFiniteValue(v, logY)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of series) for (const v of s.values) visit(v);
  for (const v of extra) visit(v);
  if (!(lo <= hi)) {
    lo = logY ? 0.5 : 0;
    hi = 2;
  }
  if (logY) {
    if (hi / lo < 1.2) {
      lo /= 1.1;
      hi *= 1.1;
    }
    const f = (hi / lo) ** 0.05;
    return scaleLog()
      .domain([lo / f, hi * f])
      .range([height, 0]);
  }
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  // Ratios and sharpness are positive: do not pad the axis below zero.
  return scaleLinear()
    .domain([lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad])
    .range([height, 0])
    .nice();
}

/** Draws (or updates) the trajectories chart inside `svg`. */
export function renderTrajectories(
  svg: SVGSVGElement,
  data: TrajectoryData,
  options: TrajectoryOptions,
): void {
  const width = Math.max(160, options.width);
  const height = Math.max(160, options.height);
  const { logY, rawSharpness } = options;
  const root = prepareRoot(svg, 'pe-trajectories', width, height, CSS);
  root.attr('role', 'img').attr('aria-label', trajectoriesAriaLabel(data, options));

  const seriesIn = data.series;
  const geoms = (panel: PanelKey): SeriesGeom[] => {
    const out: SeriesGeom[] = [];
    seriesIn.forEach((s, i) => {
      const values = panel === 'loss' ? s.loss : rawSharpness ? s.sharpRaw : s.sharp;
      if (!values) return;
      out.push({
        id: s.id,
        label: s.label,
        color: s.color ?? seriesColor(i),
        live: s.live === true,
        values,
        divergedAt: trailingDivergence(values, logY),
        eta: s.eta !== undefined && s.eta > 0 && Number.isFinite(s.eta) ? s.eta : null,
      });
    });
    return out;
  };
  const lossSeries = geoms('loss');
  const sharpSeries = geoms('sharp');

  // Legend on top, flowing into rows; more than three rows collapse into "+N more".
  const legendItems: {
    id: string;
    label: string;
    color: string;
    live: boolean;
    x: number;
    y: number;
  }[] = [];
  const legendRowH = 16;
  const avail = width - 24;
  let lx = 0;
  let row = 0;
  let hidden = 0;
  seriesIn.forEach((s, i) => {
    const text = s.live === true ? `${s.label} (running)` : s.label;
    const w = 30 + textWidth(text) + 14;
    if (lx > 0 && lx + w > avail) {
      row += 1;
      lx = 0;
    }
    if (row >= 3) {
      hidden += 1;
      return;
    }
    legendItems.push({
      id: s.id,
      label: text,
      color: s.color ?? seriesColor(i),
      live: s.live === true,
      x: lx,
      y: row * legendRowH,
    });
    lx += w;
  });
  const legendRows = seriesIn.length ? Math.min(3, row + 1) + (hidden ? 1 : 0) : 0;
  const legendHeight = legendRows * legendRowH;

  const margin = { top: legendHeight + 10, right: rawSharpness ? 40 : 16, bottom: 38, left: 58 };
  const titleH = 16;
  const gap = 22;
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const panelHeight = Math.max(30, (height - margin.top - margin.bottom - gap - 2 * titleH) / 2);

  const maxLen = Math.max(0, ...seriesIn.map((s) => Math.max(s.loss.length, s.sharp.length)));
  const lastStep = Math.max(1, options.steps ?? maxLen - 1);
  const x = scaleLinear().domain([0, lastStep]).range([0, plotWidth]);
  const showPoints = lastStep <= POINTS_MAX_STEPS;

  const etaLines = rawSharpness ? sharpSeries.filter((s) => s.eta !== null) : [];
  const yLoss = yScaleFor(lossSeries, logY, [1], panelHeight);
  const ySharp = yScaleFor(
    sharpSeries,
    logY,
    rawSharpness ? etaLines.map((s) => 2 / s.eta!) : [1],
    panelHeight,
  );

  const legend = layer(root, 'legend').attr('transform', `translate(12,6)`);
  const items = legend
    .selectAll<SVGGElement, (typeof legendItems)[number]>('g.legend-item')
    .data(legendItems, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'legend-item');
      g.append('line');
      g.append('text');
      return g;
    })
    .attr('data-series', (d) => d.id)
    .attr('transform', (d) => `translate(${d.x},${d.y})`);
  items
    .select('line')
    .attr('x1', 0)
    .attr('x2', 24)
    .attr('y1', 8)
    .attr('y2', 8)
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', (d) => (d.live ? '5 3' : null));
  items
    .select('text')
    .attr('x', 30)
    .attr('y', 12)
    .attr('fill', '#111')
    .text((d) => d.label);
  legend
    .selectAll('text.legend-more')
    .data(hidden ? [hidden] : [])
    .join('text')
    .attr('class', 'legend-more')
    .attr('y', (legendRows - 1) * legendRowH + 12)
    .attr('fill', '#444')
    .text((d) => `+${d} more`);

  const panels: {
    key: PanelKey;
    title: string;
    y: YScale;
    series: SeriesGeom[];
    top: number;
    refOne: boolean;
  }[] = [
    {
      key: 'loss',
      title: 'Loss L_t / L₀',
      y: yLoss,
      series: lossSeries,
      top: margin.top + titleH,
      refOne: true,
    },
    {
      key: 'sharp',
      title: rawSharpness ? 'Sharpness λ_t (dashed: 2/η)' : 'Sharpness λ_t / λ₀',
      y: ySharp,
      series: sharpSeries,
      top: margin.top + titleH * 2 + panelHeight + gap,
      refOne: !rawSharpness,
    },
  ];

  for (const p of panels) {
    const g = layer(root, `panel-${p.key}`)
      .attr('class', `panel-${p.key} panel`)
      .attr('data-scale', logY ? 'log' : 'linear')
      .attr('transform', `translate(${margin.left},${p.top})`);
    drawPanel(g, p, {
      x,
      plotWidth,
      panelHeight,
      logY,
      showPoints,
      isBottom: p.key === 'sharp',
      etaLines: p.key === 'sharp' ? etaLines : [],
    });
  }
}

function drawPanel(
  g: Selection<SVGGElement, unknown, null, undefined>,
  p: { key: PanelKey; title: string; y: YScale; series: SeriesGeom[]; refOne: boolean },
  ctx: {
    x: ReturnType<typeof scaleLinear<number, number>>;
    plotWidth: number;
    panelHeight: number;
    logY: boolean;
    showPoints: boolean;
    isBottom: boolean;
    etaLines: SeriesGeom[];
  },
) {
  const { x, plotWidth, panelHeight, logY, showPoints } = ctx;
  const y = p.y;

  layer(g, 'panel-title', 'text')
    .attr('x', 0)
    .attr('y', -5)
    .attr('font-weight', 600)
    .attr('fill', '#111')
    .text(p.title + (logY ? ' (log)' : ''));
  layer(g, 'frame', 'rect')
    .attr('width', plotWidth)
    .attr('height', panelHeight)
    .attr('fill', 'none')
    .attr('stroke', '#bbb');

  const yAxis = layer(g, 'y-axis');
  const count = Math.max(2, Math.floor(panelHeight / 28));
  // A log scale's own tickFormat blanks the labels that would crowd; keep its choice of which,
  // with plain numbers in place of its exponent notation.
  const crowd = logY ? y.tickFormat(count) : null;
  const label = (v: NumberValue) => (crowd && crowd(v) === '' ? '' : formatSig(Number(v), 3));
  yAxis.call(axisLeft(y).ticks(count).tickFormat(label));
  const xAxis = layer(g, 'x-axis').attr('transform', `translate(0,${panelHeight})`);
  // Steps are whole numbers: a short axis (1 step) would otherwise repeat "0 0 0 1 1 1".
  const xa = axisBottom(x)
    .tickValues(x.ticks(Math.max(2, Math.floor(plotWidth / 60))).filter(Number.isInteger))
    .tickFormat((v) => String(v));
  if (!ctx.isBottom) xa.tickFormat(() => '');
  xAxis.call(xa);
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotWidth / 2)
    .attr('y', 32)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('font-size', 11)
    .text(ctx.isBottom ? 'step t' : '');

  // Reference line at 1 (ratio mode) and the per-series 2/η lines (raw mode).
  const refs = layer(g, 'refs');
  const [d0, d1] = y.domain() as [number, number];
  const one = p.refOne && Math.min(d0, d1) <= 1 && Math.max(d0, d1) >= 1 ? [1] : [];
  refs
    .selectAll('line.ref-one')
    .data(one)
    .join('line')
    .attr('class', 'ref-one')
    .attr('x1', 0)
    .attr('x2', plotWidth)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d))
    .attr('stroke', '#666')
    .attr('stroke-dasharray', '4 3');
  const eta = refs
    .selectAll<SVGGElement, SeriesGeom>('g.eta-line')
    .data(ctx.etaLines, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'eta-line');
      e.append('line');
      e.append('text');
      return e;
    })
    .attr('data-series', (d) => d.id)
    .attr('data-value', (d) => String(2 / d.eta!))
    .attr('transform', (d) => `translate(0,${y(2 / d.eta!)})`);
  eta
    .select('line')
    .attr('x1', 0)
    .attr('x2', plotWidth)
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.2)
    .attr('stroke-dasharray', '6 4');
  eta
    .select('text')
    .attr('x', plotWidth + 4)
    .attr('dy', '0.32em')
    .attr('font-size', 10)
    .attr('fill', (d) => d.color)
    .text('2/η');

  // Series.
  const path = line<number | null>()
    .defined((v) => isFiniteValue(v, logY))
    .x((_, i) => x(i))
    .y((v) => y(v as number));
  const seriesSel = layer(g, 'series-layer')
    .selectAll<SVGGElement, SeriesGeom>('g.series')
    .data(p.series, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'series');
      e.append('path').attr('class', 'line');
      e.append('g').attr('class', 'points');
      e.append('g').attr('class', 'diverged-layer');
      return e;
    })
    .attr('data-series', (d) => d.id);
  seriesSel
    .select('path.line')
    .attr('d', (d) => path(d.values as (number | null)[]) ?? '')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.6)
    .attr('stroke-dasharray', (d) => (d.live ? '5 3' : null));
  seriesSel
    .select('g.points')
    .attr('fill', (d) => d.color)
    .selectAll('circle')
    .data((d) =>
      showPoints ? d.values.flatMap((v, i) => (isFiniteValue(v, logY) ? [{ i, v }] : [])) : [],
    )
    .join('circle')
    .attr('cx', (d) => x(d.i))
    .attr('cy', (d) => y(d.v))
    .attr('r', 2.2);
  const div = seriesSel
    .select('g.diverged-layer')
    .selectAll<SVGGElement, { i: number; v: number; color: string }>('g.diverged-marker')
    .data((d) =>
      d.divergedAt !== null
        ? [{ i: d.divergedAt, v: d.values[d.divergedAt] as number, color: d.color }]
        : [],
    )
    .join((enter) => {
      const e = enter.append('g').attr('class', 'diverged-marker');
      e.append('path');
      e.append('text');
      return e;
    })
    .attr('data-step', (d) => String(d.i))
    .attr('transform', (d) => `translate(${x(d.i)},${y(d.v)})`);
  div
    .select('path')
    .attr('d', 'M-4,-4L4,4M-4,4L4,-4')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 2);
  div
    .select('text')
    .attr('x', 6)
    .attr('y', -4)
    .attr('font-size', 10)
    .attr('fill', (d) => d.color)
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text('diverged');
}

function trajectoriesAriaLabel(data: TrajectoryData, options: TrajectoryOptions): string {
  const n = data.series.length;
  if (n === 0) return 'Loss and sharpness trajectories: no run selected';
  const parts = data.series.slice(0, 5).map((s) => {
    const finite = s.loss.filter((v): v is number => v !== null && Number.isFinite(v));
    const peak = finite.length ? Math.max(...finite) : null;
    return peak === null ? s.label : `${s.label} (loss peak ${formatSig(peak, 2)}× L₀)`;
  });
  const more = n > 5 ? `, and ${n - 5} more` : '';
  const sharp = options.rawSharpness ? 'sharpness λ_t with 2/η' : 'λ_t/λ₀';
  return `Loss L_t/L₀ and ${sharp} against step for ${n} run${n === 1 ? '' : 's'}: ${parts.join(', ')}${more}`;
}
