// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnRecord } from '../../core/sweep/records';
import { seriesColor } from './palette';
import {
  renderSaturation,
  saturationAxisTitle,
  saturationEmpty,
  saturationEmptyText,
  saturationLines,
} from './saturation';

let svg: SVGSVGElement;
beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => svg.remove());

const K = 100;

/** A column whose λ_τ/λ₀ falls as 1 − 0.05·log₂ c over c = 1, 2, …, 16 (the last diverged by τ). */
function column(depth: number, width: number, seed = 0, extra: Partial<ColumnRecord> = {}) {
  const cs = [1, 2, 4, 8, 16];
  const col: ColumnRecord = {
    type: 'column',
    depth,
    width,
    seed,
    orderSeed: 0,
    lambda0: 50,
    loss0: 0.5,
    c_loss: 4.59,
    c_sharp: 8,
    c_max: 13.93,
    runs: cs.length,
    saturation: {
      K,
      points: cs.map((c) => ({
        c,
        step: Math.max(1, Math.round(K / c)),
        ratio: c === 16 ? null : 1 - 0.05 * Math.log2(c) - width / 10000,
      })),
    },
    ...extra,
  };
  return col;
}

const opts = { width: 640, height: 360 };

function pathXs(d: string | null): number[] {
  return Array.from((d ?? '').matchAll(/[ML]([-\d.e]+),/g), (m) => Number(m[1]));
}

describe('saturationLines', () => {
  it('gives one line per column that measured it, labelled by depth and width', () => {
    const lines = saturationLines([
      column(8, 256),
      column(4, 64),
      column(8, 64, 0, { saturation: null }),
    ]);
    expect(lines.map((l) => l.label)).toEqual(['d=4 w=64', 'd=8 w=256']);
    expect(lines.map((l) => l.color)).toEqual([seriesColor(0), seriesColor(1)]);
    expect(lines[1]!.cLoss).toBe(4.59);
  });

  it('adds the seed to the label when columns differ in seed', () => {
    const lines = saturationLines([column(8, 64, 0), column(8, 64, 1)]);
    expect(lines.map((l) => l.label)).toEqual(['d=8 w=64 s=0', 'd=8 w=64 s=1']);
  });
});

