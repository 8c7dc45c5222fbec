// @vitest-environment jsdom
import { lab } from 'd3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REGIMES, runId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import { fakeColumn, fakeRun, fakeSweep, log2Grid } from './fixtures';
import { REGIME_COLORS, REGIME_LABELS, stableShade } from './palette';
import {
  layoutPhaseDiagram,
  renderPhaseDiagram,
  type PhaseDiagramData,
  type PhaseDiagramOptions,
} from './phaseDiagram';

let svg: SVGSVGElement;

beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => {
  svg.remove();
});

function opts(extra: Partial<PhaseDiagramOptions> = {}): PhaseDiagramOptions {
  return { axis: 'd/w', width: 900, height: 520, selected: new Set(), ...extra };
}

function cells(): SVGRectElement[] {
  return Array.from(svg.querySelectorAll<SVGRectElement>('rect.cell'));
}

function cellAt(depth: number, width: number, c: number, seed = 0): SVGRectElement {
  const el = svg.querySelector<SVGRectElement>(
    `rect.cell[data-run-id="${runId({ depth, width, seed, orderSeed: 0, c })}"]`,
  );
  if (!el) throw new Error(`no cell d${depth} w${width} s${seed} c${c}`);
  return el;
}

function translateOf(el: Element): [number, number] {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(el.getAttribute('transform') ?? '');
  if (!m) throw new Error(`no translate on ${el.outerHTML.slice(0, 80)}`);
  return [Number(m[1]), Number(m[2])];
}

function key(el: Element, key: string, init: KeyboardEventInit = {}) {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
}

const CS = [1, 2, 3, 4, 6, 8, 16];
const GRID: PhaseDiagramData = fakeSweep([4], [64, 256], [0], CS);

