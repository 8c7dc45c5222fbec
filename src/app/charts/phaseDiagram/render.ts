/** The diagram's d3 join: cells, running cell, reference lines, fits and markers. */
import { line } from 'd3';
import type { Selection } from 'd3';
import { layer, prepareRoot } from '../svgUtil';
import { regimeFill } from '../palette';
import { FIT_DASH, drawAxes, drawLegend, fitStroke, markerPaint, markerPath } from './axesLegend';
import type { DiagramKind } from './kinds';
import {
  drawCellRings,
  drawFocusRing,
  fitToggleKey,
  installListeners,
  type DiagramState,
  type RingStyle,
} from './interaction';
import {
  fitShownByDefault,
  layoutPhaseDiagram,
  type CellGeom,
  type FitGeom,
  type LinearFitGeom,
  type MarkerGeom,
  type PhaseDiagramLayout,
  type PlannedCellGeom,
  type RefLabelGeom,
} from './layout';
import type { PhaseDiagramData, PhaseDiagramOptions } from './types';
import { AXIS_TITLES, Y_TITLE, cachedWords, markerTitle, type FitFamily } from './words';

/** Selection outlines sit on the cell's edge. */
const OUTLINE_STYLE: RingStyle = { pad: 0, rx: null, haloWidth: 3.5, strokeWidth: 1.5 };

/** Points along a drawn linear fit (a curve on the log x axis). */
const LINEAR_SAMPLES = 32;

const states = new WeakMap<SVGSVGElement, DiagramState>();
let clipCounter = 0;

