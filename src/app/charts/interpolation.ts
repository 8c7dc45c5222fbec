/**
 * Interpolation curves: the loss along the straight line θ(τ) = (1 − τ)θ₀ + τθ_T from a run's
 * initial to its final parameters, as L(θ(τ))/L₀ against τ ∈ [0, 1], one curve per run in its
 * regime colour. A curve that rises above L₀ (the dashed line at 1) crosses a loss barrier: its
 * height and the τ* of the maximum are marked. A plain d3 render function; curves are joined by
 * id, so a redraw updates in place.
 *
 * Curves of one regime share a colour, so the second and later curves of a regime get a dash
 * pattern (the legend shows it) to stay apart.
 */
import { axisBottom, axisLeft, line, scaleLinear } from 'd3';
import { compareRuns } from '../../core/sweep/order';
import { columnId, type ColumnRecord, type Regime, type RunRecord } from '../../core/sweep/records';
import { REGIME_COLORS, REGIME_NAMES } from './palette';
import { typicalRuns } from './typicalRuns';
import { flowLegend, FONT_SIZE, formatSig, layer, prepareRoot, textWidth } from './svgUtil';

export interface InterpolationCurve {
  id: string;
  /** The run's learning-rate constant, shown rounded in the legend. */
  c: number;
  /** What tells the run apart besides c (e.g. "d=8 w=256"); optional. */
  tag?: string | undefined;
  regime: Regime;
  /** L(θ(τ))/L₀ at τ_i = i/(n − 1), i = 0..n − 1 (null where not finite). */
  ratios: readonly (number | null)[];
  /** (max_{τ>0} L(θ(τ)) − L₀)/L₀: positive when the line crosses a barrier. */
  heightRatio: number;
  /** τ of the maximum (τ*). */
  tauAtMax: number;
}

export interface InterpolationData {
  curves: readonly InterpolationCurve[];
}

export interface InterpolationOptions {
  width: number;
  height: number;
  /** Type size relative to the charts' 11 px (lecture mode: larger); default 1. */
  fontScale?: number | undefined;
}

/** Dash patterns for the 2nd, 3rd, … curve of one regime (the first is solid). */
const DASHES: readonly (string | null)[] = [null, '7 3', '2 2', '9 3 2 3', '4 4'];

/**
 * The curve of one run, or null when it carries none (diverged, measured with the barrier off, or
 * recorded before the measurement existed).
 */
export function curveOfRun(r: RunRecord, tag?: string): InterpolationCurve | null {
  const b = r.barrier;
  if (b === undefined || b === null || b.losses.length < 2 || !(r.loss0 > 0)) return null;
  return {
    id: `${r.depth}/${r.width}/${r.seed}/${r.c}`,
    c: r.c,
    tag,
    regime: r.regime,
    ratios: b.losses.map((l) => (l === null || !Number.isFinite(l) ? null : l / r.loss0)),
    heightRatio: b.height / r.loss0,
    tauAtMax: b.tauAtMax,
  };
}

/** Why the panel has no curve to draw, in words for its empty state. */
export type InterpolationEmpty = 'no-runs' | 'none-with-curve' | 'selection-without-curve';

/**
 * The empty state's words: what the panel shows, and why nothing is drawn. When runs exist but
 * none carries the curve, the likely reasons (the `barrier` setting off, diverged runs, records
 * from before the measurement) are named.
 */
export function interpolationEmptyText(why: InterpolationEmpty): string {
  const what =
    'The loss along the straight line from θ₀ to θ_T, L(θ(τ))/L₀ against τ: a run whose curve rises above L₀ crosses a loss barrier.';
  switch (why) {
    case 'no-runs':
      return `${what} Run a sweep, then select cells to compare their curves.`;
    case 'none-with-curve':
      return `${what} No run here carries the curve: barrier measurement may be off (the “Loss barrier” setting, under Advanced), or the runs are older than the measurement.`;
    case 'selection-without-curve':
      return `${what} None of the selected runs carries the curve: diverged runs have none, and barrier measurement may be off (the “Loss barrier” setting, under Advanced).`;
  }
}

/** Which runs the panel draws, and why. */
export interface InterpolationPick {
  runs: RunRecord[];
  /**
   * selection: the selected runs that carry a curve; barrier: nothing selected, the runs of a
   * column around its c_barrier; typical: nothing selected and no column with a barrier seen, one
   * typical run per regime; none: nothing to draw (see `empty`).
   */
  source: 'selection' | 'barrier' | 'typical' | 'none';
  /** Why nothing is drawn, when `runs` is empty. */
  empty: InterpolationEmpty | null;
  /** Selected runs left out: no curve (e.g. diverged), or past `max`. */
  left: number;
}