describe('renderPhaseDiagram: cells', () => {
  it('creates one cell per run with data-* and aria attributes', () => {
    renderPhaseDiagram(svg, GRID, opts());
    expect(cells()).toHaveLength(14);
    const el = cellAt(4, 256, 3);
    const run = GRID.runs.find((r) => r.width === 256 && r.c === 3)!;
    expect(el.getAttribute('data-regime')).toBe('loss-catapult');
    expect(el.getAttribute('data-c')).toBe('3');
    expect(el.getAttribute('data-depth')).toBe('4');
    expect(el.getAttribute('data-width')).toBe('256');
    expect(el.getAttribute('data-seed')).toBe('0');
    expect(el.getAttribute('data-run-id')).toBe(runId(run));
    // One Tab stop for the diagram (the first cell while none has had focus).
    expect(cells().filter((c) => c.getAttribute('tabindex') === '0')).toEqual([cells()[0]]);
    expect(el.getAttribute('tabindex')).toBe('-1');
    expect(el.getAttribute('role')).toBe('button');
    expect(el.getAttribute('aria-pressed')).toBe('false');
    // λ₀ = 10·√256 = 160, η = 3/160 = 0.01875 (printed 0.0187: binary rounding); loss peak 1 + 3/2 = 2.5; λ_T/λ₀ = 1 − 0.3 = 0.7.
    expect(el.getAttribute('aria-label')).toBe(
      'depth 4, width 256, seed 0, c = 3 (η = 0.0187): loss catapult; ' +
        'loss peaked at 2.5× L₀, sharpness ended at 0.7× λ₀',
    );
    const title = el.querySelector('title')!.textContent!;
    // The native tooltip is rounded to 3 significant figures, like every readout.
    expect(title).toContain('c = 3, η = 0.0187');
    expect(title).toContain('λ₀ = 160, L₀ = 0.5');
    expect(title).toContain('max L/L₀ = 2.5, max λ/λ₀ = 0.98, λ_T/λ₀ = 0.7');
    expect(title).toContain('Lanczos iterations: 14, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 (total 44)');
  });

  it('keeps c at full precision in data-c, rounds it in words, and says divergence', () => {
    const c = 2 ** 3.7;
    renderPhaseDiagram(svg, { runs: [fakeRun({ depth: 8, width: 64, c })], columns: [] }, opts());
    expect(cells()[0]!.getAttribute('data-c')).toBe(String(c));
    // 2^3.7 = 12.996…: 3 significant figures and its exponent on the log2 grid, never in full.
    expect(cells()[0]!.getAttribute('aria-label')).toContain('c = 13 (2^3.7) (η = ');
    expect(cells()[0]!.querySelector('title')!.textContent).toContain('c = 13 (2^3.7), η = ');
    renderPhaseDiagram(
      svg,
      { runs: [fakeRun({ depth: 8, width: 64, c: Math.SQRT2 })], columns: [] },
      opts(),
    );
    const words = cells()[0]!.querySelector('title')!.textContent!;
    expect(words).toContain('c = 1.41 (2^0.5)');
    expect(words).not.toContain('1.4142');
    expect(words).toMatch(/λ₀ = \d+(\.\d)?,/);
    renderPhaseDiagram(
      svg,
      { runs: [fakeRun({ depth: 8, width: 64, c: 16 })], columns: [] },
      opts(),
    );
    const label = cells()[0]!.getAttribute('aria-label')!;
    expect(label).toMatch(/c = 16 \(2\^4\) \(η = [\d.]+\): divergence; diverged at step 3$/);
    const lsc = fakeRun({ depth: 4, width: 256, c: 6 });
    renderPhaseDiagram(svg, { runs: [lsc], columns: [] }, opts());
    expect(cells()[0]!.getAttribute('aria-label')).toBe(
      'depth 4, width 256, seed 0, c = 6 (η = 0.0375): loss and sharpness catapult; ' +
        'loss peaked at 4× L₀, sharpness peaked at 1.3× λ₀, sharpness ended at 0.4× λ₀',
    );
    renderPhaseDiagram(
      svg,
      { runs: [fakeRun({ depth: 4, width: 256, c: 1 })], columns: [] },
      opts(),
    );
    expect(cells()[0]!.getAttribute('aria-label')).toBe(
      'depth 4, width 256, seed 0, c = 1 (2^0) (η = 0.00625): stable; ' +
        'loss fell to 0.5× L₀, sharpness ended at 0.9× λ₀',
    );
  });

  it('fills each cell with its regime colour, stable cells lighter the more λ fell', () => {
    renderPhaseDiagram(svg, GRID, opts());
    const seen = new Set<string>();
    for (const el of cells()) {
      const run = GRID.runs.find((r) => runId(r) === el.getAttribute('data-run-id'))!;
      seen.add(run.regime);
      const want =
        run.regime === 'stable' ? stableShade(run.sharpRatioFinal) : REGIME_COLORS[run.regime];
      expect(el.getAttribute('fill')).toBe(want);
    }
    expect([...seen].sort()).toEqual([...REGIMES].sort());
    expect(lab(stableShade(0.5)).l).toBeGreaterThan(lab(stableShade(0.8)).l);
    expect(lab(stableShade(0.8)).l).toBeGreaterThan(lab(stableShade(1)).l);
    expect(stableShade(1.2)).toBe(stableShade(1));
    expect(stableShade(null)).toBe(REGIME_COLORS.stable);
    // c = 1 (λ_T/λ₀ = 0.9) is darker than c = 2 (0.8).
    expect(lab(cellAt(4, 64, 1).getAttribute('fill')!).l).toBeLessThan(
      lab(cellAt(4, 64, 2).getAttribute('fill')!).l,
    );
  });

  it('tiles a column: neighbouring cells meet half-way in log2 c', () => {
    renderPhaseDiagram(svg, GRID, opts());
    const layout = layoutPhaseDiagram(GRID, opts());
    const col = layout.subcolumns.find((s) => s.width === 64)!;
    for (let i = 1; i < col.cells.length; i++) {
      const lower = col.cells[i - 1]!;
      const upper = col.cells[i]!;
      expect(upper.y + upper.h).toBeLessThanOrEqual(lower.y + 1e-9);
      expect(lower.y - (upper.y + upper.h)).toBeLessThanOrEqual(1.0001);
      const mid = layout.y(Math.sqrt(lower.run.c * upper.run.c));
      expect(mid).toBeGreaterThan(upper.y + upper.h - 1e-9);
      expect(mid).toBeLessThan(lower.y + 1e-9);
    }
    // The columns sit left to right by d/w: w = 256 (d/w = 1/64) left of w = 64 (1/16).
    const narrow = layout.subcolumns.find((s) => s.width === 256)!;
    expect(narrow.x1).toBeLessThanOrEqual(col.x0 + 1e-9);
  });

  it('updates in place: more runs add cells without duplicates, nodes are kept', () => {
    const first = { runs: GRID.runs.slice(0, 5), columns: [] };
    renderPhaseDiagram(svg, first, opts());
    expect(cells()).toHaveLength(5);
    const kept = cellAt(4, 64, 1);
    renderPhaseDiagram(svg, { runs: [...GRID.runs].reverse(), columns: GRID.columns }, opts());
    expect(cells()).toHaveLength(14);
    expect(cellAt(4, 64, 1)).toBe(kept);
    const ids = cells().map((el) => el.getAttribute('data-run-id'));
    expect(new Set(ids).size).toBe(14);
    // Document order is (depth, width, seed, c) whatever order the records came in.
    const sorted = [...GRID.runs]
      .sort((a, b) => a.depth - b.depth || a.width - b.width || a.seed - b.seed || a.c - b.c)
      .map(runId);
    expect(ids).toEqual(sorted);
    // Rendering the same data twice changes nothing.
    const before = svg.innerHTML;
    renderPhaseDiagram(svg, { runs: [...GRID.runs].reverse(), columns: GRID.columns }, opts());
    expect(svg.innerHTML).toBe(before);
  });

  it('keeps only the last record of a run id', () => {
    const a = fakeRun({ depth: 4, width: 64, c: 4 });
    const b = { ...a, regime: 'divergence' as const };
    renderPhaseDiagram(svg, { runs: [a, b], columns: [] }, opts());
    expect(cells()).toHaveLength(1);
    expect(cells()[0]!.getAttribute('data-regime')).toBe('divergence');
  });

  it('marks selected cells with aria-pressed, a class and an outline above the cells', () => {
    const id = runId({ depth: 4, width: 64, seed: 0, orderSeed: 0, c: 3 });
    renderPhaseDiagram(svg, GRID, opts({ selected: new Set([id]) }));
    const el = cellAt(4, 64, 3);
    expect(el.getAttribute('aria-pressed')).toBe('true');
    expect(el.classList.contains('selected')).toBe(true);
    expect(svg.querySelectorAll('g.outline')).toHaveLength(1);
    expect(cells().filter((c) => c.getAttribute('aria-pressed') === 'true')).toHaveLength(1);
    renderPhaseDiagram(svg, GRID, opts({ selected: new Set() }));
    expect(el.getAttribute('aria-pressed')).toBe('false');
    expect(svg.querySelectorAll('g.outline')).toHaveLength(0);
  });

  it('draws the running cell as a dashed outline that is not a cell', () => {
    const data = { ...GRID, running: { depth: 4, width: 128, seed: 0, orderSeed: 0, c: 2 } };
    renderPhaseDiagram(svg, data, opts());
    const running = svg.querySelectorAll('.cell-running');
    expect(running).toHaveLength(1);
    const r = running[0]!;
    expect(r.classList.contains('cell')).toBe(false);
    expect(r.hasAttribute('data-regime')).toBe(false);
    expect(r.getAttribute('stroke-dasharray')).toBeTruthy();
    expect(cells()).toHaveLength(14);
    renderPhaseDiagram(svg, GRID, opts());
    expect(svg.querySelectorAll('.cell-running')).toHaveLength(0);
  });

  it('labels the axes, the reference lines and every regime in an in-svg legend', () => {
    renderPhaseDiagram(svg, GRID, opts());
    const text = Array.from(svg.querySelectorAll('text'), (t) => t.textContent);
    expect(text).toContain('c = 2');
    expect(text).toContain('c = 4');
    expect(text).toContain('c = η·λ₀ (log₂)');
    expect(text.some((t) => t?.startsWith('depth / width'))).toBe(true);
    for (const r of REGIMES) expect(text).toContain(REGIME_LABELS[r]);
    // y ticks at powers of two, labelled both ways.
    expect(text).toContain('4 (2²)');
    expect(text).toContain('1 (2⁰)');
    // Reference lines sit at their c.
    const layout = layoutPhaseDiagram(GRID, opts());
    const refs = Array.from(svg.querySelectorAll('g.ref'));
    expect(refs.map((g) => translateOf(g)[1])).toEqual([layout.y(2), layout.y(4)]);
    // A narrow chart moves the legend below the plot.
    renderPhaseDiagram(svg, GRID, opts({ width: 500, height: 600 }));
    expect(layoutPhaseDiagram(GRID, opts({ width: 500, height: 600 })).legend.placement).toBe(
      'below',
    );
  });
});

