/**
 * Loss and sharpness trajectories of one or more runs: two stacked panels sharing the step axis,
 * L_t/L₀ on top and λ_t/λ₀ (or raw λ_t with the 2/η lines) below. A plain d3 render function;
 * series are joined by id, so a live run redraws in place as steps arrive.
 *
 * null values (a non-finite step) break the line. A diverged run is drawn clipped: the y axes are
 * fitted to the runs that did not diverge, a diverged curve is cut at the top of the panel (and
 * never drawn above the divergence threshold), and a cap marker says "diverged at step t". So
 * one 10⁹ loss never flattens the other curves, with or without Log y.
 *
 * Long runs get a log step axis and, for one run with its η, the four regime bands of
 * `regimeBands.ts` and the saturation step τ = K/c. Points are drawn only while there are at most
 * POINTS_MAX_STEPS steps on the axis, so the long four-regime run stays cheap.
 */
import { axisBottom, axisLeft, line, scaleLinear, scaleLog } from 'd3';
import type { NumberValue, ScaleContinuousNumeric, Selection } from 'd3';
import { seriesColor } from './palette';
import { BAND_NAMES, BAND_NUMERALS, regimeBands, type RegimeBand } from './regimeBands';
import { compactNumber, stepAxis, tickLabels, type StepAxis } from './stepAxis';
import { layer, prepareRoot, textWidth } from './svgUtil';

export interface TrajectorySeries {
  id: string;
  label: string;
  /** L_t / L₀, t = 0..T (null where not finite). */
  loss: readonly (number | null)[];
  /** λ_t / λ₀. */
  sharp: readonly (number | null)[];
  /** Raw λ_t, for rawSharpness mode (a series without it is left out of the lower panel). */
  sharpRaw?: readonly (number | null)[] | undefined;
  /** Learning rate, for the 2/η line in rawSharpness mode and the regime bands. */
  eta?: number | undefined;
  /** Still running: drawn dashed. */
  live?: boolean | undefined;
  /** Line colour; defaults to the palette by position. */
  color?: string | undefined;
  /**
   * Step at which the run diverged (null: it did not). Absent: unknown, and a series that ends
   * in nulls counts as diverged after its last finite value.
   */
  divergedAt?: number | null | undefined;
  /** The divergence threshold in the loss panel's units (threshold / L₀): the curve's hard cap. */
  lossCap?: number | undefined;
  /** The run's saturation step τ = K/c, when it was measured. */
  saturation?: { step: number; K: number } | undefined;
}

export interface TrajectoryData {
  series: readonly TrajectorySeries[];
}

export interface TrajectoryOptions {
  width: number;
  /** Height of the two panels and their axes; the legend's rows come on top of it. */
  height: number;
  logY: boolean;
  rawSharpness: boolean;
  /** Last step on the axis (e.g. T, so a live run does not rescale the axis); default: longest series. */
  steps?: number | undefined;
  /** Log step axis (in t + 1). Default false. */
  logSteps?: boolean | undefined;
  /** Regime bands and the τ marker of a single long run. Default false. */
  bands?: boolean | undefined;
  /** Shown inside the loss panel when there is no series. */
  emptyText?: string | undefined;
}

/** What the caller needs for a hover readout. */
export interface TrajectoryLayout {
  /** The whole step under an svg x position, or null outside the plots. */
  stepAt(x: number, y: number): number | null;
  /** Moves (or hides) the vertical hover line. */
  setHover(step: number | null): void;
  /** The bands drawn (empty when none). */
  bands: RegimeBand[];
}

/** At most this many steps on the axis get a point per step. */
export const POINTS_MAX_STEPS = 120;
/** Left margin of the overlay chart: the widest tick label must fit in it. */
export const MARGIN_LEFT = 58;
/** Length of a y tick plus its gap to the label (d3's defaults: 6 + 3). */
export const TICK_SPACE = 9;
const LEGEND_ROW_H = 16;

export type PanelKey = 'loss' | 'sharp';
type YScale = ScaleContinuousNumeric<number, number>;

/** One series as one panel draws it. */
export interface SeriesGeom {
  id: string;
  label: string;
  color: string;
  live: boolean;
  values: readonly (number | null)[];
  /** Whether the run diverged. */
  diverged: boolean;
  /** The step named by the marker ("diverged at step t"). */
  divergedStep: number | null;
  /** The point that carries the marker: the divergence step if finite, else the last finite one. */
  markAt: number | null;
  /** Hard cap of the drawn values (the divergence threshold), or Infinity. */
  cap: number;
  eta: number | null;
}