const hasCurve = (r: RunRecord): boolean =>
  r.barrier !== undefined && r.barrier !== null && r.barrier.losses.length >= 2;

/** How many runs on each side of c_barrier the default view shows. */
const AROUND_BARRIER = 2;

/**
 * The runs to draw. With a selection, its runs that carry a curve (in column, then c order, at
 * most `max`). Without one: when some column saw a barrier (c_barrier measured, not the c_max
 * fallback), the run at that column's c_barrier and its neighbours in c (the onset of the
 * barrier); otherwise one typical run per regime.
 */
export function pickInterpolationRuns(
  all: readonly RunRecord[],
  columns: readonly ColumnRecord[],
  selected: readonly RunRecord[],
  max = 24,
): InterpolationPick {
  if (selected.length > 0) {
    const chosen = selected.filter(hasCurve).sort(compareRuns);
    const runs = chosen.slice(0, max);
    return {
      runs,
      source: runs.length > 0 ? 'selection' : 'none',
      empty: runs.length > 0 ? null : 'selection-without-curve',
      left: selected.length - runs.length,
    };
  }
  const candidates = all.filter(hasCurve);
  if (candidates.length === 0)
    return { runs: [], source: 'none', empty: all.length ? 'none-with-curve' : 'no-runs', left: 0 };
  const byColumn = new Map<string, RunRecord[]>();
  for (const r of candidates) {
    const id = columnId(r);
    const list = byColumn.get(id);
    if (list) list.push(r);
    else byColumn.set(id, [r]);
  }
  // The column with a barrier seen and the most runs with a curve; ties to the first id.
  let best: { runs: RunRecord[]; cBarrier: number } | null = null;
  for (const col of [...columns].sort((a, b) => (columnId(a) < columnId(b) ? -1 : 1))) {
    const cb = col.c_barrier;
    if (col.barrierFallback === true || cb === undefined || cb === null || !Number.isFinite(cb))
      continue;
    const runs = byColumn.get(columnId(col));
    if (runs && (!best || runs.length > best.runs.length)) best = { runs, cBarrier: cb };
  }
  if (best) {
    const sorted = [...best.runs].sort((a, b) => a.c - b.c);
    let at = 0;
    for (let i = 1; i < sorted.length; i++)
      if (Math.abs(sorted[i]!.c - best.cBarrier) < Math.abs(sorted[at]!.c - best.cBarrier)) at = i;
    const runs = sorted.slice(Math.max(0, at - AROUND_BARRIER), at + AROUND_BARRIER + 1);
    return { runs, source: 'barrier', empty: null, left: 0 };
  }
  return { runs: typicalRuns(candidates), source: 'typical', empty: null, left: 0 };
}

/** "c = 3.2" (three significant digits), with the tag when there is one. */
export function curveLabel(curve: Pick<InterpolationCurve, 'c' | 'tag'>): string {
  const c = `c = ${formatSig(curve.c, 3)}`;
  return curve.tag ? `${curve.tag} ${c}` : c;
}

/** "+4.1 % L₀" for a barrier height of 0.041·L₀ (two significant digits). */
export function heightLabel(heightRatio: number): string {
  if (!Number.isFinite(heightRatio)) return 'not finite';
  return `+${formatSig(heightRatio * 100, 2)} % L₀`;
}

interface CurveGeom extends InterpolationCurve {
  color: string;
  dash: string | null;
  label: string;
  /** The barrier's peak when the curve crosses one and the peak is finite. */
  peak: { tau: number; ratio: number } | null;
}

function geometry(curves: readonly InterpolationCurve[]): CurveGeom[] {
  const perRegime = new Map<Regime, number>();
  return curves.map((c) => {
    const k = perRegime.get(c.regime) ?? 0;
    perRegime.set(c.regime, k + 1);
    const n = c.ratios.length - 1;
    const i = Math.round(c.tauAtMax * n);
    const v = c.ratios[i];
    const peak =
      c.heightRatio > 0 && v !== null && v !== undefined && Number.isFinite(v)
        ? { tau: n > 0 ? i / n : 0, ratio: v }
        : null;
    return {
      ...c,
      color: REGIME_COLORS[c.regime],
      dash: DASHES[k % DASHES.length] ?? null,
      label: curveLabel(c),
      peak,
    };
  });
}

const CSS = `
.pe-interpolation path.line { fill: none; }
.pe-interpolation .barrier-marker { pointer-events: none; }
`;