describe('renderPhaseDiagram: seeds', () => {
  const seeds = fakeSweep([4], [64, 256], [0, 1], CS);
  // Give seed 1 different critical values so the mean is visible.
  const columns: ColumnRecord[] = seeds.columns.map((c) =>
    c.seed === 1 ? { ...c, c_loss: (c.c_loss ?? 0) * 2 } : c,
  );

  it("'all' puts each seed in its own sub-column, side by side", () => {
    renderPhaseDiagram(svg, { runs: seeds.runs, columns }, opts());
    expect(cells()).toHaveLength(28);
    const s0 = cellAt(4, 64, 4, 0);
    const s1 = cellAt(4, 64, 4, 1);
    expect(Number(s0.getAttribute('x')) + Number(s0.getAttribute('width'))).toBeLessThanOrEqual(
      Number(s1.getAttribute('x')) + 1e-9,
    );
    expect(svg.querySelectorAll('g.marker-c_loss')).toHaveLength(4);
  });

  it("'mean' shows the first seed's cells and seed-mean markers", () => {
    renderPhaseDiagram(svg, { runs: seeds.runs, columns }, opts({ seedMode: 'mean' }));
    expect(cells()).toHaveLength(14);
    expect(cells().every((c) => c.getAttribute('data-seed') === '0')).toBe(true);
    const markers = Array.from(svg.querySelectorAll('g.marker-c_loss'));
    expect(markers).toHaveLength(2);
    const m = markers.find((g) => g.getAttribute('data-width') === '64')!;
    const c0 = columns.find((c) => c.width === 64 && c.seed === 0)!.c_loss!;
    expect(Number(m.getAttribute('data-c'))).toBeCloseTo((c0 + 2 * c0) / 2, 12);
    expect(m.getAttribute('data-seed')).toBe('mean');
    const spread = m.querySelector('line.marker-spread')!;
    expect(spread.getAttribute('display')).toBeNull();
  });
});

