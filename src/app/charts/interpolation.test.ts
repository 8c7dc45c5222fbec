// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { barrierFromLosses } from '../../core/train/barrier';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { fakeRun } from './fixtures';
import {
  curveLabel,
  curveOfRun,
  heightLabel,
  interpolationEmptyText,
  pickInterpolationRuns,
  renderInterpolation,
  stackBelow,
  type InterpolationCurve,
} from './interpolation';
import { REGIME_COLORS } from './palette';

let svg: SVGSVGElement;
beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => svg.remove());

const TAUS = Array.from({ length: 101 }, (_, i) => i / 100);

/** A run whose line from θ₀ to θ_T is L₀·(1 + bump·sin(πτ) − drop·τ): a barrier when bump is large. */
function runWithCurve(c: number, bump: number, drop = 0.6) {
  const r = fakeRun({ depth: 8, width: 64, c });
  const losses = TAUS.map((t) => r.loss0 * (1 + bump * Math.sin(Math.PI * t) - drop * t));
  return { ...r, barrier: barrierFromLosses(losses, r.loss0) };
}

const opts = { width: 640, height: 360 };

function curve(r: RunRecord): InterpolationCurve {
  const c = curveOfRun(r);
  if (!c) throw new Error('no curve');
  return c;
}

function texts(): string[] {
  return Array.from(svg.querySelectorAll('text'), (t) => t.textContent ?? '');
}