describe('renderSaturation', () => {
  it('draws one line per column on a log c axis, broken where a run diverged by τ', () => {
    const lines = saturationLines([column(4, 64), column(8, 256)]);
    renderSaturation(svg, { lines }, opts);
    const series = svg.querySelectorAll('g.series');
    expect(series).toHaveLength(2);
    for (const g of series) {
      const path = g.querySelector('path.line')!;
      // Four points before the diverged c = 16: one unbroken line.
      expect((path.getAttribute('d') ?? '').split('M')).toHaveLength(2);
      expect(g.querySelectorAll('circle')).toHaveLength(4);
      // log axis: c = 1, 2, 4, 8 are equally spaced.
      const xs = pathXs(path.getAttribute('d'));
      expect(xs[1]! - xs[0]!).toBeCloseTo(xs[3]! - xs[2]!, 2);
      expect(g.querySelectorAll('path.diverged-marker')).toHaveLength(1);
    }
    expect(series[0]!.querySelector('path.line')!.getAttribute('stroke')).toBe(seriesColor(0));
    expect(Array.from(svg.querySelectorAll('g.legend-item text'), (t) => t.textContent)).toEqual([
      'd=4 w=64',
      'd=8 w=256',
    ]);
  });

  it('explains τ = K/c in the axis title', () => {
    renderSaturation(svg, { lines: saturationLines([column(8, 64)]) }, opts);
    const title = svg.querySelector('g.x-axis text.axis-title')!.textContent;
    expect(title).toContain('τ = K/c');
    expect(title).toContain('K = 100');
    expect(saturationAxisTitle([{ K: 100 }, { K: 50 }, { K: 100 }])).toContain('K = 50, 100');
  });

  it('marks each column’s c_loss and c_max at their c, with rounded values', () => {
    const lines = saturationLines([column(8, 64)]);
    renderSaturation(svg, { lines }, opts);
    const marks = Array.from(svg.querySelectorAll('g.critical-marker'));
    expect(marks.map((m) => m.getAttribute('data-kind'))).toEqual(['c_loss', 'c_max']);
    expect(marks.map((m) => m.querySelector('title')!.textContent)).toEqual([
      'c_loss = 4.59',
      'c_max = 13.9',
    ]);
    // On the same log scale as the points: c_loss = 4.59 lies between c = 4 and c = 8.
    const xs = pathXs(svg.querySelector('g.series path.line')!.getAttribute('d'));
    const at = (m: Element) =>
      Number(/translate\(([-\d.e]+),/.exec(m.getAttribute('transform')!)![1]);
    expect(at(marks[0]!)).toBeGreaterThan(xs[2]!);
    expect(at(marks[0]!)).toBeLessThan(xs[3]!);
    const expected = xs[2]! + ((xs[3]! - xs[2]!) * Math.log2(4.59 / 4)) / Math.log2(2);
    expect(at(marks[0]!)).toBeCloseTo(expected, 1);
  });

  it('switches to a log y axis when the ratios span a wide range', () => {
    renderSaturation(svg, { lines: saturationLines([column(8, 64)]) }, opts);
    expect(svg.querySelector('g.plot')!.getAttribute('data-scale')).toBe('linear');
    const wide = column(8, 64, 0, {
      saturation: {
        K,
        points: [1, 2, 4, 8].map((c) => ({
          c,
          step: Math.round(K / c),
          ratio: 0.05 * 10 ** (c / 4),
        })),
      },
    });
    renderSaturation(svg, { lines: saturationLines([wide]) }, opts);
    expect(svg.querySelector('g.plot')!.getAttribute('data-scale')).toBe('log');
    const cy = Array.from(svg.querySelectorAll('g.series circle'), (c) =>
      Number(c.getAttribute('cy')),
    );
    const at = (i: number) => cy[i]!;
    // Equal factors are equal distances: ratios 0.0889, 0.158, 0.5, 5 are 0.25, 0.5 and 1 decade apart.
    expect((at(2) - at(3)) / (at(1) - at(2))).toBeCloseTo(2, 6);
  });

  it('leaves a column without c_loss unmarked for it', () => {
    renderSaturation(svg, { lines: saturationLines([column(8, 64, 0, { c_loss: null })]) }, opts);
    expect(
      Array.from(svg.querySelectorAll('g.critical-marker'), (m) => m.getAttribute('data-kind')),
    ).toEqual(['c_max']);
  });

  it('draws no line without columns and updates in place', () => {
    renderSaturation(svg, { lines: saturationLines([column(8, 64)]) }, opts);
    const first = svg.querySelector('g.series');
    renderSaturation(svg, { lines: saturationLines([column(8, 64), column(8, 128)]) }, opts);
    expect(svg.querySelectorAll('g.series')).toHaveLength(2);
    expect(svg.querySelector('g.series')).toBe(first);
    renderSaturation(svg, { lines: [] }, opts);
    expect(svg.querySelectorAll('g.series')).toHaveLength(0);
    expect(svg.querySelectorAll('g.critical-marker')).toHaveLength(0);
    expect(svg.getAttribute('aria-label')).toMatch(/no column/);
  });

  it('says what is missing in its empty states', () => {
    const unmeasured = column(8, 64, 0, { saturation: null });
    expect(saturationEmpty([], 0)).toBe('off');
    expect(saturationEmpty([unmeasured], 0)).toBe('off');
    expect(saturationEmpty([], 100)).toBe('no-columns');
    expect(saturationEmpty([unmeasured], 100)).toBe('none-measured');
    // Curves already measured are drawn even with the measurement now off.
    expect(saturationEmpty([unmeasured, column(8, 64, 1)], 0)).toBeNull();
    expect(saturationEmptyText('off')).toMatch(/^Saturation measurement off: set K > 0/);
    for (const why of ['no-columns', 'none-measured'] as const)
      expect(saturationEmptyText(why)).toMatch(/τ = K\/c/);
    expect(saturationEmptyText('none-measured')).toMatch(/carry no saturation curve/);
  });
});