/** The charts' embedded style (shared with the small multiples, which draw into the same svg). */
export const TRAJECTORY_CSS = `
.pe-trajectories .series path.line { fill: none; }
.pe-trajectories .points, .pe-trajectories .diverged-marker, .pe-trajectories .bands,
.pe-trajectories .tau-marker, .pe-trajectories .hover-line { pointer-events: none; }
`;

export function isFiniteValue(v: number | null | undefined, logY: boolean): v is number {
  return v !== null && v !== undefined && Number.isFinite(v) && (!logY || v > 0);
}

function lastFinite(values: readonly (number | null)[], logY: boolean, upTo: number): number {
  for (let i = Math.min(upTo, values.length - 1); i >= 0; i--)
    if (isFiniteValue(values[i], logY)) return i;
  return -1;
}

/** The panel's view of a series: its values, whether and where it diverged, its cap. */
export function seriesGeom(
  s: TrajectorySeries,
  panel: PanelKey,
  index: number,
  rawSharpness: boolean,
  logY: boolean,
): SeriesGeom | null {
  const values = panel === 'loss' ? s.loss : rawSharpness ? s.sharpRaw : s.sharp;
  if (!values) return null;
  let divergedStep: number | null = null;
  if (s.divergedAt !== undefined) divergedStep = s.divergedAt;
  else {
    // Unknown (a live run): a series that ends in nulls diverged after its last finite value.
    const last = lastFinite(values, false, values.length - 1);
    if (last >= 0 && last < values.length - 1) divergedStep = last + 1;
  }
  const markAt = divergedStep === null ? -1 : lastFinite(values, logY, divergedStep);
  const cap =
    panel === 'loss' && s.lossCap !== undefined && s.lossCap > 0
      ? s.lossCap
      : Number.POSITIVE_INFINITY;
  return {
    id: s.id,
    label: s.label,
    color: s.color ?? seriesColor(index),
    live: s.live === true,
    values,
    diverged: divergedStep !== null,
    divergedStep,
    markAt: markAt >= 0 ? markAt : null,
    cap,
    eta: s.eta !== undefined && s.eta > 0 && Number.isFinite(s.eta) ? s.eta : null,
  };
}

/** How far a diverged curve may lift the axis above the others before it is clipped. */
const DIVERGED_HEADROOM = { linear: 1.5, log: 10 };

/**
 * The y scale of a panel. It is fitted to the series that did not diverge (and `extra` values
 * such as 2/η); a diverged series adds only the values within DIVERGED_HEADROOM of them. With
 * diverged series only, their values up to their caps set it.
 */
export function yScaleFor(
  series: readonly SeriesGeom[],
  logY: boolean,
  extra: readonly number[],
  height: number,
): YScale {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: number | null | undefined, cap = Infinity) => {
    if (!isFiniteValue(v, logY)) return;
    const w = Math.min(v, cap);
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  };
  const calm = series.filter((s) => !s.diverged);
  const wild = series.filter((s) => s.diverged);
  for (const s of calm) for (const v of s.values) visit(v);
  for (const v of extra) visit(v);
  if (calm.length === 0) {
    for (const s of wild) for (const v of s.values) visit(v, s.cap);
  } else if (lo <= hi) {
    const ceiling = logY ? hi * DIVERGED_HEADROOM.log : hi * DIVERGED_HEADROOM.linear;
    for (const s of wild)
      for (const v of s.values) if (isFiniteValue(v, logY) && v <= ceiling) visit(v, s.cap);
  }
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

/** The values a series is drawn with: each cut at the panel's top and at the series' cap. */
export function clippedValues(g: SeriesGeom, y: YScale): (number | null)[] {
  const top = Math.min(Math.max(...(y.domain() as number[])), g.cap);
  return g.values.map((v) => (v === null || !Number.isFinite(v) ? null : Math.min(v, top)));
}

interface LegendItem {
  id: string;
  label: string;
  color: string;
  live: boolean;
  x: number;
  y: number;
}