describe('renderInterpolation', () => {
  it('draws one curve per run with a curve, in its regime colour, with L₀ dashed', () => {
    const runs = [runWithCurve(1, 0), runWithCurve(4, 0.3), runWithCurve(8, 0.5)];
    const withCurve = [...runs, fakeRun({ depth: 8, width: 64, c: 20 })]
      .map((r) => curveOfRun(r))
      .filter((c): c is InterpolationCurve => c !== null);
    // The diverged c = 20 run has no curve.
    expect(withCurve).toHaveLength(3);
    renderInterpolation(svg, { curves: withCurve }, opts);
    const series = svg.querySelectorAll('g.series');
    expect(series).toHaveLength(3);
    for (const [i, r] of runs.entries()) {
      const path = series[i]!.querySelector('path.line')!;
      expect(path.getAttribute('stroke')).toBe(REGIME_COLORS[r.regime]);
      // One unbroken line through all 101 points.
      expect((path.getAttribute('d') ?? '').split('M')).toHaveLength(2);
      expect((path.getAttribute('d') ?? '').split('L')).toHaveLength(101);
    }
    const ref = svg.querySelector('g.ref-l0 line')!;
    expect(ref.getAttribute('stroke-dasharray')).toBeTruthy();
    expect(texts()).toContain('L₀');
  });

  it('marks the barrier at the maximum of the curve, only where there is one', () => {
    const flat = runWithCurve(1, 0);
    const bumped = runWithCurve(6, 0.5, 0.2);
    renderInterpolation(svg, { curves: [curve(flat), curve(bumped)] }, opts);
    const markers = svg.querySelectorAll('g.barrier-marker');
    expect(markers).toHaveLength(1);
    const m = markers[0]!;
    expect(m.closest('g.series')!.getAttribute('data-series')).toBe(curve(bumped).id);
    // The maximum of 1 + 0.5 sin(πτ) − 0.2τ over the grid, computed here independently.
    const ratios = TAUS.map((t) => 1 + 0.5 * Math.sin(Math.PI * t) - 0.2 * t);
    const max = Math.max(...ratios);
    const tauStar = TAUS[ratios.indexOf(max)]!;
    expect(Number(m.getAttribute('data-tau'))).toBeCloseTo(tauStar, 12);
    expect(Number(m.getAttribute('data-ratio'))).toBeCloseTo(max, 12);
    // It is drawn at the curve's highest point: no vertex of the path lies above it.
    const ys = Array.from(
      (svg.querySelectorAll('g.series path.line')[1]!.getAttribute('d') ?? '').matchAll(
        /[ML][-\d.e]+,([-\d.e]+)/g,
      ),
      (x) => Number(x[1]),
    );
    const markerY = Number(
      /translate\([-\d.e]+,([-\d.e]+)\)/.exec(m.getAttribute('transform')!)![1],
    );
    // (d3 writes path coordinates to three decimals.)
    expect(Math.min(...ys)).toBeCloseTo(markerY, 2);
    // Its segment reaches down to the L₀ line.
    const refY = Number(
      /translate\(0,([-\d.e]+)\)/.exec(
        svg.querySelector('g.ref-l0')!.getAttribute('transform')!,
      )![1],
    );
    expect(markerY + Number(m.querySelector('line')!.getAttribute('y2'))).toBeCloseTo(refY, 6);
    expect(m.querySelector('text')!.textContent).toBe(
      `${heightLabel(max - 1)}, τ* = ${Number(tauStar.toPrecision(2))}`,
    );
  });

  it('rounds c and the barrier height in labels', () => {
    const r = runWithCurve(3.14159265, 0.0412345, 0);
    renderInterpolation(svg, { curves: [curve(r)] }, opts);
    expect(texts()).toContain('c = 3.14');
    expect(curveLabel({ c: 12.3456, tag: 'd=8 w=64' })).toBe('d=8 w=64 c = 12.3');
    expect(heightLabel(0.0412345)).toBe('+4.1 % L₀');
    expect(svg.querySelector('g.barrier-marker text')!.textContent).toMatch(
      /^\+4\.1 % L₀, τ\* = 0\.5$/,
    );
  });

  it('keeps the labels of nearby barriers from printing over each other', () => {
    // Two peaks at the same τ* and almost the same height.
    const a = runWithCurve(6, 0.5, 0.2);
    const b = runWithCurve(7, 0.52, 0.2);
    renderInterpolation(svg, { curves: [curve(a), curve(b)] }, opts);
    const ys = Array.from(svg.querySelectorAll('g.barrier-marker'), (m) => {
      const ty = Number(/translate\([-\d.e]+,([-\d.e]+)\)/.exec(m.getAttribute('transform')!)![1]);
      return ty + Number(m.querySelector('text')!.getAttribute('y'));
    });
    expect(ys).toHaveLength(2);
    // At least one line of 10 px type apart.
    expect(Math.abs(ys[0]! - ys[1]!)).toBeGreaterThanOrEqual(13 - 1e-9);
  });

  it('tells curves of one regime apart by dash, and updates in place', () => {
    const a = runWithCurve(4.2, 0.3);
    const b = runWithCurve(4.5, 0.3);
    expect(a.regime).toBe(b.regime);
    renderInterpolation(svg, { curves: [curve(a), curve(b)] }, opts);
    const paths = Array.from(svg.querySelectorAll('g.series path.line'));
    expect(paths[0]!.getAttribute('stroke-dasharray')).toBeNull();
    expect(paths[1]!.getAttribute('stroke-dasharray')).toBeTruthy();
    const legendDash = Array.from(svg.querySelectorAll('g.legend-item line'), (l) =>
      l.getAttribute('stroke-dasharray'),
    );
    expect(legendDash).toEqual(paths.map((p) => p.getAttribute('stroke-dasharray')));

    renderInterpolation(svg, { curves: [curve(b)] }, opts);
    expect(svg.querySelectorAll('g.series')).toHaveLength(1);
    expect(svg.querySelector('g.series')).toBe(paths[1]!.parentElement);
  });

  it('draws nothing but the frame without curves, and says so to a screen reader', () => {
    renderInterpolation(svg, { curves: [] }, opts);
    expect(svg.querySelectorAll('g.series')).toHaveLength(0);
    expect(svg.querySelectorAll('g.legend-item')).toHaveLength(0);
    expect(svg.getAttribute('aria-label')).toMatch(/no run/);
  });
});

describe('curveOfRun', () => {
  it('divides by L₀ and keeps the measured height and τ*', () => {
    const r = runWithCurve(6, 0.5, 0.2);
    const c = curve(r);
    expect(c.ratios[0]).toBeCloseTo(1, 12);
    expect(c.heightRatio).toBeCloseTo(r.barrier.height / r.loss0, 12);
    expect(c.tauAtMax).toBe(r.barrier.tauAtMax);
  });

  it('is null for a run without the measurement', () => {
    const r = fakeRun({ depth: 8, width: 64, c: 1 });
    expect(curveOfRun(r)).toBeNull();
    expect(curveOfRun({ ...r, barrier: null })).toBeNull();
  });
});