describe('renderPhaseDiagram: markers and fits', () => {
  it('puts c_loss, c_sharp and c_max markers at their c', () => {
    renderPhaseDiagram(svg, GRID, opts());
    const layout = layoutPhaseDiagram(GRID, opts());
    for (const col of GRID.columns) {
      for (const kind of ['c_loss', 'c_sharp', 'c_max'] as const) {
        const g = svg.querySelector(`g.marker-${kind}[data-width="${col.width}"]`)!;
        expect(g, `${kind} w${col.width}`).not.toBeNull();
        const [mx, my] = translateOf(g);
        expect(my).toBeCloseTo(layout.y(col[kind]!), 9);
        const sub = layout.subcolumns.find((s) => s.width === col.width)!;
        expect(mx).toBeCloseTo(sub.cx, 9);
      }
    }
    // Distinct shapes.
    const shapes = ['c_loss', 'c_sharp', 'c_max'].map((k) =>
      svg.querySelector(`g.marker-${k} path.marker-shape`)!.getAttribute('d'),
    );
    expect(new Set(shapes).size).toBe(3);
  });

  it('leaves out null critical values', () => {
    const col: ColumnRecord = { ...fakeColumn(4, 64, 0, CS), c_loss: null, c_sharp: null };
    renderPhaseDiagram(svg, { runs: GRID.runs, columns: [col] }, opts());
    expect(svg.querySelectorAll('g.marker-c_loss')).toHaveLength(0);
    expect(svg.querySelectorAll('g.marker-c_max')).toHaveLength(1);
    expect(svg.querySelectorAll('g.fit')).toHaveLength(0);
  });

  it('fits c ∝ x^p across columns and shows the exponent in the legend', () => {
    const widths = [64, 128, 256, 512];
    const columns: ColumnRecord[] = widths.flatMap((width) =>
      [0, 1].map((seed) => ({
        ...fakeColumn(8, width, seed, CS),
        // Seeds scatter around an exact power law; their mean lies on it.
        c_loss: 3 * (8 / width) ** 0.25 * (seed === 0 ? 0.9 : 1.1),
        c_sharp: 5 * (8 / width) ** 0.1,
        c_max: null,
      })),
    );
    const runs: RunRecord[] = widths.map((width) => fakeRun({ depth: 8, width, c: 2 }));
    renderPhaseDiagram(svg, { runs, columns }, opts());
    const fits = Array.from(svg.querySelectorAll('g.fit'));
    expect(fits.map((f) => f.getAttribute('data-kind'))).toEqual(['c_loss', 'c_sharp']);
    expect(Number(fits[0]!.getAttribute('data-exponent'))).toBeCloseTo(0.25, 10);
    expect(Number(fits[1]!.getAttribute('data-exponent'))).toBeCloseTo(0.1, 10);
    const text = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(text).toContain('fit c_loss ∝ (d/w)^0.25, R² 1.00');
    const d = fits[0]!.querySelector('path.stroke')!.getAttribute('d')!;
    expect(d).toMatch(/^M[-\d.e]+,[-\d.e]+L[-\d.e]+,[-\d.e]+$/);
  });
});

