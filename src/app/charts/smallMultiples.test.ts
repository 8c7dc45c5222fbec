// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSweep, log2Grid } from './fixtures';
import { REGIME_COLORS } from './palette';
import { typicalCells } from './runSeries';
import {
  MULTIPLE_HEIGHT,
  MULTIPLE_MARGIN_LEFT,
  multiplesGrid,
  renderSmallMultiples,
} from './smallMultiples';
import { textWidth } from './svgUtil';
import { TICK_SPACE, renderTrajectories } from './trajectories';

let svg: SVGSVGElement;
beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => svg.remove());

const { runs } = fakeSweep([2], [16, 256], [0], log2Grid(0, 4, 0.25));
const cells = typicalCells(runs, { seeds: false, divergenceLoss: 1e5 });

describe('renderSmallMultiples', () => {
  it('draws one small chart per regime present, each in its regime colour', () => {
    const present = new Set(runs.map((r) => r.regime));
    expect(cells.length).toBe(present.size);
    renderSmallMultiples(svg, cells, { width: 1100, logY: false, rawSharpness: false });
    const groups = Array.from(svg.querySelectorAll('g.multiple'));
    expect(groups.map((g) => g.getAttribute('data-regime'))).toEqual(cells.map((c) => c.regime));
    for (const g of groups) {
      const regime = g.getAttribute('data-regime') as keyof typeof REGIME_COLORS;
      const color = REGIME_COLORS[regime];
      expect(g.querySelector('text.multiple-title')!.getAttribute('fill')).toBe(color);
      for (const panel of ['loss', 'sharp']) {
        const path = g.querySelector(`g.panel-${panel} g.series path.line`)!;
        expect(path.getAttribute('stroke')).toBe(color);
        expect((path.getAttribute('d') ?? '').length).toBeGreaterThan(10);
      }
    }
    // Titles name the regime, then c and the column, rounded.
    const lc = groups.find((g) => g.getAttribute('data-regime') === 'loss-catapult')!;
    expect(lc.querySelector('text.multiple-title')!.textContent).toBe('Loss catapult');
    expect(lc.querySelector('text.multiple-subtitle')!.textContent).toMatch(
      /^c = \d+(\.\d{1,2})? · d = 2, w = (16|256)$/,
    );
  });

  it('clips and marks the divergence, on its own scale', () => {
    renderSmallMultiples(svg, cells, { width: 1100, logY: true, rawSharpness: false });
    const div = svg.querySelector('g.multiple[data-regime="divergence"]')!;
    const marker = div.querySelector('g.panel-loss g.diverged-marker')!;
    expect(marker.textContent).toBe('diverged at step 3');
    for (const c of div.querySelectorAll('g.panel-loss circle'))
      expect(Number(c.getAttribute('cy'))).toBeGreaterThanOrEqual(-1e-9);
    const top = Number(div.querySelector('g.panel-loss')!.getAttribute('data-top'));
    expect(top).toBeLessThanOrEqual(1e5 / 0.5);
    // The other charts have no marker.
    const calm = svg.querySelector('g.multiple[data-regime="stable"]')!;
    expect(calm.querySelector('g.diverged-marker')).toBeNull();
  });

  it('lays charts out in a grid as wide as fits, with tick labels inside the margin', () => {
    expect(multiplesGrid(5, 1100)).toMatchObject({ cols: 5, rows: 1, height: MULTIPLE_HEIGHT });
    expect(multiplesGrid(5, 900)).toMatchObject({ cols: 4, rows: 2, height: 2 * MULTIPLE_HEIGHT });
    expect(multiplesGrid(5, 300)).toMatchObject({ cols: 1, rows: 5 });
    expect(multiplesGrid(2, 1100)).toMatchObject({ cols: 2, rows: 1 });
    renderSmallMultiples(svg, cells, { width: 300, logY: false, rawSharpness: true });
    expect(multiplesGrid(cells.length, 300).cols).toBe(1);
    expect(Number(svg.getAttribute('height'))).toBe(cells.length * MULTIPLE_HEIGHT);
    for (const t of svg.querySelectorAll('g.y-axis .tick text'))
      expect(textWidth(t.textContent ?? '')).toBeLessThanOrEqual(MULTIPLE_MARGIN_LEFT - TICK_SPACE);
  });

  it('finds the chart and step under the pointer', () => {
    const layout = renderSmallMultiples(svg, cells, {
      width: 1100,
      logY: false,
      rawSharpness: false,
    });
    const { cellWidth } = multiplesGrid(cells.length, 1100);
    const second = svg.querySelectorAll('g.multiple')[1]!;
    const circle = second.querySelectorAll('g.panel-loss circle')[4]!;
    const top = Number(
      /,([-\d.e]+)\)/.exec(second.querySelector('g.panel-loss')!.getAttribute('transform')!)![1],
    );
    const hit = layout.hit(
      cellWidth + MULTIPLE_MARGIN_LEFT + Number(circle.getAttribute('cx')),
      top + 5,
    );
    expect(hit).toEqual({ index: 1, step: 4 });
    expect(layout.hit(5, 5)).toBeNull();
    layout.setHover(hit);
    const shown = Array.from(svg.querySelectorAll('.hover-line line')).filter(
      (l) => l.getAttribute('display') !== 'none',
    );
    expect(shown).toHaveLength(2);
    expect(second.contains(shown[0]!)).toBe(true);
  });

  it('shares its svg with the overlay: each view clears the other', () => {
    renderSmallMultiples(svg, cells, { width: 800, logY: false, rawSharpness: false });
    renderTrajectories(
      svg,
      { series: [cells[0]!.series] },
      { width: 800, height: 400, logY: false, rawSharpness: false },
    );
    expect(svg.querySelectorAll('g.multiple')).toHaveLength(0);
    expect(svg.querySelectorAll(':scope > g.panel')).toHaveLength(2);
    renderSmallMultiples(svg, cells, { width: 800, logY: false, rawSharpness: false });
    expect(svg.querySelectorAll(':scope > g.panel, :scope > g.legend')).toHaveLength(0);
    expect(svg.querySelectorAll('g.multiple')).toHaveLength(cells.length);
  });
});