/** Legend items flowing into rows; a label wider than the chart is shortened with "…". */
function legendLayout(
  series: readonly TrajectorySeries[],
  width: number,
): { items: LegendItem[]; rows: number } {
  const avail = Math.max(60, width - 24);
  const items: LegendItem[] = [];
  let lx = 0;
  let row = 0;
  series.forEach((s, i) => {
    let text = s.live === true ? `${s.label} (running)` : s.label;
    const maxText = avail - 44;
    if (textWidth(text) > maxText) {
      const chars = Math.max(4, Math.floor(maxText / textWidth('0')) - 1);
      text = `${text.slice(0, chars)}…`;
    }
    const w = 30 + textWidth(text) + 14;
    if (lx > 0 && lx + w > avail) {
      row += 1;
      lx = 0;
    }
    items.push({
      id: s.id,
      label: text,
      color: s.color ?? seriesColor(i),
      live: s.live === true,
      x: lx,
      y: row * LEGEND_ROW_H,
    });
    lx += w;
  });
  return { items, rows: series.length ? row + 1 : 0 };
}

/** Height the legend adds above the panels (every series is listed: nothing is cut off). */
export function trajectoryLegendHeight(series: readonly TrajectorySeries[], width: number): number {
  return legendLayout(series, width).rows * LEGEND_ROW_H;
}

/** The distinct 2/η lines of a panel: series with the same η (to 4 digits) share one line. */
export interface EtaLine {
  id: string;
  value: number;
  color: string;
  ids: string[];
}

export function etaLinesOf(series: readonly SeriesGeom[]): EtaLine[] {
  const byKey = new Map<string, EtaLine>();
  for (const s of series) {
    if (s.eta === null) continue;
    const value = 2 / s.eta;
    const key = value.toPrecision(4);
    const found = byKey.get(key);
    if (found) {
      found.ids.push(s.id);
      // A line shared by runs of different colours is drawn neutral.
      if (found.color !== s.color) found.color = '#555';
    } else byKey.set(key, { id: s.id, value, color: s.color, ids: [s.id] });
  }
  return [...byKey.values()];
}

/** Draws (or updates) the trajectories chart inside `svg`. */
export function renderTrajectories(
  svg: SVGSVGElement,
  data: TrajectoryData,
  options: TrajectoryOptions,
): TrajectoryLayout {
  const width = Math.max(160, options.width);
  const seriesIn = data.series;
  const legendInfo = legendLayout(seriesIn, width);
  const legendHeight = legendInfo.rows * LEGEND_ROW_H;
  const height = Math.max(160, options.height) + legendHeight;
  const { logY, rawSharpness } = options;
  const root = prepareRoot(svg, 'pe-trajectories', width, height, TRAJECTORY_CSS);
  // The small multiples draw into the same svg (one export target): clear what they left.
  root.selectChildren('g.multiples').remove();
  root.attr('role', 'img').attr('aria-label', trajectoriesAriaLabel(data, options));

  const geoms = (panel: PanelKey): SeriesGeom[] =>
    seriesIn.flatMap((s, i) => seriesGeom(s, panel, i, rawSharpness, logY) ?? []);
  const lossSeries = geoms('loss');
  const sharpSeries = geoms('sharp');

  const margin = {
    top: legendHeight + 10,
    right: rawSharpness ? 40 : 16,
    bottom: 38,
    left: MARGIN_LEFT,
  };
  const titleH = 16;
  const gap = 22;
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const panelHeight = Math.max(30, (height - margin.top - margin.bottom - gap - 2 * titleH) / 2);

  const maxLen = Math.max(0, ...seriesIn.map((s) => Math.max(s.loss.length, s.sharp.length)));
  const lastStep = Math.max(1, options.steps ?? maxLen - 1);
  const x = stepAxis(lastStep, plotWidth, options.logSteps === true);
  const showPoints = lastStep <= POINTS_MAX_STEPS;

  const etaLines = rawSharpness ? etaLinesOf(sharpSeries) : [];
  const yLoss = yScaleFor(lossSeries, logY, [1], panelHeight);
  const ySharp = yScaleFor(
    sharpSeries,
    logY,
    rawSharpness ? etaLines.map((e) => e.value) : [1],
    panelHeight,
  );

  // Bands and τ belong to one run: with several overlaid, whose would they be?
  const only = seriesIn.length === 1 ? seriesIn[0] : undefined;
  let bands: RegimeBand[] = [];
  if (options.bands === true && only?.sharpRaw && only.eta !== undefined && only.eta > 0) {
    const eta = only.eta;
    bands = regimeBands(only.sharpRaw.map((v) => (v === null ? null : (v * eta) / 2)));
  }
  const taus =
    options.bands === true
      ? seriesIn.flatMap((s, i) =>
          s.saturation && s.saturation.step <= lastStep
            ? [{ id: s.id, ...s.saturation, color: s.color ?? seriesColor(i) }]
            : [],
        )
      : [];

  const legend = layer(root, 'legend').attr('transform', `translate(12,6)`);
  const items = legend
    .selectAll<SVGGElement, LegendItem>('g.legend-item')
    .data(legendInfo.items, (d) => d.id)
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

  const panels = [
    {
      key: 'loss' as const,
      title: 'Loss L_t / L₀',
      y: yLoss,
      series: lossSeries,
      top: margin.top + titleH,
      refOne: true,
      etaLines: [] as EtaLine[],
    },
    {
      key: 'sharp' as const,
      title: rawSharpness ? 'Sharpness λ_t (dashed: 2/η)' : 'Sharpness λ_t / λ₀',
      y: ySharp,
      series: sharpSeries,
      top: margin.top + titleH * 2 + panelHeight + gap,
      refOne: !rawSharpness,
      etaLines,
    },
  ];

  // Starts hidden on every redraw: the caller shows it again from its pointer position.
  const hoverLines: Selection<SVGLineElement, unknown, null, undefined>[] = [];
  for (const p of panels) {
    const g = layer(root, `panel-${p.key}`)
      .attr('class', `panel-${p.key} panel`)
      .attr('data-scale', logY ? 'log' : 'linear')
      .attr('data-step-scale', x.log ? 'log' : 'linear')
      .attr('transform', `translate(${margin.left},${p.top})`);
    drawTrajectoryPanel(g, p, {
      x,
      plotWidth,
      panelHeight,
      logY,
      showPoints,
      isBottom: p.key === 'sharp',
      bands,
      bandLabels: p.key === 'loss',
      taus,
      tauLabels: p.key === 'loss' && taus.length === 1,
      emptyText: p.key === 'loss' && seriesIn.length === 0 ? (options.emptyText ?? '') : '',
    });
    hoverLines.push(
      layer(g, 'hover-line')
        .selectAll<SVGLineElement, number>('line')
        .data([0])
        .join('line')
        .attr('display', 'none') as unknown as Selection<SVGLineElement, unknown, null, undefined>,
    );
  }

  const panelTop = panels[0]!.top;
  const panelBottom = panels[1]!.top + panelHeight;
  return {
    stepAt: (px, py) => {
      const rel = px - margin.left;
      if (rel < 0 || rel > plotWidth || py < panelTop || py > panelBottom) return null;
      return Math.round(x.invert(rel));
    },
    setHover: (step) => {
      for (const l of hoverLines) {
        if (step === null) l.attr('display', 'none');
        else
          l.attr('display', null)
            .attr('x1', x.x(step))
            .attr('x2', x.x(step))
            .attr('y1', 0)
            .attr('y2', panelHeight)
            .attr('stroke', '#333')
            .attr('stroke-width', 1)
            .attr('stroke-dasharray', '2 2');
      }
    },
    bands,
  };
}