describe('renderPhaseDiagram: linear fits and censored seeds', () => {
  const widths = [64, 128, 256, 512];
  const linear = (depth: number, width: number): ColumnRecord => ({
    ...fakeColumn(depth, width, 0, CS),
    // c_loss = 2 + 24·(d/w) exactly; the intercept is the d/w -> 0 limit.
    c_loss: 2 + (24 * depth) / width,
    c_sharp: null,
    c_max: null,
  });
  const runs = (depth: number): RunRecord[] =>
    widths.map((width) => fakeRun({ depth, width, c: 2 }));

  it('fits c ≈ a + b·(d/w) on the d/w axis and shows intercept, slope and R²', () => {
    const columns = widths.map((w) => linear(8, w));
    renderPhaseDiagram(svg, { runs: runs(8), columns }, opts());
    const g = svg.querySelector('g.linear-fit[data-kind="c_loss"]')!;
    expect(g.getAttribute('data-depth')).toBe('all');
    expect(Number(g.getAttribute('data-intercept'))).toBeCloseTo(2, 10);
    expect(Number(g.getAttribute('data-slope'))).toBeCloseTo(24, 8);
    expect(Number(g.getAttribute('data-r2'))).toBeCloseTo(1, 10);
    const text = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent);
    expect(text).toContain('line c_loss ≈ 2 + 24·(d/w), R² 1.00');
  });

  it('fits c ≈ a + b/w at each depth on the 1/w axis, and none on the w axis', () => {
    const columns = [...widths.map((w) => linear(4, w)), ...widths.map((w) => linear(8, w))];
    const data = { runs: [...runs(4), ...runs(8)], columns };
    renderPhaseDiagram(svg, data, opts({ axis: '1/w' }));
    const fits = Array.from(svg.querySelectorAll('g.linear-fit[data-kind="c_loss"]'));
    expect(fits.map((f) => f.getAttribute('data-depth'))).toEqual(['4', '8']);
    expect(Number(fits[0]!.getAttribute('data-slope'))).toBeCloseTo(96, 8);
    expect(Number(fits[1]!.getAttribute('data-slope'))).toBeCloseTo(192, 8);
    renderPhaseDiagram(svg, data, opts({ axis: 'w' }));
    expect(svg.querySelectorAll('g.linear-fit')).toHaveLength(0);
  });

  it('says a two-point fit is exact instead of showing R² 1.00', () => {
    const columns = [64, 128].map((w) => linear(8, w));
    renderPhaseDiagram(svg, { runs: runs(8), columns }, opts());
    const text = Array.from(svg.querySelectorAll('.legend text'), (t) => t.textContent ?? '');
    const fitTexts = text.filter((t) => t.startsWith('fit c_loss') || t.startsWith('line c_loss'));
    expect(fitTexts).toHaveLength(2);
    for (const t of fitTexts) {
      expect(t).toContain('2 points: exact, no R²');
      expect(t).not.toContain('R² 1.00');
    }
  });

  it('counts censored seeds on the seed-mean marker and leaves that architecture out of fits', () => {
    const seen = { ...fakeColumn(4, 64, 0, CS), c_loss: 3, c_max: 8 };
    const censored = { ...fakeColumn(4, 64, 1, CS), c_loss: null, c_max: 6 };
    const data = { runs: GRID.runs, columns: [seen, censored] };
    renderPhaseDiagram(svg, data, opts({ seedMode: 'mean' }));
    const m = svg.querySelector('g.marker-c_loss[data-width="64"]')!;
    expect(Number(m.getAttribute('data-c'))).toBe(3);
    expect(m.getAttribute('data-censored')).toBe('1');
    expect(m.querySelector('title')!.textContent).toContain('1 of 2 seeds censored');
    const layout = layoutPhaseDiagram(data, opts({ seedMode: 'mean' }));
    expect(layout.fits.find((f) => f.kind === 'c_loss')).toBeUndefined();
  });
});