const CSS = `
.pe-phase .cell { cursor: pointer; }
.pe-phase .cell:focus { outline: none; }
.pe-phase .cell:hover { stroke: #000; stroke-width: 1px; }
.pe-phase .cell-running { pointer-events: none; }
.pe-phase .outline, .pe-phase .focus-ring, .pe-phase .marker, .pe-phase .fit, .pe-phase .linear-fit, .pe-phase .ref, .pe-phase .cell-planned { pointer-events: none; }
.pe-phase .fit-toggle { cursor: pointer; }
.pe-phase .fit-toggle:focus { outline: 2px solid #0072b2; outline-offset: 1px; }
`;

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
      data,
      options,
      fitToggles: new Map(),
      layout: null,
      cellById: new Map(),
      elById: new Map(),
      focusedId: null,
      clipId: `pe-phase-clip-${++clipCounter}`,
    };
    states.set(svg, state);
    installListeners(svg, state);
    installFitToggles(svg, state);
  }
  state.data = data;
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
  const gPlanned = layer(plot, 'planned');
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
  // One Tab stop for the whole diagram (roving tabindex): the focused cell, or the first one;
  // the arrow keys move between cells inside it.
  const tabId =
    state.focusedId !== null && layout.cells.some((c) => c.id === state.focusedId)
      ? state.focusedId
      : (layout.cells[0]?.id ?? null);
  const cellSel = gCells
    .selectAll<SVGRectElement, CellGeom>('rect.cell')
    .data(layout.cells, (d) => d.id)
    .join((enter) => {
      const r = enter.append('rect').attr('class', 'cell').attr('role', 'button');
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
    .attr('tabindex', (d) => (d.id === tabId ? '0' : '-1'))
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

  // Planned cells not run yet: empty outlines, so the grid to come is visible.
  gPlanned
    .selectAll<SVGRectElement, PlannedCellGeom>('rect.cell-planned')
    .data(layout.plannedCells, (d) => d.key)
    .join('rect')
    .attr('class', 'cell-planned')
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y)
    .attr('width', (d) => Math.max(0, d.w))
    .attr('height', (d) => Math.max(0, d.h))
    .attr('fill', '#fafbfc')
    .attr('stroke', '#c3cbd4')
    .attr('stroke-width', 0.75)
    .attr('data-depth', (d) => String(d.depth))
    .attr('data-width', (d) => String(d.width))
    .attr('data-seed', (d) => String(d.seed))
    .attr('data-c', (d) => String(d.c))
    .attr('aria-hidden', 'true');

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

  // Reference lines c = 2 and c = 4, labelled where the layout found room.
  const refs = gRefs
    .selectAll<SVGGElement, RefLabelGeom>('g.ref')
    .data(layout.refLabels, (d) => String(d.c))
    .join((enter) => {
      const g = enter.append('g').attr('class', 'ref');
      g.append('line');
      g.append('text');
      return g;
    })
    .attr('data-c', (d) => String(d.c))
    .attr('transform', (d) => `translate(0,${y(d.c)})`);
  refs
    .select('line')
    .attr('x1', 0)
    .attr('x2', plotWidth)
    .attr('stroke', '#444')
    .attr('stroke-width', 1)
    .attr('stroke-dasharray', '4 3');
  refs
    .select('text')
    .attr('x', (d) => d.x)
    .attr('y', (d) => d.y - y(d.c))
    .attr('text-anchor', (d) => d.anchor)
    .attr('font-size', 10)
    .attr('fill', '#222')
    .attr('stroke', '#fff')
    .attr('stroke-width', 3)
    .attr('paint-order', 'stroke')
    .text((d) => d.text);

  // Fitted boundaries: white halo under a dark dashed line (power laws are straight on these
  // axes; linear fits c ≈ a + b·x curve on the log x axis, so they are drawn through samples).
  const fitLine = line<[number, number]>();
  const powerPath = (d: FitGeom) =>
    fitLine([
      [x(d.xFrom), y(d.fit.a * d.xFrom ** d.fit.p)],
      [x(d.xTo), y(d.fit.a * d.xTo ** d.fit.p)],
    ]);
  const linearPath = (d: LinearFitGeom) => {
    const samples: [number, number][] = [];
    const lo = Math.log(d.xFrom);
    const hi = Math.log(d.xTo);
    for (let i = 0; i <= LINEAR_SAMPLES; i++) {
      const xv = Math.exp(lo + ((hi - lo) * i) / LINEAR_SAMPLES);
      const c = d.fit.a + d.fit.b * xv;
      if (c > 0) samples.push([x(xv), y(c)]);
    }
    return fitLine(samples);
  };
  const toggles = state.fitToggles;
  const shown = (family: FitFamily, kind: DiagramKind) =>
    toggles.get(fitToggleKey(family, kind)) ?? fitShownByDefault(family, options.axis);
  drawFitPaths(
    gFits,
    'fit',
    layout.fits,
    (d) => d.kind,
    powerPath,
    POWER_STYLE,
    (k) => shown('power', k),
  ).attr('data-exponent', (d) => String(d.fit.p));
  drawFitPaths(
    gFits,
    'linear-fit',
    layout.linearFits,
    (d) => d.key,
    linearPath,
    LINEAR_STYLE,
    (k) => shown('line', k),
  )
    .attr('data-depth', (d) => (d.depth === null ? 'all' : String(d.depth)))
    .attr('data-intercept', (d) => String(d.fit.a))
    .attr('data-slope', (d) => String(d.fit.b))
    .attr('data-r2', (d) => (d.fit.r2 === null ? 'none' : String(d.fit.r2)));

  // Critical-value markers (with a whisker over seeds in seed-mean mode).
  const markers = gMarkers
    .selectAll<SVGGElement, MarkerGeom>('g.marker')
    .data(layout.markers, (d) => d.key)
    .join((enter) => {
      const g = enter.append('g');
      g.append('line').attr('class', 'marker-spread');
      g.append('path').attr('class', 'marker-shape');
      g.append('title');
      return g;
    })
    .attr('class', (d) => `marker marker-${d.kind}${d.hollow ? ' marker-hollow' : ''}`)
    .attr('data-kind', (d) => d.kind)
    .attr('data-c', (d) => String(d.c))
    .attr('data-hollow', (d) => String(d.hollow))
    .attr('data-depth', (d) => String(d.depth))
    .attr('data-width', (d) => String(d.width))
    .attr('data-seed', (d) => (d.seed === null ? 'mean' : String(d.seed)))
    .attr('data-censored', (d) => String(d.censored))
    .attr('transform', (d) => `translate(${d.x},${d.y})`);
  markers.select('title').text(markerTitle);
  markers
    .select('line.marker-spread')
    .attr('y1', (d) => y(d.cMax) - d.y)
    .attr('y2', (d) => y(d.cMin) - d.y)
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('stroke', '#111')
    .attr('stroke-width', 1)
    .attr('display', (d) => (d.seeds > 1 && d.cMax > d.cMin ? null : 'none'));
  markers
    .select('path.marker-shape')
    .attr('d', (d) => markerPath(d.kind, d.subWidth))
    .attr('fill', (d) => markerPaint(d.kind, d.hollow).fill)
    .attr('stroke', (d) => markerPaint(d.kind, d.hollow).stroke)
    .attr('stroke-width', (d) => markerPaint(d.kind, d.hollow).strokeWidth);

  // Selection outlines and the focus ring sit above the cells so neighbours cannot cover them.
  const sel = layout.cells.filter((c) => selected.has(c.id));
  drawCellRings(gOutlines, 'outline', sel, OUTLINE_STYLE);
  drawFocusRing(gFocus, state);

  drawAxes(gAxes, layout, options.axis);

  // The empty plot says what will fill it; near the top, on a halo, so the outlines stay visible.
  gEmpty
    .selectAll('text')
    .data(layout.emptyText !== null ? [layout.emptyText] : [])
    .join('text')
    .attr('class', 'empty-note')
    .attr('x', plotWidth / 2)
    .attr('y', 18)
    .attr('text-anchor', 'middle')
    .attr('fill', '#444')
    .attr('stroke', '#fff')
    .attr('stroke-width', 4)
    .attr('paint-order', 'stroke')
    .text((d) => d);

  drawLegend(layer(root, 'legend'), layout, shown);

  // Keep keyboard focus: if re-ordering moved the focused cell out of the DOM's focus, put it back.
  if (focusedCellId !== null) {
    const el = state.elById.get(focusedCellId);
    if (el && svg.ownerDocument.activeElement !== el) el.focus({ preventScroll: true });
  }
}

