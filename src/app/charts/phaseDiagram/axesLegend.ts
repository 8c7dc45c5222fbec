/** The diagram's axes, legend and marker shapes (d3, drawn into layers the render made). */
import { select, symbol, symbolDiamond, symbolSquare, symbolStar, symbolTriangle } from 'd3';
import type { Selection } from 'd3';
import type { DiagramAxis } from '../../../core/settings/schema';
import { MARKER_COLORS, REGIME_COLORS, stableShade } from '../palette';
import { FONT_SIZE, layer } from '../svgUtil';
import type { DiagramKind } from './kinds';
import {
  LEGEND_PAD,
  LEGEND_ROW,
  TICK_LABEL_Y,
  TICK_SUB_FONT,
  TICK_SUB_Y,
  markerSide,
  type PhaseDiagramLayout,
  type SlotGroupLabel,
  type SlotTick,
} from './layout';
import { AXIS_TITLES, Y_TITLE, type FitFamily, type LegendRow } from './words';

const MARKER_SYMBOLS = {
  c_loss: symbolTriangle,
  c_sharp: symbolDiamond,
  c_barrier: symbolStar,
  c_max: symbolSquare,
} as const;

export const FIT_DASH: Readonly<Record<DiagramKind, string>> = {
  c_loss: '7 4',
  c_sharp: '2 3',
  c_barrier: '4 2 1 2',
  c_max: '10 3 2 3',
};

/**
 * A d3 star's size is its area, but its points reach much further out than a square's corners:
 * at 0.6 of the area it spans about the square's width.
 */
const AREA_SCALE: Readonly<Record<DiagramKind, number>> = {
  c_loss: 1,
  c_sharp: 1,
  c_barrier: 0.6,
  c_max: 1,
};

export function markerPath(kind: DiagramKind, subWidth: number): string {
  // Area in px²; shrink in narrow sub-columns so markers stay inside their column.
  const side = markerSide(subWidth);
  return symbol(MARKER_SYMBOLS[kind], side * side * AREA_SCALE[kind])() ?? '';
}

/**
 * Fill, stroke and stroke width of a marker: white shapes for c_loss, c_sharp and c_max, a
 * green star for c_barrier, and a hollow star (green outline, no fill) for its fallback.
 */
export function markerPaint(kind: DiagramKind, hollow: boolean) {
  const { fill, stroke } = MARKER_COLORS[kind];
  return hollow
    ? { fill: 'none', stroke: fill, strokeWidth: 1.8 }
    : { fill, stroke, strokeWidth: 1.3 };
}

export function drawAxes(
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

  // x axis: one tick per architecture, always; the labels the layout found room for.
  const xAxis = layer(g, 'x-axis').attr('transform', `translate(0,${plotHeight})`);
  const xt = xAxis
    .selectAll<SVGGElement, SlotTick>('g.tick')
    .data(ticks, (d) => d.key)
    .join((enter) => {
      const t = enter.append('g').attr('class', 'tick');
      t.append('line');
      t.append('text').attr('class', 'tick-label');
      t.append('text').attr('class', 'tick-sub');
      return t;
    })
    .attr('data-x', (d) => String(d.xValue))
    .attr('transform', (d) => `translate(${d.cx},0)`);
  xt.select('line').attr('y1', 0).attr('y2', 5).attr('stroke', '#333');
  xt.select('text.tick-label')
    .attr('y', TICK_LABEL_Y)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .attr('display', (d) => (d.shown ? null : 'none'))
    .text((d) => d.label);
  xt.select('text.tick-sub')
    .attr('y', TICK_SUB_Y)
    .attr('text-anchor', 'middle')
    .attr('font-size', TICK_SUB_FONT)
    .attr('fill', '#555')
    .attr('display', (d) => (d.shown && d.sub ? null : 'none'))
    .text((d) => d.sub ?? '');
  xAxis
    .selectAll<SVGTextElement, SlotGroupLabel>('text.tick-group')
    .data(
      layout.groupLabels.filter((d) => d.shown),
      (d) => String(d.xValue),
    )
    .join('text')
    .attr('class', 'tick-group')
    .attr('x', (d) => d.cx)
    .attr('y', TICK_SUB_Y)
    .attr('text-anchor', 'middle')
    .attr('font-size', TICK_SUB_FONT)
    .attr('font-weight', 600)
    .attr('fill', '#333')
    .text((d) => d.label);
  layer(xAxis, 'axis-title', 'text')
    .attr('x', plotWidth / 2)
    .attr('y', 44)
    .attr('text-anchor', 'middle')
    .attr('fill', '#222')
    .text(AXIS_TITLES[axis]);
}

/**
 * The legend. Fit rows are buttons: a click (or Enter/Space) hides or shows that family of the
 * critical value's fit lines; `shown` says which are drawn now.
 */
export function drawLegend(
  g: Selection<SVGGElement, unknown, null, undefined>,
  layout: PhaseDiagramLayout,
  shown: (family: FitFamily, kind: DiagramKind) => boolean,
) {
  const { legend } = layout;
  const [left, right] = layout.legendRows;
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
  const isFit = (d: (typeof placed)[number]) =>
    d.row.kind === 'fit' && d.row.marker !== undefined && d.row.family !== undefined;
  const off = (d: (typeof placed)[number]) => isFit(d) && !shown(d.row.family!, d.row.marker!);
  rows
    .classed('fit-toggle', isFit)
    .attr('data-fit-kind', (d) => (isFit(d) ? d.row.marker! : null))
    .attr('data-fit-family', (d) => (isFit(d) ? d.row.family! : null))
    .attr('role', (d) => (isFit(d) ? 'button' : null))
    .attr('tabindex', (d) => (isFit(d) ? '0' : null))
    .attr('aria-pressed', (d) => (isFit(d) ? String(!off(d)) : null))
    .attr('aria-label', (d) =>
      isFit(d)
        ? `${off(d) ? 'Show' : 'Hide'} the ${d.row.marker!} ${d.row.family === 'power' ? 'power-law' : 'linear'} fit: ${d.row.text}`
        : null,
    )
    .attr('opacity', (d) => (off(d) ? 0.45 : null));
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
      const paint = markerPaint(row.marker, row.hollow === true);
      sw.append('path')
        .attr('class', row.hollow ? 'marker-shape hollow' : 'marker-shape')
        .attr('transform', 'translate(8,8)')
        .attr('d', markerPath(row.marker, 20))
        .attr('fill', paint.fill)
        .attr('stroke', paint.stroke)
        .attr('stroke-width', paint.strokeWidth);
    } else if (row.kind === 'fit' && row.marker) {
      sw.append('line')
        .attr('x1', 2)
        .attr('x2', 26)
        .attr('y1', 8)
        .attr('y2', 8)
        .attr('stroke', fitStroke(row.marker))
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

/** A fit line's colour: c_barrier's green, the others near-black. */
export function fitStroke(kind: DiagramKind): string {
  return kind === 'c_barrier' ? MARKER_COLORS.c_barrier.fill : '#111';
}