describe('renderPhaseDiagram: interaction', () => {
  it('click, shift-click and ctrl/cmd-click select with replace, range and toggle', () => {
    const onSelect = vi.fn();
    renderPhaseDiagram(svg, GRID, opts({ onSelect }));
    const el = cellAt(4, 64, 4);
    const id = el.getAttribute('data-run-id');
    el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true }));
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, metaKey: true }));
    expect(onSelect.mock.calls).toEqual([
      [id, 'replace'],
      [id, 'range'],
      [id, 'toggle'],
      [id, 'toggle'],
    ]);
  });

  it('Enter and Space select, Shift for range; the latest callbacks are used', () => {
    const stale = vi.fn();
    const onSelect = vi.fn();
    renderPhaseDiagram(svg, GRID, opts({ onSelect: stale }));
    renderPhaseDiagram(svg, GRID, opts({ onSelect }));
    const el = cellAt(4, 64, 6);
    key(el, 'Enter');
    key(el, ' ', { shiftKey: true });
    expect(stale).not.toHaveBeenCalled();
    expect(onSelect.mock.calls.map((c) => c[1])).toEqual(['replace', 'range']);
  });

  it('arrow keys move focus: up/down in c, left/right to the neighbouring column', () => {
    const onFocusChange = vi.fn();
    const onHover = vi.fn();
    renderPhaseDiagram(svg, GRID, opts({ onFocusChange, onHover }));
    const start = cellAt(4, 64, 4);
    start.focus();
    expect(document.activeElement).toBe(start);
    expect(onFocusChange).toHaveBeenLastCalledWith(start.getAttribute('data-run-id'));
    expect(onHover.mock.lastCall?.[1]).toBe(start);

    key(start, 'ArrowUp');
    expect(document.activeElement).toBe(cellAt(4, 64, 6));
    key(document.activeElement!, 'ArrowDown');
    key(document.activeElement!, 'ArrowDown');
    expect(document.activeElement).toBe(cellAt(4, 64, 3));
    // d/w = 1/16 is the right-hand column; left goes to d/w = 1/64 at the same c.
    key(document.activeElement!, 'ArrowLeft');
    expect(document.activeElement).toBe(cellAt(4, 256, 3));
    key(document.activeElement!, 'ArrowLeft'); // edge: stays
    expect(document.activeElement).toBe(cellAt(4, 256, 3));
    key(document.activeElement!, 'End');
    expect(document.activeElement).toBe(cellAt(4, 256, 16));
    key(document.activeElement!, 'ArrowUp'); // top edge: stays
    expect(document.activeElement).toBe(cellAt(4, 256, 16));
    key(document.activeElement!, 'Home');
    expect(document.activeElement).toBe(cellAt(4, 256, 1));
    // The focus ring follows.
    const ring = svg.querySelector('g.focus-ring rect.stroke')!;
    const el = cellAt(4, 256, 1);
    expect(Number(ring.getAttribute('x'))).toBeCloseTo(Number(el.getAttribute('x')) - 3, 9);
    expect(el.classList.contains('focused')).toBe(true);
    // The one Tab stop moved with the focus, and a redraw keeps it there.
    expect(cells().filter((c) => c.getAttribute('tabindex') === '0')).toEqual([el]);
    renderPhaseDiagram(svg, GRID, opts({ onFocusChange, onHover }));
    expect(cells().filter((c) => c.getAttribute('tabindex') === '0')).toEqual([el]);
  });

  it('moves right to the nearest c when the neighbouring column has other c values', () => {
    const runs = [
      ...[1, 2, 4, 8].map((c) => fakeRun({ depth: 4, width: 256, c })),
      ...[1.5, 2.9, 6].map((c) => fakeRun({ depth: 4, width: 64, c })),
    ];
    renderPhaseDiagram(svg, { runs, columns: [] }, opts());
    cellAt(4, 256, 4).focus();
    key(document.activeElement!, 'ArrowRight');
    // |log2(4/2.9)| = 0.46 < |log2(6/4)| = 0.58
    expect(document.activeElement).toBe(cellAt(4, 64, 2.9));
  });

  it('keeps keyboard focus on its cell across re-renders', () => {
    renderPhaseDiagram(svg, { runs: GRID.runs.slice(2, 6), columns: [] }, opts());
    const el = cellAt(4, 64, 4);
    el.focus();
    renderPhaseDiagram(svg, GRID, opts());
    expect(document.activeElement).toBe(el);
    renderPhaseDiagram(svg, GRID, opts({ axis: 'w', seedMode: 'mean' }));
    expect(document.activeElement).toBe(el);
    expect(svg.querySelector('g.focus-ring')).not.toBeNull();
  });

  it('reports hover and its end', () => {
    const onHover = vi.fn();
    renderPhaseDiagram(svg, GRID, opts({ onHover }));
    const el = cellAt(4, 64, 8);
    el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    expect(onHover.mock.lastCall?.[0]?.c).toBe(8);
    el.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: svg }));
    expect(onHover.mock.lastCall).toEqual([null, null]);
  });

  it('takes the focus ring from focusedId when the host controls it', () => {
    const id = runId({ depth: 4, width: 256, seed: 0, orderSeed: 0, c: 8 });
    renderPhaseDiagram(svg, GRID, opts({ focusedId: id }));
    expect(cellAt(4, 256, 8).classList.contains('focused')).toBe(true);
    renderPhaseDiagram(svg, GRID, opts({ focusedId: null }));
    expect(svg.querySelector('g.focus-ring')).toBeNull();
  });
});