interface FitStyle {
  haloWidth: number;
  strokeWidth: number;
  /** Fits are context, not data: drawn light so the cells and markers stay in front. */
  opacity: number;
}

const POWER_STYLE: FitStyle = { haloWidth: 3, strokeWidth: 1.2, opacity: 0.55 };
const LINEAR_STYLE: FitStyle = { haloWidth: 2.5, strokeWidth: 1, opacity: 0.7 };

/**
 * One `g.{className}` per fit, a white halo path under a stroke dashed and coloured by critical
 * kind; fits whose kind is not `shown` are not displayed.
 */
function drawFitPaths<D extends { kind: DiagramKind }>(
  g: Selection<SVGGElement, unknown, null, undefined>,
  className: string,
  fits: readonly D[],
  key: (d: D) => string,
  path: (d: D) => string | null,
  style: FitStyle,
  shown: (kind: DiagramKind) => boolean,
): Selection<SVGGElement, D, SVGGElement, unknown> {
  const sel = g
    .selectAll<SVGGElement, D>(`g.${className}`)
    .data(fits, key)
    .join((enter) => {
      const e = enter.append('g').attr('class', className);
      e.append('path').attr('class', 'halo');
      e.append('path').attr('class', 'stroke');
      return e;
    })
    .attr('data-kind', (d) => d.kind)
    .attr('display', (d) => (shown(d.kind) ? null : 'none'))
    .attr('opacity', style.opacity);
  sel
    .select('path.halo')
    .attr('d', path)
    .attr('fill', 'none')
    .attr('stroke', '#fff')
    .attr('stroke-width', style.haloWidth)
    .attr('stroke-opacity', 0.6);
  sel
    .select('path.stroke')
    .attr('d', path)
    .attr('fill', 'none')
    .attr('stroke', (d) => fitStroke(d.kind))
    .attr('stroke-width', style.strokeWidth)
    .attr('stroke-dasharray', (d) => FIT_DASH[d.kind]);
  return sel;
}

/** Legend fit rows hide or show their kind's fit lines on click, Enter or Space. */
function installFitToggles(svg: SVGSVGElement, state: DiagramState): void {
  const toggle = (e: Event): void => {
    const row = (e.target as Element | null)?.closest?.('g.fit-toggle');
    const kind = row?.getAttribute('data-fit-kind') as DiagramKind | null | undefined;
    const family = row?.getAttribute('data-fit-family') as FitFamily | null | undefined;
    if (!kind || !family) return;
    if (e instanceof KeyboardEvent) {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
    }
    const key = fitToggleKey(family, kind);
    const now = state.fitToggles.get(key) ?? fitShownByDefault(family, state.options.axis);
    state.fitToggles.set(key, !now);
    renderPhaseDiagram(svg, state.data, state.options);
    // Keep the keyboard on the row that was toggled (the legend re-joins by key, so it survives).
    const again = svg.querySelector<SVGGElement>(
      `g.fit-toggle[data-key="${row!.getAttribute('data-key') ?? ''}"]`,
    );
    if (e instanceof KeyboardEvent) again?.focus({ preventScroll: true });
  };
  svg.addEventListener('click', toggle);
  svg.addEventListener('keydown', toggle);
}
