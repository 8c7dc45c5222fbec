// @vitest-environment jsdom
/**
 * The diagram's c_barrier marker and fits, the planned grid before a run, one tick per column,
 * and labels and markers that keep out of each other's way (checked on the layout's boxes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { fakeColumn, fakeRun, fakeSweep, log2Grid } from './fixtures';
import { MARKER_COLORS } from './palette';
import { textWidth } from './svgUtil';
import {
  boxesOverlap,
  layoutPhaseDiagram,
  renderPhaseDiagram,
  type Box,
  type PhaseDiagramData,
  type PhaseDiagramOptions,
  type PlannedGrid,
} from './phaseDiagram';
import { columnCriticalWords } from './phaseDiagram';

let svg: SVGSVGElement;
beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => svg.remove());

function opts(extra: Partial<PhaseDiagramOptions> = {}): PhaseDiagramOptions {
  return { axis: 'd/w', width: 900, height: 520, selected: new Set(), ...extra };
}

const CS = [1, 2, 3, 4, 6, 8, 16];
const WIDTHS = [64, 128, 256, 512];

function withBarrier(col: ColumnRecord, c: number | null, fallback = false): ColumnRecord {
  return fallback
    ? { ...col, c_barrier: col.c_max, barrierFallback: true, censored: ['c_barrier'] }
    : { ...col, c_barrier: c, barrierFallback: false };
}

function translateOf(el: Element): [number, number] {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(el.getAttribute('transform') ?? '');
  if (!m) throw new Error('no translate');
  return [Number(m[1]), Number(m[2])];
}

function noOverlaps(boxes: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) if (boxesOverlap(boxes[i]!, boxes[j]!)) return false;
  return true;
}

describe('c_barrier marker', () => {
  it('draws c_barrier at its c as a green star, unlike the three white markers', () => {
    const data = fakeSweep([4], [64], [0], CS);
    const columns = data.columns.map((c) => withBarrier(c, 6));
    renderPhaseDiagram(svg, { runs: data.runs, columns }, opts());
    const layout = layoutPhaseDiagram({ runs: data.runs, columns }, opts());
    const g = svg.querySelector('g.marker-c_barrier')!;
    expect(g).not.toBeNull();
    expect(g.getAttribute('data-hollow')).toBe('false');
    expect(translateOf(g)[1]).toBeCloseTo(layout.y(6), 9);
    const shape = g.querySelector('path.marker-shape')!;
    expect(shape.getAttribute('fill')).toBe(MARKER_COLORS.c_barrier.fill);
    const others = ['c_loss', 'c_sharp', 'c_max'].map((k) =>
      svg.querySelector(`g.marker-${k} path.marker-shape`)!,
    );
    for (const o of others) {
      expect(o.getAttribute('d')).not.toBe(shape.getAttribute('d'));
      expect(o.getAttribute('fill')).not.toBe(shape.getAttribute('fill'));
    }
    const legend = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(legend).toContain('c_barrier: loss barrier from θ₀ to θ_T');
    // The hollow row comes only with a hollow marker; results without c_barrier get no row.
    expect(legend).not.toContain('hollow: no barrier seen: c_max used');
    renderPhaseDiagram(svg, data, opts());
    const without = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(without).not.toContain('c_barrier: loss barrier from θ₀ to θ_T');
  });

  it('draws the c_max fallback hollow at c_max and says so in its words', () => {
    const data = fakeSweep([4], [64], [0], CS);
    const columns = data.columns.map((c) => withBarrier(c, null, true));
    renderPhaseDiagram(svg, { runs: data.runs, columns }, opts());
    const g = svg.querySelector('g.marker-c_barrier')!;
    expect(g.classList.contains('marker-hollow')).toBe(true);
    expect(Number(g.getAttribute('data-c'))).toBe(columns[0]!.c_max);
    expect(g.querySelector('path.marker-shape')!.getAttribute('fill')).toBe('none');
    const legend = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(legend).toContain('hollow: no barrier seen: c_max used');
    expect(g.querySelector('title')!.textContent).toBe(
      'c_barrier at depth 4, width 64, seed 0: no barrier seen: c_max used (8 (2^3))',
    );
    // The hover readout's words for the column.
    const words = columnCriticalWords(columns[0]!);
    expect(words.map((w) => w.kind)).toEqual(['c_loss', 'c_sharp', 'c_barrier', 'c_max']);
    expect(words.find((w) => w.kind === 'c_barrier')!.text).toBe(
      'no barrier seen: c_max used (8 (2^3))',
    );
    // A censored c_loss reads "> c_max".
    const censored = columnCriticalWords({ ...columns[0]!, c_loss: null });
    expect(censored[0]!.text).toBe('> 8 (2^3) (not seen before divergence)');
    // Records without a barrier measurement draw no c_barrier marker.
    renderPhaseDiagram(svg, data, opts());
    expect(svg.querySelectorAll('g.marker-c_barrier')).toHaveLength(0);
  });

  it('fits c_barrier linearly in d/w, and says why when too few columns have a value', () => {
    // c_barrier = 3 + 40·(d/w) exactly at d = 8.
    const runs = WIDTHS.map((w) => fakeRun({ depth: 8, width: w, c: 2 }));
    const exact = WIDTHS.map((w) => withBarrier(fakeColumn(8, w, 0, CS), 3 + (40 * 8) / w));
    renderPhaseDiagram(svg, { runs, columns: exact }, opts());
    const g = svg.querySelector('g.linear-fit[data-kind="c_barrier"]')!;
    expect(Number(g.getAttribute('data-intercept'))).toBeCloseTo(3, 9);
    expect(Number(g.getAttribute('data-slope'))).toBeCloseTo(40, 9);
    expect(g.querySelector('path.stroke')!.getAttribute('stroke')).toBe(
      MARKER_COLORS.c_barrier.fill,
    );
    const legend = () => Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(legend()).toContain('line c_barrier ≈ 3 + 40·(d/w), R² 1.00');

    // One column with a barrier, three with the fallback: no line, and the legend says why.
    const mixed = exact.map((c, i) => (i === 0 ? c : withBarrier(c, null, true)));
    renderPhaseDiagram(svg, { runs, columns: mixed }, opts());
    expect(svg.querySelectorAll('g.linear-fit[data-kind="c_barrier"]')).toHaveLength(0);
    expect(svg.querySelectorAll('g.fit[data-kind="c_barrier"]')).toHaveLength(0);
    // (A long note wraps onto continuation rows: read the legend as one text.)
    expect(legend().join(' ')).toContain(
      'fit c_barrier: none, 1 column with a value, 3 censored left out (needs 2; R² from 3)',
    );
    const none = exact.map((c) => withBarrier(c, null, true));
    renderPhaseDiagram(svg, { runs, columns: none }, opts());
    expect(legend().join(' ')).toContain(
      'fit c_barrier: none, no barrier seen: c_max used in every column',
    );
  });
});

describe('planned grid before any run', () => {
  const plan = (widths: number[], cs: number[], seeds = [0]): PlannedGrid => ({
    columns: widths.flatMap((width) =>
      seeds.map((seed) => ({ depth: 2, width, seed, orderSeed: 0 })),
    ),
    cs,
    outlines: true,
  });
  // The app's default grid, log2:0.5:7:0.5 (c = 1.41 … 128).
  const GRID = log2Grid(0.5, 7, 0.5);

  it('spans the c grid and shows every planned column, with empty outlines', () => {
    const planned = plan([16, 64, 256], GRID);
    const data: PhaseDiagramData = { runs: [], columns: [], planned };
    const layout = layoutPhaseDiagram(data, opts());
    const [lo, hi] = layout.y.domain() as [number, number];
    expect(lo).toBeLessThanOrEqual(2 ** 0.5);
    expect(hi).toBeGreaterThanOrEqual(128);
    // y ticks across the grid, not only 2 and 4.
    expect(layout.yTicks.map((t) => t.c)).toEqual(expect.arrayContaining([2, 4, 16, 64, 128]));
    expect(layout.ticks.map((t) => t.sub)).toEqual(['2/256', '2/64', '2/16']);
    expect(layout.plannedCells).toHaveLength(3 * GRID.length);
    expect(layout.emptyText).toBe('Planned: 3 columns, 14 values of c. Press Run to fill them.');
    renderPhaseDiagram(svg, data, opts());
    expect(svg.querySelectorAll('rect.cell-planned')).toHaveLength(42);
    expect(svg.querySelectorAll('rect.cell')).toHaveLength(0);
    expect(svg.querySelector('text.empty-note')!.textContent).toContain('Planned: 3 columns');
    // Outlines of one column tile it like cells would: each ends where the next begins.
    const col = layout.plannedCells.filter((p) => p.width === 64).sort((a, b) => a.c - b.c);
    for (let i = 1; i < col.length; i++)
      expect(col[i - 1]!.y - (col[i]!.y + col[i]!.h)).toBeLessThanOrEqual(1.0001);
  });

  it('fills outlines as runs come, stops a column at its divergence, and drops finished ones', () => {
    const cs = [1, 2, 4, 8, 16, 32];
    const planned = plan([64, 256], cs);
    // w = 64 has run c = 1, 2 (no record yet); w = 256 is finished (column record).
    const runs: RunRecord[] = [
      fakeRun({ depth: 2, width: 64, c: 1 }),
      fakeRun({ depth: 2, width: 64, c: 2 }),
      ...cs.map((c) => fakeRun({ depth: 2, width: 256, c })),
    ];
    const columns = [fakeColumn(2, 256, 0, cs)];
    const layout = layoutPhaseDiagram({ runs, columns, planned }, opts());
    expect(layout.plannedCells.map((p) => [p.width, p.c])).toEqual([
      [64, 4],
      [64, 8],
      [64, 16],
      [64, 32],
    ]);
    expect(layout.emptyText).toBeNull();
    // A divergence at c = 16 ends the column's outlines below it.
    const diverged = [...runs, fakeRun({ depth: 2, width: 64, c: 16 })];
    expect(diverged.at(-1)!.diverged).toBe(true);
    const after = layoutPhaseDiagram({ runs: diverged, columns, planned }, opts());
    expect(after.plannedCells.map((p) => p.c)).toEqual([4, 8]);
  });

  it('plans one sub-column per architecture in seed-mean mode, per seed otherwise', () => {
    const planned = plan([16, 64], [1, 2, 4], [0, 1, 2]);
    const mean = layoutPhaseDiagram({ runs: [], columns: [], planned }, opts({ seedMode: 'mean' }));
    expect(mean.ticks).toHaveLength(2);
    expect(mean.subcolumns).toHaveLength(2);
    expect(mean.plannedCells).toHaveLength(2 * 3);
    expect(mean.emptyText).toBe(
      'Planned: 2 columns × 3 seeds, 3 values of c. Press Run to fill them.',
    );
    const all = layoutPhaseDiagram({ runs: [], columns: [], planned }, opts());
    expect(all.ticks).toHaveLength(2);
    expect(all.subcolumns).toHaveLength(6);
    expect(all.plannedCells).toHaveLength(6 * 3);
  });

  it('ignores the plan when the results come from other settings', () => {
    const planned = plan([16, 64], GRID);
    const imported = fakeSweep([8], [512], [0], CS);
    const layout = layoutPhaseDiagram({ ...imported, planned }, opts());
    expect(layout.plannedCells).toHaveLength(0);
    expect(layout.ticks).toHaveLength(1);
    // Bisection plans no c values: the axis spans the range, without outlines.
    const bisect = layoutPhaseDiagram(
      { runs: [], columns: [], planned: { ...planned, cs: [1, 64], outlines: false } },
      opts(),
    );
    expect(bisect.plannedCells).toHaveLength(0);
    expect(bisect.y.domain()[1]).toBeGreaterThanOrEqual(64);
    expect(bisect.emptyText).toContain('c from 1 (2^0) to 64 (2^6) by bisection');
  });
});

describe('ticks, labels and markers that do not collide', () => {
  it('gives every column its own tick on the depth axis, with the depth once below', () => {
    const data = fakeSweep([8], [64, 128, 256], [0], CS);
    const layout = layoutPhaseDiagram(data, opts({ axis: 'd' }));
    expect(layout.ticks.map((t) => t.label)).toEqual(['w 64', 'w 128', 'w 256']);
    expect(layout.ticks.every((t) => t.shown)).toBe(true);
    expect(layout.groupLabels.map((g) => [g.label, g.shown])).toEqual([['8', true]]);
    // Each tick sits over its own column.
    for (const t of layout.ticks) {
      const sub = layout.subcolumns.find((s) => `d${s.depth}-w${s.width}` === t.key)!;
      expect(t.cx).toBeCloseTo(sub.cx, 9);
    }
    renderPhaseDiagram(svg, data, opts({ axis: 'd' }));
    expect(svg.querySelectorAll('.x-axis g.tick')).toHaveLength(3);
    expect(svg.querySelector('.x-axis text.tick-group')!.textContent).toBe('8');
    // Three depths × three widths: nine ticks.
    const nine = layoutPhaseDiagram(
      fakeSweep([2, 4, 8], [64, 128, 256], [0], CS),
      opts({ axis: 'd' }),
    );
    expect(nine.ticks).toHaveLength(9);
  });

  it('shows tick labels only where they do not overlap, the tick marks always', () => {
    const widths = [16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256];
    const data = fakeSweep([4], widths, [0], CS);
    const layout = layoutPhaseDiagram(data, opts({ width: 520 }));
    expect(layout.ticks).toHaveLength(widths.length);
    const shown = layout.ticks.filter((t) => t.shown);
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.length).toBeLessThan(widths.length);
    expect(noOverlaps(shown.map((t) => t.box))).toBe(true);
  });

  it('spreads markers with the same c side by side and keeps the c = 2, 4 labels off them', () => {
    // The rightmost column (largest d/w) has c_loss = c_sharp = 4, right under the "c = 4" label's
    // usual place, and c_barrier = c_max = 8.
    const data = fakeSweep([8], [64, 256], [0], CS);
    const columns = data.columns.map((c) =>
      c.width === 64 ? { ...c, c_loss: 4, c_sharp: 4, c_max: 8, c_barrier: 8 } : c,
    );
    const layout = layoutPhaseDiagram({ runs: data.runs, columns }, opts({ width: 700 }));
    const mine = layout.markers.filter((m) => m.width === 64);
    expect(mine).toHaveLength(4);
    const boxOf = (m: (typeof mine)[number]): Box => ({
      x0: m.x - m.size / 2,
      x1: m.x + m.size / 2,
      y0: m.y - m.size / 2,
      y1: m.y + m.size / 2,
    });
    expect(noOverlaps(mine.map(boxOf))).toBe(true);
    // Spread around the column's centre, and still inside the column.
    const sub = layout.subcolumns.find((s) => s.width === 64)!;
    for (const m of mine) {
      expect(m.x - m.size / 2).toBeGreaterThanOrEqual(sub.x0);
      expect(m.x + m.size / 2).toBeLessThanOrEqual(sub.x1);
    }
    const labels = layout.refLabels.map((r) => r.box);
    expect(labels).toHaveLength(2);
    expect(noOverlaps([...labels, ...layout.markers.map(boxOf)])).toBe(true);
  });

  it('keeps the c = 2 and c = 4 labels apart on a tall c range in a short chart', () => {
    const data = fakeSweep([4], [64], [0], log2Grid(-6, 10, 1));
    const layout = layoutPhaseDiagram(data, opts({ height: 200 }));
    const [a, b] = layout.refLabels;
    expect(Math.abs(layout.y(2) - layout.y(4))).toBeLessThan(14);
    expect(boxesOverlap(a!.box, b!.box)).toBe(false);
  });

  it('keeps the legend and the tick labels inside the svg', () => {
    for (const width of [420, 700, 1200]) {
      const data = fakeSweep([2, 4], WIDTHS, [0], CS);
      const o = opts({ width, height: 640 });
      const layout = layoutPhaseDiagram(data, o);
      if (layout.legend.placement === 'right')
        expect(layout.legend.x + layout.legend.columnWidth).toBeLessThanOrEqual(width);
      else expect(layout.legend.y).toBeGreaterThanOrEqual(layout.margin.top + layout.plotHeight);
      for (const t of layout.ticks.filter((q) => q.shown)) {
        expect(t.box.x0 + layout.margin.left).toBeGreaterThanOrEqual(0);
        expect(t.box.x1 + layout.margin.left).toBeLessThanOrEqual(width);
      }
    }
  });

  it('makes room on the left for the widest c label', () => {
    const data = fakeSweep([4], [64], [0], log2Grid(-5, 3, 1));
    const layout = layoutPhaseDiagram(data, opts());
    const widest = Math.max(...layout.yTicks.map((t) => textWidth(t.label, 11)));
    expect(layout.yTicks.map((t) => t.label)).toContain('0.03125 (2⁻⁵)');
    // Labels end 8 px left of the axis; the rotated title needs about 20 px at the edge.
    expect(layout.margin.left - 8 - widest).toBeGreaterThanOrEqual(20);
  });

  it('wraps long legend rows on a phone instead of cutting them', () => {
    const runs = WIDTHS.map((w) => fakeRun({ depth: 8, width: w, c: 2 }));
    const columns = WIDTHS.map((w, i) =>
      withBarrier(fakeColumn(8, w, 0, CS), i === 0 ? 5 : null, i !== 0),
    );
    const layout = layoutPhaseDiagram({ runs, columns }, opts({ width: 390, height: 900 }));
    expect(layout.legend.placement).toBe('below');
    expect(layout.legend.columns).toBe(1);
    const rows = layout.legendRows.flat();
    // The fit note is one row on a wide screen, several here, and every row fits.
    expect(rows.filter((r) => r.key.startsWith('fitnote-c_barrier')).length).toBeGreaterThan(1);
    for (const r of rows) {
      const font = r.kind === 'note' || r.kind === 'fit' ? 10 : 11;
      expect(layout.legend.x + 30 + textWidth(r.text, font), r.text).toBeLessThanOrEqual(390);
    }
    const rowCount = rows.length;
    expect(layout.legend.y + rowCount * 16).toBeLessThanOrEqual(900);
  });
});

describe('fit lines', () => {
  const runs = WIDTHS.map((w) => fakeRun({ depth: 8, width: w, c: 2 }));
  const columns = WIDTHS.map((w) => ({
    ...fakeColumn(8, w, 0, CS),
    c_loss: 2 + (24 * 8) / w,
    c_sharp: null,
    c_max: null,
  }));

  it('are drawn light, power laws off by default beside linear fits, toggled from the legend', () => {
    renderPhaseDiagram(svg, { runs, columns }, opts());
    const power = () => svg.querySelector('g.fit[data-kind="c_loss"]')!;
    const linear = () => svg.querySelector('g.linear-fit[data-kind="c_loss"]')!;
    const row = (family: string) =>
      svg.querySelector<SVGGElement>(
        `g.fit-toggle[data-fit-kind="c_loss"][data-fit-family="${family}"]`,
      )!;
    for (const g of [power(), linear()]) expect(Number(g.getAttribute('opacity'))).toBeLessThan(1);
    // On the d/w axis the paper's linear fit is drawn, the power law waits in the legend.
    expect(linear().getAttribute('display')).toBeNull();
    expect(power().getAttribute('display')).toBe('none');
    expect(row('line').getAttribute('role')).toBe('button');
    expect(row('line').getAttribute('aria-pressed')).toBe('true');
    expect(row('power').getAttribute('aria-pressed')).toBe('false');
    row('line').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(linear().getAttribute('display')).toBe('none');
    expect(row('line').getAttribute('aria-pressed')).toBe('false');
    // The choice survives a re-render; Enter on a row toggles it too.
    renderPhaseDiagram(svg, { runs, columns }, opts({ width: 950 }));
    expect(linear().getAttribute('display')).toBe('none');
    row('power').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(power().getAttribute('display')).toBeNull();
    // On the width axis there is no linear fit, and the power law shows by default.
    svg.remove();
    svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    document.body.appendChild(svg);
    renderPhaseDiagram(svg, { runs, columns }, opts({ axis: 'w' }));
    expect(power().getAttribute('display')).toBeNull();
    expect(svg.querySelectorAll('g.linear-fit')).toHaveLength(0);
  });
});
