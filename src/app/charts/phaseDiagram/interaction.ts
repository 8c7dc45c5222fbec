/**
 * The diagram's interaction: click and keyboard selection, arrow-key moves between cells, focus
 * ring and hover, via listeners delegated to the svg root and installed once per svg.
 */
import { select } from 'd3';
import type { Selection } from 'd3';
import type { DiagramKind } from './kinds';
import type { FitFamily } from './words';

/** The key of one family of one kind's fit lines ("line:c_loss"). */
export function fitToggleKey(family: FitFamily, kind: DiagramKind): string {
  return `${family}:${kind}`;
}
import type { CellGeom, PhaseDiagramLayout } from './layout';
import type { PhaseDiagramData, PhaseDiagramOptions, SelectMode } from './types';

/** What the listeners read: the latest data, options and layout of one svg. */
export interface DiagramState {
  data: PhaseDiagramData;
  options: PhaseDiagramOptions;
  /**
   * Fit lines the user showed (true) or hid (false) from the legend, by `fitToggleKey`; the rest
   * follow `fitShownByDefault`.
   */
  fitToggles: Map<string, boolean>;
  layout: PhaseDiagramLayout | null;
  cellById: Map<string, CellGeom>;
  elById: Map<string, SVGRectElement>;
  focusedId: string | null;
  clipId: string;
}

/** How a ring around cells looks: `pad` px outside the cell, a white halo under a black stroke. */
export interface RingStyle {
  pad: number;
  rx: number | null;
  haloWidth: number;
  strokeWidth: number;
}

const RING_STYLE: RingStyle = { pad: 3, rx: 2, haloWidth: 5, strokeWidth: 2 };

/**
 * Rings around `cells` in `g` (selection outlines, the focus ring): a white halo under a black
 * stroke, so they show on every regime colour. `key` joins them (the focus ring keeps one
 * element as it moves from cell to cell).
 */
export function drawCellRings(
  g: Selection<SVGGElement, unknown, null, undefined>,
  className: string,
  cells: readonly CellGeom[],
  style: RingStyle,
  key: (d: CellGeom) => string = (d) => d.id,
): void {
  const rings = g
    .selectAll<SVGGElement, CellGeom>(`g.${className}`)
    .data(cells, key)
    .join((enter) => {
      const e = enter.append('g').attr('class', className);
      e.append('rect').attr('class', 'halo');
      e.append('rect').attr('class', 'stroke');
      return e;
    });
  const { pad } = style;
  rings
    .selectAll<SVGRectElement, CellGeom>('rect')
    .data((d) => [d, d])
    .attr('x', (d) => d.x - pad)
    .attr('y', (d) => d.y - pad)
    .attr('width', (d) => Math.max(0, d.w) + 2 * pad)
    .attr('height', (d) => Math.max(0, d.h) + 2 * pad)
    .attr('rx', style.rx)
    .attr('fill', 'none');
  rings.select('rect.halo').attr('stroke', '#fff').attr('stroke-width', style.haloWidth);
  rings.select('rect.stroke').attr('stroke', '#000').attr('stroke-width', style.strokeWidth);
}

export function drawFocusRing(
  g: Selection<SVGGElement, unknown, null, undefined>,
  state: DiagramState,
) {
  const cell = state.focusedId !== null ? state.cellById.get(state.focusedId) : undefined;
  drawCellRings(g, 'focus-ring', cell ? [cell] : [], RING_STYLE, () => 'ring');
  for (const [id, el] of state.elById) el.classList.toggle('focused', id === state.focusedId);
}

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

export function installListeners(svg: SVGSVGElement, state: DiagramState) {
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
      // The Tab stop moves with the focus (roving tabindex).
      for (const el of state.elById.values())
        el.setAttribute('tabindex', el === hit.el ? '0' : '-1');
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