/** Draws (or updates) the interpolation-curves chart inside `svg`. */
/**
 * Where a label spanning [x0, x1] goes, from `y` downwards, so that it keeps `lineH` from every
 * placed label it overlaps horizontally. Each move goes strictly down, to the bottom of a label
 * it overlaps, so this ends after at most one move per placed label. (Comparing with
 * `|y − o.y| < lineH` alone did not: `(o.y + lineH) − o.y` can round below `lineH`, and the
 * label was moved to where it already was, forever.)
 */
export function stackBelow(
  placed: readonly { x0: number; x1: number; y: number }[],
  x0: number,
  x1: number,
  y: number,
  lineH: number,
): number {
  let ly = y;
  for (let moves = 0; moves <= placed.length; moves++) {
    let next = ly;
    for (const o of placed)
      if (x0 < o.x1 && o.x0 < x1 && Math.abs(ly - o.y) < lineH && o.y + lineH > next)
        next = o.y + lineH;
    if (next === ly) break;
    ly = next;
  }
  return ly;
}

export function renderInterpolation(
  svg: SVGSVGElement,
  data: InterpolationData,
  options: InterpolationOptions,
): void {
  const width = Math.max(200, options.width);
  const height = Math.max(180, options.height);
  const root = prepareRoot(svg, 'pe-interpolation', width, height, CSS);
  const k = Math.max(0.5, options.fontScale ?? 1);
  const fs = FONT_SIZE * k;
  const small = 10 * k;
  root.attr('font-size', fs);
  const curves = geometry(data.curves);
  root.attr('role', 'img').attr('aria-label', ariaLabel(curves));

  // Legend on top, flowing into rows; past three rows the rest collapse into "+N more".
  const rowH = 16 * k;
  const avail = width - 24;
  const { items, hidden, rows: legendRows } = flowLegend(curves, fs, avail, rowH);
  const margin = {
    top: legendRows * rowH + 30 * k,
    right: 18,
    bottom: 40 * k,
    left: 56 * k,
  };
  const plotW = Math.max(60, width - margin.left - margin.right);
  const plotH = Math.max(60, height - margin.top - margin.bottom);

  const legend = layer(root, 'legend').attr('transform', 'translate(12,6)');
  const li = legend
    .selectAll<SVGGElement, (typeof items)[number]>('g.legend-item')
    .data(items, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'legend-item');
      g.append('line');
      g.append('text');
      g.append('title');
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
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', (d) => d.dash);
  li.select('text')
    .attr('x', 30)
    .attr('y', 12 * k)
    .attr('fill', '#111')
    .text((d) => d.label);
  li.select('title').text(
    (d) =>
      `${REGIME_NAMES[d.regime]}; ${d.heightRatio > 0 ? `barrier ${heightLabel(d.heightRatio)} at τ* = ${formatSig(d.tauAtMax, 2)}` : 'no barrier'}`,
  );
  legend
    .selectAll('text.legend-more')
    .data(hidden ? [hidden] : [])
    .join('text')
    .attr('class', 'legend-more')
    .attr('y', (legendRows - 1) * rowH + 12 * k)
    .attr('fill', '#444')
    .text((d) => `+${d} more`);

  const g = layer(root, 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  layer(g, 'panel-title', 'text')
    .attr('x', 0)
    .attr('y', -8)
    .attr('font-weight', 600)
    .attr('fill', '#111')
    .text(
      fitText(
        ['Loss along θ(τ) = (1−τ)θ₀ + τθ_T, L(θ(τ)) / L₀', 'L(θ(τ)) / L₀ along θ₀ → θ_T'],
        plotW,
        fs,
      ),
    );
  layer(g, 'frame', 'rect')
    .attr('width', plotW)
    .attr('height', plotH)
    .attr('fill', 'none')
    .attr('stroke', '#bbb');

  const x = scaleLinear().domain([0, 1]).range([0, plotW]);
  let lo = 1;
  let hi = 1;
  for (const c of curves)
    for (const v of c.ratios)
      if (v !== null && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  const pad = Math.max(0.02, (hi - lo) * 0.06);
  const y = scaleLinear()
    .domain([Math.max(0, lo - pad), hi + pad])
    .range([plotH, 0])
    .nice();

  layer(g, 'y-axis').call(
    axisLeft(y)
      .ticks(Math.max(2, Math.floor(plotH / 30)))
      .tickFormat((v) => formatSig(Number(v), 3)),
  );
  const xAxis = layer(g, 'x-axis')
    .attr('transform', `translate(0,${plotH})`)
    .call(
      axisBottom(x)
        .ticks(Math.max(2, Math.min(10, Math.floor(plotW / 50))))
        .tickFormat((v) => formatSig(Number(v), 2)),
    );
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotW / 2)
    .attr('y', 33 * k)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('font-size', fs)
    .text(
      fitText(
        ['τ (0: initial parameters θ₀, 1: after T steps, θ_T)', 'τ (0: θ₀, 1: θ_T)'],
        plotW,
        fs,
      ),
    );

  // L₀: the dashed line a barrier rises above.
  const ref = layer(g, 'ref-l0')
    .attr('data-value', '1')
    .attr('transform', `translate(0,${y(1)})`);
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
    .text('L₀');

  const path = line<number | null>()
    .defined((v) => v !== null && Number.isFinite(v))
    .x((_, i, all) => x(all.length > 1 ? i / (all.length - 1) : 0))
    .y((v) => y(v as number));
  const series = layer(g, 'series-layer')
    .selectAll<SVGGElement, CurveGeom>('g.series')
    .data(curves, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'series');
      e.append('path').attr('class', 'line');
      e.append('g').attr('class', 'marker-layer');
      return e;
    })
    .attr('data-series', (d) => d.id)
    .attr('data-regime', (d) => d.regime);
  series
    .select('path.line')
    .attr('d', (d) => path(d.ratios as (number | null)[]) ?? '')
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.8)
    .attr('stroke-dasharray', (d) => d.dash);

  // The barrier: a segment from L₀ up to the maximum at τ*, a dot there and the height in words.
  // Labels of nearby peaks would print over each other: from the top down, push a label below
  // any earlier one it overlaps (positions estimated, as everywhere in the charts).
  const labelText = (d: CurveGeom) =>
    `${heightLabel(d.heightRatio)}, τ* = ${formatSig(d.peak!.tau, 2)}`;
  const flip = (d: CurveGeom) => x(d.peak!.tau) > plotW - 110 * k;
  const labelDy = new Map<string, number>();
  const placed: { x0: number; x1: number; y: number }[] = [];
  const lineH = small + 3;
  for (const d of curves
    .filter((c) => c.peak)
    .sort((a, b) => y(a.peak!.ratio) - y(b.peak!.ratio))) {
    const px = x(d.peak!.tau);
    const w = textWidth(labelText(d), small);
    const x0 = flip(d) ? px - 6 - w : px + 6;
    const base = y(d.peak!.ratio) - 6;
    const ly = stackBelow(placed, x0, x0 + w, base, lineH);
    placed.push({ x0, x1: x0 + w, y: ly });
    labelDy.set(d.id, ly - base);
  }

  const marker = series
    .select('g.marker-layer')
    .selectAll<SVGGElement, CurveGeom>('g.barrier-marker')
    .data(
      (d) => (d.peak ? [d] : []),
      (d) => d.id,
    )
    .join((enter) => {
      const e = enter.append('g').attr('class', 'barrier-marker');
      e.append('line');
      e.append('circle');
      e.append('text');
      return e;
    })
    .attr('data-tau', (d) => String(d.peak!.tau))
    .attr('data-ratio', (d) => String(d.peak!.ratio))
    .attr('transform', (d) => `translate(${x(d.peak!.tau)},${y(d.peak!.ratio)})`);
  marker
    .select('line')
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('y1', 0)
    .attr('y2', (d) => y(1) - y(d.peak!.ratio))
    .attr('stroke', (d) => d.color)
    .attr('stroke-width', 1.2);
  marker
    .select('circle')
    .attr('r', 3.5)
    .attr('fill', (d) => d.color);
  marker
    .select('text')
    .attr('x', (d) => (flip(d) ? -6 : 6))
    .attr('text-anchor', (d) => (flip(d) ? 'end' : 'start'))
    .attr('y', (d) => -6 + (labelDy.get(d.id) ?? 0))
    .attr('font-size', small)
    .attr('fill', (d) => d.color)
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text(labelText);
}

/** The first of `texts` that fits in `width` at `fontSize`, else the last (the shortest). */
function fitText(texts: readonly string[], width: number, fontSize: number): string {
  return texts.find((t) => textWidth(t, fontSize) <= width) ?? texts[texts.length - 1] ?? '';
}

function ariaLabel(curves: readonly CurveGeom[]): string {
  if (curves.length === 0) return 'Interpolation curves: no run with a curve';
  const withBarrier = curves.filter((c) => c.heightRatio > 0);
  const parts = curves
    .slice(0, 5)
    .map(
      (c) =>
        `${c.label} (${REGIME_NAMES[c.regime]}${c.heightRatio > 0 ? `, barrier ${heightLabel(c.heightRatio)} at τ* = ${formatSig(c.tauAtMax, 2)}` : ''})`,
    );
  const more = curves.length > 5 ? `, and ${curves.length - 5} more` : '';
  return `Loss along the line from θ₀ to θ_T for ${curves.length} run${curves.length === 1 ? '' : 's'}, ${withBarrier.length} crossing a barrier: ${parts.join(', ')}${more}`;
}