describe('pickInterpolationRuns and the empty states', () => {
  const col = (extra: Partial<ColumnRecord>): ColumnRecord => ({
    type: 'column',
    depth: 8,
    width: 64,
    seed: 0,
    orderSeed: 0,
    lambda0: 1,
    loss0: 0.5,
    c_loss: 6,
    c_sharp: 9,
    c_max: 12,
    runs: 8,
    ...extra,
  });

  it('draws the selected runs that carry a curve, and counts the others', () => {
    const a = runWithCurve(2, 0);
    const b = runWithCurve(6, 0.4);
    const diverged = fakeRun({ depth: 8, width: 64, c: 20 });
    const pick = pickInterpolationRuns([a, b, diverged], [], [b, diverged, a]);
    expect(pick.source).toBe('selection');
    expect(pick.runs.map((r) => r.c)).toEqual([2, 6]);
    expect(pick.left).toBe(1);
    const none = pickInterpolationRuns([a, diverged], [], [diverged]);
    expect(none.runs).toEqual([]);
    expect(none.empty).toBe('selection-without-curve');
  });

  it('without a selection, shows the runs around a column’s c_barrier', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((c) => runWithCurve(c, c >= 5 ? 0.3 : 0));
    const pick = pickInterpolationRuns(runs, [col({ c_barrier: 5, barrierFallback: false })], []);
    expect(pick.source).toBe('barrier');
    expect(pick.runs.map((r) => r.c)).toEqual([3, 4, 5, 6, 7]);
  });

  it('falls back to one typical run per regime when no barrier was seen', () => {
    const runs = [1, 3, 6, 10].map((c) => runWithCurve(c, 0));
    const pick = pickInterpolationRuns(runs, [col({ c_barrier: 12, barrierFallback: true })], []);
    expect(pick.source).toBe('typical');
    expect(new Set(pick.runs.map((r) => r.regime)).size).toBe(pick.runs.length);
    expect(pick.runs.length).toBeGreaterThan(1);
  });

  it('names the reason when nothing can be drawn', () => {
    expect(pickInterpolationRuns([], [], []).empty).toBe('no-runs');
    const old = fakeRun({ depth: 8, width: 64, c: 1 });
    expect(pickInterpolationRuns([old], [], []).empty).toBe('none-with-curve');
    expect(interpolationEmptyText('none-with-curve')).toMatch(/barrier measurement may be off/);
    expect(interpolationEmptyText('selection-without-curve')).toMatch(
      /barrier measurement may be off/,
    );
    for (const why of ['no-runs', 'none-with-curve', 'selection-without-curve'] as const)
      expect(interpolationEmptyText(why)).toMatch(/L\(θ\(τ\)\)\/L₀ against τ/);
  });
});

describe('stackBelow (barrier labels that would print over each other)', () => {
  it('moves a label below the one it overlaps, and stops where rounding leaves it just short', () => {
    // (0.8731 + 13.4) − 0.8731 rounds below 13.4: the label must still stop there.
    const o = { x0: 0, x1: 100, y: 0.8731 };
    expect(Math.abs(o.y + 13.4 - o.y)).toBeLessThan(13.4);
    expect(stackBelow([o], 10, 60, 0.8731, 13.4)).toBe(o.y + 13.4);
  });

  it('stacks labels at one spot one line apart, and leaves one that does not overlap alone', () => {
    const placed: { x0: number; x1: number; y: number }[] = [];
    for (let i = 0; i < 4; i++)
      placed.push({ x0: 5, x1: 80, y: stackBelow(placed, 5, 80, 20, 12) });
    expect(placed.map((p) => p.y)).toEqual([20, 32, 44, 56]);
    expect(stackBelow(placed, 200, 260, 20, 12)).toBe(20);
  });
});
