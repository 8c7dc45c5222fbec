// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seriesColor } from './palette';
import {
  POINTS_MAX_STEPS,
  renderTrajectories,
  type TrajectoryOptions,
  type TrajectorySeries,
} from './trajectories';

let svg: SVGSVGElement;
beforeEach(() => {
  svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(svg);
});
afterEach(() => svg.remove());

function opts(extra: Partial<TrajectoryOptions> = {}): TrajectoryOptions {
  return { width: 640, height: 480, logY: false, rawSharpness: false, ...extra };
}

const calm: TrajectorySeries = {
  id: 'a',
  label: 'c = 1.00',
  loss: [1, 0.9, 0.8, 0.7, 0.65],
  sharp: [1, 0.95, 0.9, 0.88, 0.87],
  sharpRaw: [100, 95, 90, 88, 87],
  eta: 0.01,
};
const diverging: TrajectorySeries = {
  id: 'b',
  label: 'c = 16.00',
  loss: [1, 4, 50, null, null],
  sharp: [1, 2, 3, null, null],
  sharpRaw: [100, 200, 300, null, null],
  eta: 0.16,
};

function seriesGroup(panel: 'loss' | 'sharp', id: string): SVGGElement {
  const g = svg.querySelector<SVGGElement>(`g.panel-${panel} g.series[data-series="${id}"]`);
  if (!g) throw new Error(`no series ${id} in ${panel}`);
  return g;
}

function moveCount(d: string | null): number {
  return (d ?? '').split('M').length - 1;
}

function texts(): string[] {
  return Array.from(svg.querySelectorAll('text'), (t) => t.textContent ?? '');
}