/** What one panel is drawn from. */
export interface PanelSpec {
  key: PanelKey;
  title: string;
  y: YScale;
  series: SeriesGeom[];
  refOne: boolean;
  etaLines: EtaLine[];
  /** Title colour (the small multiples colour theirs by regime). */
  titleColor?: string;
}

export interface PanelContext {
  x: StepAxis;
  plotWidth: number;
  panelHeight: number;
  logY: boolean;
  showPoints: boolean;
  isBottom: boolean;
  bands: readonly RegimeBand[];
  bandLabels: boolean;
  taus: readonly { id: string; step: number; K: number; color: string }[];
  tauLabels: boolean;
  emptyText: string;
}

const BAND_FILL: Readonly<Record<RegimeBand['kind'], string>> = {
  transient: '#f4efe4',
  saturation: '#e8eff6',
  sharpening: '#f6ebe6',
  edge: '#ebf3e8',
};

/** Y tick values and their compact labels (a log axis keeps d3's choice of which to blank). */
export function yTicks(
  y: YScale,
  logY: boolean,
  count: number,
): { values: number[]; labels: string[] } {
  const values = y.ticks(count);
  const crowd = logY ? y.tickFormat(count) : null;
  const shown = values.filter((v) => !crowd || crowd(v) !== '');
  const texts = tickLabels(shown);
  const byValue = new Map(shown.map((v, i) => [v, texts[i] ?? '']));
  return { values, labels: values.map((v) => byValue.get(v) ?? '') };
}

