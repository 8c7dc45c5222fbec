/**
 * "A typical run per phase" as small multiples: one small chart per regime present, side by
 * side in a grid, each in its regime's colour with its c and column in the title, loss above and
 * sharpness below. Each chart has its own y scales (a divergence's would flatten a calm run's),
 * and a diverged run is clipped and marked as in the overlay. It draws into the same svg as the
 * overlay (`renderTrajectories`), so one export covers whichever view is shown.
 */
import { select } from 'd3';
import type { Regime } from '../../core/sweep/records';
import { REGIME_COLORS } from './palette';
import { stepAxis } from './stepAxis';
import { layer, prepareRoot } from './svgUtil';
import {
  POINTS_MAX_STEPS,
  TRAJECTORY_CSS,
  drawTrajectoryPanel,
  etaLinesOf,
  seriesGeom,
  yScaleFor,
  type PanelKey,
  type TrajectorySeries,
} from './trajectories';

/** One small chart: the run and what its title says. */
export interface MultipleCell {
  regime: Regime;
  /** First title line (the regime's name). */
  title: string;
  /** Second title line (c and the column, rounded). */
  subtitle: string;
  series: TrajectorySeries;
}

export interface MultiplesOptions {
  width: number;
  logY: boolean;
  rawSharpness: boolean;
  /** Last step on the axis; default: the longest series. */
  steps?: number | undefined;
  logSteps?: boolean | undefined;
}

/** Where the pointer is: which small chart, and the whole step under it. */
export interface MultiplesHit {
  index: number;
  step: number;
}

export interface MultiplesLayout {
  hit(x: number, y: number): MultiplesHit | null;
  setHover(hit: MultiplesHit | null): void;
}

/** A small chart is at least this wide; as many as fit go in a row. */
export const MULTIPLE_MIN_WIDTH = 200;
export const MULTIPLE_HEIGHT = 260;
/** Left margin inside a small chart: the widest compact tick label must fit in it. */
export const MULTIPLE_MARGIN_LEFT = 52;

/** Grid of `n` small charts in `width` px: columns, rows, each chart's size and the total height. */
export function multiplesGrid(
  n: number,
  width: number,
): { cols: number; rows: number; cellWidth: number; cellHeight: number; height: number } {
  const w = Math.max(MULTIPLE_MIN_WIDTH, width);
  const cols = Math.max(1, Math.min(Math.max(1, n), Math.floor(w / MULTIPLE_MIN_WIDTH)));
  const rows = Math.max(1, Math.ceil(n / cols));
  return {
    cols,
    rows,
    cellWidth: w / cols,
    cellHeight: MULTIPLE_HEIGHT,
    height: rows * MULTIPLE_HEIGHT,
  };
}