describe('renderTrajectories', () => {
  it('draws both panels with a line and points per series and a legend', () => {
    renderTrajectories(svg, { series: [calm, diverging] }, opts());
    for (const panel of ['loss', 'sharp'] as const) {
      for (const id of ['a', 'b']) {
        const g = seriesGroup(panel, id);
        expect(moveCount(g.querySelector('path.line')!.getAttribute('d'))).toBe(1);
      }
      expect(seriesGroup(panel, 'a').querySelectorAll('circle')).toHaveLength(5);
    }
    expect(seriesGroup('loss', 'a').querySelector('path.line')!.getAttribute('stroke')).toBe(
      seriesColor(0),
    );
    expect(texts()).toEqual(expect.arrayContaining(['c = 1.00', 'c = 16.00', 'step t']));
    expect(texts()).toContain('Loss L_t / L₀');
    expect(texts()).toContain('Sharpness λ_t / λ₀');
  });

  it('breaks lines at nulls and marks divergence at the last finite point', () => {
    const gappy: TrajectorySeries = {
      id: 'g',
      label: 'gap',
      loss: [1, 0.9, null, 0.8, 0.7],
      sharp: [1, 1, 1, 1, 1],
    };
    renderTrajectories(svg, { series: [gappy, diverging] }, opts());
    const gap = seriesGroup('loss', 'g');
    expect(moveCount(gap.querySelector('path.line')!.getAttribute('d'))).toBe(2);
    expect(gap.querySelectorAll('circle')).toHaveLength(4);
    // A gap inside a series is not a divergence.
    expect(gap.querySelector('g.diverged-marker')).toBeNull();

    for (const panel of ['loss', 'sharp'] as const) {
      const markers = seriesGroup(panel, 'b').querySelectorAll('g.diverged-marker');
      expect(markers).toHaveLength(1);
      expect(markers[0]!.getAttribute('data-step')).toBe('2');
      expect(markers[0]!.textContent).toBe('diverged');
    }
    // The marker sits on the series' last point.
    const m = seriesGroup('loss', 'b').querySelector('g.diverged-marker')!;
    const last = Array.from(seriesGroup('loss', 'b').querySelectorAll('circle')).at(-1)!;
    expect(m.getAttribute('transform')).toBe(
      `translate(${last.getAttribute('cx')},${last.getAttribute('cy')})`,
    );
  });

  it('uses log y axes when asked: equal ratios are equal distances', () => {
    const s: TrajectorySeries = {
      id: 'l',
      label: 'l',
      loss: [1, 10, 100, 0.5],
      sharp: [1, 1, 1, 1],
    };
    renderTrajectories(svg, { series: [s] }, opts({ logY: true }));
    expect(svg.querySelector('g.panel-loss')!.getAttribute('data-scale')).toBe('log');
    const cy = Array.from(seriesGroup('loss', 'l').querySelectorAll('circle'), (c) =>
      Number(c.getAttribute('cy')),
    );
    expect(cy[0]! - cy[1]!).toBeCloseTo(cy[1]! - cy[2]!, 6);
    expect(texts()).toContain('Loss L_t / L₀ (log)');

    renderTrajectories(svg, { series: [s] }, opts({ logY: false }));
    expect(svg.querySelector('g.panel-loss')!.getAttribute('data-scale')).toBe('linear');
    const lin = Array.from(seriesGroup('loss', 'l').querySelectorAll('circle'), (c) =>
      Number(c.getAttribute('cy')),
    );
    expect((lin[0]! - lin[1]!) / (lin[1]! - lin[2]!)).toBeCloseTo(0.1, 6);
  });

  it('leaves non-positive values out on a log axis', () => {
    const s: TrajectorySeries = {
      id: 'z',
      label: 'z',
      loss: [1, 0, 2, -1, 3],
      sharp: [1, 1, 1, 1, 1],
    };
    renderTrajectories(svg, { series: [s] }, opts({ logY: true }));
    expect(moveCount(seriesGroup('loss', 'z').querySelector('path.line')!.getAttribute('d'))).toBe(
      3,
    );
  });

  it('draws a 2/η line per series in raw sharpness mode, and the line at 1 in ratio mode', () => {
    renderTrajectories(svg, { series: [calm, diverging] }, opts({ rawSharpness: true }));
    const eta = Array.from(svg.querySelectorAll('g.panel-sharp g.eta-line'));
    expect(eta.map((g) => g.getAttribute('data-series'))).toEqual(['a', 'b']);
    expect(Number(eta[0]!.getAttribute('data-value'))).toBeCloseTo(200, 9);
    expect(eta[0]!.querySelector('line')!.getAttribute('stroke-dasharray')).toBeTruthy();
    expect(eta[0]!.textContent).toBe('2/η');
    expect(svg.querySelector('g.panel-sharp line.ref-one')).toBeNull();
    expect(svg.querySelector('g.panel-loss line.ref-one')).not.toBeNull();
    // Raw values are plotted: the calm series' first point is at λ = 100, below 2/η = 200.
    const first = seriesGroup('sharp', 'a').querySelector('circle')!;
    expect(Number(first.getAttribute('cy'))).toBeGreaterThan(
      Number(/translate\(0,([-\d.e]+)\)/.exec(eta[0]!.getAttribute('transform')!)![1]),
    );

    renderTrajectories(svg, { series: [calm, diverging] }, opts({ rawSharpness: false }));
    expect(svg.querySelectorAll('g.eta-line')).toHaveLength(0);
    expect(svg.querySelector('g.panel-sharp line.ref-one')).not.toBeNull();
  });

  it('draws live series dashed and updates them in place as steps arrive', () => {
    const live: TrajectorySeries = {
      ...calm,
      id: 'live',
      live: true,
      loss: [1, 0.9],
      sharp: [1, 0.97],
    };
    renderTrajectories(svg, { series: [live] }, opts({ steps: 10 }));
    const path = seriesGroup('loss', 'live').querySelector('path.line')!;
    expect(path.getAttribute('stroke-dasharray')).toBe('5 3');
    const d0 = path.getAttribute('d');
    renderTrajectories(
      svg,
      { series: [{ ...live, loss: [1, 0.9, 0.85], sharp: [1, 0.97, 0.95] }] },
      opts({ steps: 10 }),
    );
    const again = seriesGroup('loss', 'live').querySelector('path.line')!;
    expect(again).toBe(path);
    expect(again.getAttribute('d')).not.toBe(d0);
    // The fixed step axis (steps: 10) keeps the x of earlier points.
    const xs = (d: string | null) =>
      Array.from((d ?? '').matchAll(/[ML]([-\d.e]+),/g), (m) => m[1]);
    expect(xs(again.getAttribute('d')).slice(0, 2)).toEqual(xs(d0));
    expect(svg.querySelectorAll('g.series')).toHaveLength(2);

    renderTrajectories(svg, { series: [{ ...live, live: false }] }, opts({ steps: 10 }));
    expect(again.getAttribute('stroke-dasharray')).toBeNull();
  });

  it('handles a 2000-step run with lines only', () => {
    const n = 2001;
    const long: TrajectorySeries = {
      id: 'long',
      label: 'four regimes',
      loss: Array.from({ length: n }, (_, t) => Math.exp(-t / 500) * (1 + 0.1 * Math.sin(t))),
      sharp: Array.from({ length: n }, (_, t) => 0.8 + t / 1000),
      sharpRaw: Array.from({ length: n }, (_, t) => 40 + t / 20),
      eta: 0.02,
    };
    renderTrajectories(svg, { series: [long] }, opts({ rawSharpness: true, logY: true }));
    expect(n - 1).toBeGreaterThan(POINTS_MAX_STEPS);
    expect(svg.querySelectorAll('circle')).toHaveLength(0);
    const d = seriesGroup('sharp', 'long').querySelector('path.line')!.getAttribute('d')!;
    expect(moveCount(d)).toBe(1);
    expect(d.split('L')).toHaveLength(n);
    expect(svg.querySelectorAll('g.eta-line')).toHaveLength(1);
  });

  it('renders an empty chart without series', () => {
    renderTrajectories(svg, { series: [] }, opts());
    expect(svg.querySelectorAll('g.series')).toHaveLength(0);
    expect(svg.getAttribute('aria-label')).toContain('no run selected');
  });
});

describe('the step axis', () => {
  it('labels whole steps only, each once, even when there is nothing to draw', () => {
    renderTrajectories(svg, { series: [] }, opts());
    const labels = [...svg.querySelectorAll('g.x-axis .tick text')]
      .map((t) => t.textContent)
      .filter((t) => t !== '');
    expect(labels.length).toBeGreaterThan(0);
    expect(new Set(labels).size).toBe(labels.length);
    for (const l of labels) expect(Number.isInteger(Number(l))).toBe(true);
  });
});