/** Draws one panel (frame, axes, reference lines, bands, series) into `g`. */
export function drawTrajectoryPanel(
  g: Selection<SVGGElement, unknown, null, undefined>,
  p: PanelSpec,
  ctx: PanelContext,
): void {
  const { x, plotWidth, panelHeight, logY, showPoints } = ctx;
  const y = p.y;
  const [d0, d1] = y.domain() as [number, number];
  g.attr('data-top', String(Math.max(d0, d1)));

  layer(g, 'panel-title', 'text')
    .attr('x', 0)
    .attr('y', -5)
    .attr('font-weight', 600)
    .attr('fill', p.titleColor ?? '#111')
    .text(p.title + (logY ? ' (log)' : ''));

  // Bands behind everything, labelled inside the top of the loss panel.
  const bandSel = layer(g, 'bands')
    .selectAll<SVGGElement, RegimeBand>('g.band')
    .data(ctx.bands, (d) => d.kind)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'band');
      e.append('rect');
      e.append('text');
      return e;
    })
    .attr('data-kind', (d) => d.kind)
    .attr('data-from', (d) => String(d.from))
    .attr('data-to', (d) => String(d.to));
  bandSel
    .select('rect')
    .attr('x', (d) => x.x(d.from))
    .attr('y', 0)
    .attr('width', (d) => Math.max(0, x.x(d.to) - x.x(d.from)))
    .attr('height', panelHeight)
    .attr('fill', (d) => BAND_FILL[d.kind]);
  bandSel
    .select('text')
    .attr('x', (d) => (x.x(d.from) + x.x(d.to)) / 2)
    .attr('y', 12)
    .attr('text-anchor', 'middle')
    .attr('font-size', 10)
    .attr('fill', '#444')
    .text((d) => {
      if (!ctx.bandLabels) return '';
      const room = x.x(d.to) - x.x(d.from) - 4;
      if (textWidth(BAND_NAMES[d.kind], 10) <= room) return BAND_NAMES[d.kind];
      return textWidth(BAND_NUMERALS[d.kind], 10) <= room ? BAND_NUMERALS[d.kind] : '';
    });

  layer(g, 'frame', 'rect')
    .attr('width', plotWidth)
    .attr('height', panelHeight)
    .attr('fill', 'none')
    .attr('stroke', '#bbb');

  const yAxis = layer(g, 'y-axis');
  const count = Math.max(2, Math.floor(panelHeight / 28));
  const ticks = yTicks(y, logY, count);
  yAxis.call(
    axisLeft(y)
      .tickValues(ticks.values)
      .tickFormat((_: NumberValue, i: number) => ticks.labels[i] ?? ''),
  );
  const xAxis = layer(g, 'x-axis').attr('transform', `translate(0,${panelHeight})`);
  // The step axis is drawn from its own tick list (a log axis in t + 1 has no d3 scale of t).
  const xScale = scaleLinear().domain([0, plotWidth]).range([0, plotWidth]);
  xAxis.call(
    axisBottom(xScale)
      .tickValues(x.ticks.map((t) => x.x(t)))
      .tickFormat((_: NumberValue, i: number) => (ctx.isBottom ? String(x.ticks[i] ?? '') : '')),
  );
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotWidth / 2)
    .attr('y', 32)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('font-size', 11)
    .text(ctx.isBottom ? (x.log ? 'step t (log scale)' : 'step t') : '');

  layer(g, 'empty-note', 'text')
    .attr('x', plotWidth / 2)
    .attr('y', panelHeight / 2)
    .attr('text-anchor', 'middle')
    .attr('fill', '#666')
    .text(ctx.emptyText);

  // Reference line at 1 (ratio mode) and the distinct 2/η lines (raw mode).
  const refs = layer(g, 'refs');
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
  // One "2/η" label per line, and none that would sit on another (the lines keep their colours).
  const labelled = new Set<string>();
  let lastLabelY = -Infinity;
  for (const e of [...p.etaLines].sort((a, b) => y(a.value) - y(b.value))) {
    const py = y(e.value);
    if (py - lastLabelY >= 12) {
      labelled.add(e.id);
      lastLabelY = py;
    }
  }
  const eta = refs
    .selectAll<SVGGElement, EtaLine>('g.eta-line')
    .data(p.etaLines, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'eta-line');
      e.append('line');
      e.append('text');
      return e;
    })
    .attr('data-series', (d) => d.ids.join(' '))
    .attr('data-value', (d) => String(d.value))
    .attr('transform', (d) => `translate(0,${y(d.value)})`);
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
    .text((d) => (labelled.has(d.id) ? '2/η' : ''));

  // The saturation step τ = K/c.
  const tau = refs
    .selectAll<SVGGElement, PanelContext['taus'][number]>('g.tau-marker')
    .data(ctx.taus, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'tau-marker');
      e.append('line');
      e.append('text');
      return e;
    })
    .attr('data-step', (d) => String(d.step))
    .attr('transform', (d) => `translate(${x.x(d.step)},0)`);
  tau
    .select('line')
    .attr('y1', 0)
    .attr('y2', panelHeight)
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.2)
    .attr('stroke-dasharray', '1 3');
  tau
    .select('text')
    .attr('x', 3)
    .attr('y', panelHeight - 4)
    .attr('font-size', 10)
    .attr('fill', '#333')
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text((d) => (ctx.tauLabels ? `τ = K/c = ${d.step}` : ''));

  // Series, each cut at the panel top and its cap.
  const drawn = new Map(p.series.map((s) => [s.id, clippedValues(s, y)]));
  const path = line<number | null>()
    .defined((v) => isFiniteValue(v, logY))
    .x((_, i) => x.x(i))
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
    .attr('data-series', (d) => d.id)
    .attr('data-clip', (d) => {
      const top = Math.min(Math.max(d0, d1), d.cap);
      return d.diverged ? String(top) : null;
    });
  seriesSel
    .select('path.line')
    .attr('d', (d) => path(drawn.get(d.id) ?? []) ?? '')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.6)
    .attr('stroke-dasharray', (d) => (d.live ? '5 3' : null));
  seriesSel
    .select('g.points')
    .attr('fill', (d) => d.color)
    .selectAll('circle')
    .data((d) =>
      showPoints
        ? (drawn.get(d.id) ?? []).flatMap((v, i) => (isFiniteValue(v, logY) ? [{ i, v }] : []))
        : [],
    )
    .join('circle')
    .attr('cx', (d) => x.x(d.i))
    .attr('cy', (d) => y(d.v))
    .attr('r', 2.2);
  const div = seriesSel
    .select('g.diverged-layer')
    .selectAll<SVGGElement, { i: number; v: number; step: number; color: string }>(
      'g.diverged-marker',
    )
    .data((d) => {
      const v = d.markAt === null ? undefined : drawn.get(d.id)?.[d.markAt];
      return d.markAt !== null && d.divergedStep !== null && isFiniteValue(v, logY)
        ? [{ i: d.markAt, v, step: d.divergedStep, color: d.color }]
        : [];
    })
    .join((enter) => {
      const e = enter.append('g').attr('class', 'diverged-marker');
      e.append('line').attr('class', 'cap');
      e.append('path');
      e.append('text');
      return e;
    })
    .attr('data-step', (d) => String(d.step))
    .attr('transform', (d) => `translate(${x.x(d.i)},${y(d.v)})`);
  div
    .select('line.cap')
    .attr('x1', -9)
    .attr('x2', 9)
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 2.5);
  div
    .select('path')
    .attr('d', 'M-4,-4L4,4M-4,4L4,-4')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 2);
  div
    .select('text')
    .attr('x', (d) => (x.x(d.i) > plotWidth - 110 ? -8 : 8))
    .attr('y', (d) => (y(d.v) < 14 ? 14 : -5))
    .attr('text-anchor', (d) => (x.x(d.i) > plotWidth - 110 ? 'end' : 'start'))
    .attr('font-size', 10)
    .attr('fill', (d) => d.color)
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text((d) => `diverged at step ${d.step}`);
}

function trajectoriesAriaLabel(data: TrajectoryData, options: TrajectoryOptions): string {
  const n = data.series.length;
  if (n === 0) return 'Loss and sharpness trajectories: no run selected';
  const parts = data.series.slice(0, 5).map((s) => {
    const finite = s.loss.filter((v): v is number => v !== null && Number.isFinite(v));
    const peak = finite.length ? Math.max(...finite) : null;
    const div =
      s.divergedAt !== undefined && s.divergedAt !== null
        ? `, diverged at step ${s.divergedAt}`
        : '';
    return peak === null
      ? `${s.label}${div}`
      : `${s.label} (loss peak ${compactNumber(peak, 2)}× L₀${div})`;
  });
  const more = n > 5 ? `, and ${n - 5} more` : '';
  const sharp = options.rawSharpness ? 'sharpness λ_t with 2/η' : 'λ_t/λ₀';
  return `Loss L_t/L₀ and ${sharp} against step for ${n} run${n === 1 ? '' : 's'}: ${parts.join(', ')}${more}`;
}