/** Draws (or updates) the small multiples inside `svg`. */
export function renderSmallMultiples(
  svg: SVGSVGElement,
  cells: readonly MultipleCell[],
  options: MultiplesOptions,
): MultiplesLayout {
  const grid = multiplesGrid(cells.length, options.width);
  const width = Math.max(MULTIPLE_MIN_WIDTH, options.width);
  const root = prepareRoot(svg, 'pe-trajectories', width, grid.height, TRAJECTORY_CSS);
  // The overlay draws into the same svg: clear its layers.
  root.selectChildren('g.legend, g.panel').remove();
  root
    .attr('role', 'img')
    .attr(
      'aria-label',
      cells.length
        ? `A typical run per phase: ${cells.map((c) => `${c.title}, ${c.subtitle}`).join('; ')}`
        : 'A typical run per phase: no runs yet',
    );
  const { logY, rawSharpness } = options;
  const maxLen = Math.max(
    0,
    ...cells.map((c) => Math.max(c.series.loss.length, c.series.sharp.length)),
  );
  const lastStep = Math.max(1, options.steps ?? maxLen - 1);
  const showPoints = lastStep <= POINTS_MAX_STEPS;

  const margin = { top: 40, right: rawSharpness ? 34 : 12, bottom: 34, left: MULTIPLE_MARGIN_LEFT };
  const subTitleH = 14;
  const gap = 14;
  const plotWidth = Math.max(40, grid.cellWidth - margin.left - margin.right);
  const panelHeight = Math.max(
    30,
    (grid.cellHeight - margin.top - margin.bottom - gap - 2 * subTitleH) / 2,
  );
  const x = stepAxis(lastStep, plotWidth, options.logSteps === true);
  const panelTop = (key: PanelKey) =>
    key === 'loss' ? margin.top + subTitleH : margin.top + 2 * subTitleH + panelHeight + gap;

  const groups = layer(root, 'multiples')
    .selectAll<SVGGElement, MultipleCell>('g.multiple')
    .data(cells, (d) => d.regime)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'multiple');
      e.append('text').attr('class', 'multiple-title');
      e.append('text').attr('class', 'multiple-subtitle');
      return e;
    })
    .attr('data-regime', (d) => d.regime)
    .attr('transform', (_, i) => {
      const col = i % grid.cols;
      const row = Math.floor(i / grid.cols);
      return `translate(${col * grid.cellWidth},${row * grid.cellHeight})`;
    });
  groups
    .select('text.multiple-title')
    .attr('x', 10)
    .attr('y', 16)
    .attr('font-weight', 700)
    .attr('font-size', 13)
    .attr('fill', (d) => REGIME_COLORS[d.regime])
    .text((d) => d.title);
  groups
    .select('text.multiple-subtitle')
    .attr('x', 10)
    .attr('y', 31)
    .attr('fill', '#333')
    .text((d) => d.subtitle);

  groups.each(function (cell) {
    const g = select<SVGGElement, MultipleCell>(this);
    const series = { ...cell.series, color: REGIME_COLORS[cell.regime] };
    for (const key of ['loss', 'sharp'] as const) {
      const geom = seriesGeom(series, key, 0, rawSharpness, logY);
      const geoms = geom ? [geom] : [];
      const etaLines = key === 'sharp' && rawSharpness ? etaLinesOf(geoms) : [];
      const refOne = key === 'loss' || !rawSharpness;
      const y = yScaleFor(geoms, logY, refOne ? [1] : etaLines.map((e) => e.value), panelHeight);
      const pg = layer(g as never, `panel-${key}`)
        .attr('class', `panel-${key} mini-panel`)
        .attr('data-scale', logY ? 'log' : 'linear')
        .attr('data-step-scale', x.log ? 'log' : 'linear')
        .attr('transform', `translate(${margin.left},${panelTop(key)})`);
      drawTrajectoryPanel(
        pg,
        {
          key,
          title: key === 'loss' ? 'L_t / L₀' : rawSharpness ? 'λ_t (dashed: 2/η)' : 'λ_t / λ₀',
          y,
          series: geoms,
          refOne,
          etaLines,
        },
        {
          x,
          plotWidth,
          panelHeight,
          logY,
          showPoints,
          isBottom: key === 'sharp',
          bands: [],
          bandLabels: false,
          taus: [],
          tauLabels: false,
          emptyText: '',
        },
      );
      layer(pg, 'hover-line')
        .selectAll('line')
        .data([0])
        .join('line')
        .attr('display', 'none')
        .attr('y1', 0)
        .attr('y2', panelHeight)
        .attr('stroke', '#333')
        .attr('stroke-dasharray', '2 2');
    }
  });

  const lines = () => root.selectAll<SVGLineElement, unknown>('g.multiple .hover-line line');
  return {
    hit: (px, py) => {
      const col = Math.floor(px / grid.cellWidth);
      const row = Math.floor(py / grid.cellHeight);
      const index = row * grid.cols + col;
      if (col < 0 || col >= grid.cols || index < 0 || index >= cells.length) return null;
      const rx = px - col * grid.cellWidth - margin.left;
      const ry = py - row * grid.cellHeight;
      if (rx < 0 || rx > plotWidth || ry < panelTop('loss') || ry > panelTop('sharp') + panelHeight)
        return null;
      return { index, step: Math.round(x.invert(rx)) };
    },
    setHover: (h) => {
      lines().attr('display', 'none');
      if (!h) return;
      root
        .selectAll<SVGGElement, MultipleCell>('g.multiple')
        .filter((_, i) => i === h.index)
        .selectAll('.hover-line line')
        .attr('display', null)
        .attr('x1', x.x(h.step))
        .attr('x2', x.x(h.step));
    },
  };
}