describe('layoutPhaseDiagram', () => {
  it('groups columns with equal x into one slot and handles a single column', () => {
    const runs = [
      fakeRun({ depth: 2, width: 64, c: 2 }),
      fakeRun({ depth: 4, width: 128, c: 2 }),
      fakeRun({ depth: 8, width: 128, c: 2 }),
    ];
    const layout = layoutPhaseDiagram({ runs, columns: [] }, opts());
    // One tick per column: the shared slot d/w = 1/32 names its two architectures, and its
    // value once below them.
    expect(layout.ticks.map((t) => t.label)).toEqual(['2/64', '4/128', '0.063']);
    expect(layout.ticks.map((t) => t.sub)).toEqual([null, null, '8/128']);
    expect(layout.groupLabels.map((g) => g.label)).toEqual(['0.031']);
    const [a, b] = layout.subcolumns;
    expect(a!.xValue).toBe(b!.xValue);
    expect(a!.x1).toBeLessThanOrEqual(b!.x0 + 1e-9);

    const single = layoutPhaseDiagram(
      { runs: [fakeRun({ depth: 8, width: 256, c: 3 })], columns: [] },
      opts({ axis: 'w' }),
    );
    const cell = single.cells[0]!;
    expect(cell.w).toBeGreaterThan(0);
    expect(cell.h).toBeGreaterThan(0);
    expect(single.ticks[0]!.label).toBe('256');
  });

  it('covers the c range of a log2 grid and keeps c = 2 and 4 in view', () => {
    const cs = log2Grid(0, 4, 0.1);
    const layout = layoutPhaseDiagram(fakeSweep([8], [256], [0], cs), opts());
    const [lo, hi] = layout.y.domain() as [number, number];
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(16);
    const small = layoutPhaseDiagram(
      { runs: [fakeRun({ depth: 8, width: 256, c: 0.5 })], columns: [] },
      opts(),
    );
    expect(small.y.domain()[1]).toBeGreaterThan(4);
  });
});
