// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seriesColor } from './palette';
import { textWidth } from './svgUtil';
import {
  MARGIN_LEFT,
  POINTS_MAX_STEPS,
  TICK_SPACE,
  renderTrajectories,
  trajectoryLegendHeight,
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
      // Without a recorded step, the run diverged on the step after its last finite value.
      expect(markers[0]!.getAttribute('data-step')).toBe('3');
      expect(markers[0]!.textContent).toBe('diverged at step 3');
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

function cys(g: Element): number[] {
  return Array.from(g.querySelectorAll('g.points circle'), (c) => Number(c.getAttribute('cy')));
}

function frameHeight(panel: 'loss' | 'sharp'): number {
  return Number(svg.querySelector(`g.panel-${panel} rect.frame`)!.getAttribute('height'));
}

describe('diverged curves', () => {
  const wild: TrajectorySeries = {
    id: 'w',
    label: 'c = 22.6',
    loss: [1, 6, 400, 2e9],
    sharp: [1, 3, 40, null],
    divergedAt: 3,
    lossCap: 2e5,
  };
  const catapult: TrajectorySeries = {
    id: 'k',
    label: 'c = 5.66',
    loss: [1, 3, 1.5, 0.8, 0.7],
    sharp: [1, 0.6, 0.5, 0.5, 0.5],
    divergedAt: null,
  };

  for (const logY of [false, true]) {
    it(`are clipped and marked, and never flatten the others (log y ${logY})`, () => {
      renderTrajectories(svg, { series: [catapult, wild] }, opts({ logY }));
      const top = Number(svg.querySelector('g.panel-loss')!.getAttribute('data-top'));
      // The axis is fitted to the calm run, with a little headroom, not to 2·10⁹.
      expect(top).toBeLessThan(logY ? 31 : 4.6);
      const clip = Number(seriesGroup('loss', 'w').getAttribute('data-clip'));
      expect(clip).toBeLessThanOrEqual(top);
      expect(clip).toBeLessThanOrEqual(wild.lossCap!);
      // Every drawn point of the diverged run lies inside the frame.
      for (const cy of cys(seriesGroup('loss', 'w'))) expect(cy).toBeGreaterThanOrEqual(-1e-9);
      // The catapult keeps a good part of the panel's height.
      const calm = cys(seriesGroup('loss', 'k'));
      expect(Math.max(...calm) - Math.min(...calm)).toBeGreaterThan(0.3 * frameHeight('loss'));
      const marker = seriesGroup('loss', 'w').querySelector('g.diverged-marker')!;
      expect(marker.textContent).toBe('diverged at step 3');
      expect(marker.querySelector('line.cap')).not.toBeNull();
      // The sharpness panel marks it too, at its last finite λ.
      const sharpMarker = seriesGroup('sharp', 'w').querySelector('g.diverged-marker')!;
      expect(sharpMarker.textContent).toBe('diverged at step 3');
      expect(seriesGroup('loss', 'k').querySelector('g.diverged-marker')).toBeNull();
      expect(seriesGroup('loss', 'k').getAttribute('data-clip')).toBeNull();
    });
  }

  it('alone, is drawn up to the divergence threshold and no higher', () => {
    renderTrajectories(svg, { series: [wild] }, opts({ logY: true }));
    const clip = Number(seriesGroup('loss', 'w').getAttribute('data-clip'));
    expect(clip).toBe(2e5);
    for (const cy of cys(seriesGroup('loss', 'w'))) expect(cy).toBeGreaterThanOrEqual(-1e-9);
    // The marker sits on the cap: the highest drawn point.
    const marker = seriesGroup('loss', 'w').querySelector('g.diverged-marker')!;
    const my = Number(
      /translate\([-\d.e]+,([-\d.e]+)\)/.exec(marker.getAttribute('transform')!)![1],
    );
    expect(my).toBeCloseTo(Math.min(...cys(seriesGroup('loss', 'w'))), 6);
  });
});

describe('tick labels', () => {
  it('fit the left margin, however large the values', () => {
    const huge: TrajectorySeries = {
      id: 'h',
      label: 'h',
      loss: [1, 1e3, 1e6, 1e9, 2.5e9],
      sharp: [1, 2500, 1e5, 1e7, 3e8],
    };
    for (const logY of [false, true]) {
      renderTrajectories(svg, { series: [huge] }, opts({ logY }));
      const left = Number(
        /translate\(([-\d.e]+),/.exec(
          svg.querySelector('g.panel-loss')!.getAttribute('transform')!,
        )![1],
      );
      expect(left).toBe(MARGIN_LEFT);
      const labels = Array.from(
        svg.querySelectorAll('g.y-axis .tick text'),
        (t) => t.textContent ?? '',
      );
      expect(labels.filter((l) => l !== '').length).toBeGreaterThan(3);
      for (const l of labels) expect(textWidth(l)).toBeLessThanOrEqual(MARGIN_LEFT - TICK_SPACE);
      expect(labels.some((l) => /^[\d.]+e9$|^[\d.]+k$|^[\d.]+e\d$/.test(l))).toBe(true);
      expect(labels.join(' ')).not.toMatch(/000000/);
    }
  });
});

describe('2/η lines', () => {
  it('draws one line and one label per distinct η', () => {
    const twin: TrajectorySeries = { ...calm, id: 'a2', label: 'same η, other seed' };
    renderTrajectories(svg, { series: [calm, twin, diverging] }, opts({ rawSharpness: true }));
    const lines = Array.from(svg.querySelectorAll('g.panel-sharp g.eta-line'));
    expect(lines).toHaveLength(2);
    expect(lines[0]!.getAttribute('data-series')).toBe('a a2');
    expect(lines.map((l) => l.textContent)).toEqual(['2/η', '2/η']);
  });

  it('never stacks labels: lines too close to label share the first one', () => {
    const six = Array.from({ length: 6 }, (_, i): TrajectorySeries => ({
      ...calm,
      id: `e${i}`,
      label: `e${i}`,
      eta: 0.01 * (1 + i * 0.004),
    }));
    renderTrajectories(svg, { series: six }, opts({ rawSharpness: true }));
    const lines = Array.from(svg.querySelectorAll('g.panel-sharp g.eta-line'));
    expect(lines).toHaveLength(6);
    const ys = lines
      .filter((l) => l.textContent === '2/η')
      .map((l) => Number(/translate\(0,([-\d.e]+)\)/.exec(l.getAttribute('transform')!)![1]))
      .sort((p, q) => p - q);
    expect(ys.length).toBeGreaterThanOrEqual(1);
    expect(ys.length).toBeLessThan(6);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(12);
  });
});

describe('the log step axis', () => {
  const n = 101;
  const series: TrajectorySeries = {
    id: 's',
    label: 's',
    loss: Array.from({ length: n }, (_, t) => 1 / (1 + t)),
    sharp: Array.from({ length: n }, () => 1),
  };

  it('is logarithmic in t + 1, labelled 0, 1, 2, 5, 10, …', () => {
    renderTrajectories(svg, { series: [series] }, opts({ logSteps: true }));
    expect(svg.querySelector('g.panel-loss')!.getAttribute('data-step-scale')).toBe('log');
    const cx = Array.from(seriesGroup('loss', 's').querySelectorAll('circle'), (c) =>
      Number(c.getAttribute('cx')),
    );
    // log(2) − log(1) = log(4) − log(2): steps 0→1 and 1→3 are equally wide.
    expect(cx[1]! - cx[0]!).toBeCloseTo(cx[3]! - cx[1]!, 6);
    expect(cx[0]).toBe(0);
    const labels = Array.from(svg.querySelectorAll('g.panel-sharp g.x-axis .tick text'), (t) =>
      Number(t.textContent),
    );
    expect(labels).toEqual(expect.arrayContaining([0, 1, 10, 100]));
    for (const l of labels) expect(Number.isInteger(l)).toBe(true);
    expect(texts()).toContain('step t (log scale)');

    renderTrajectories(svg, { series: [series] }, opts({ logSteps: false }));
    expect(svg.querySelector('g.panel-loss')!.getAttribute('data-step-scale')).toBe('linear');
    const lin = Array.from(seriesGroup('loss', 's').querySelectorAll('circle'), (c) =>
      Number(c.getAttribute('cx')),
    );
    expect(lin[3]! - lin[1]!).toBeCloseTo(2 * (lin[1]! - lin[0]!), 6);
  });

  it('maps a pointer position back to its step, and shows the hover line there', () => {
    const layout = renderTrajectories(svg, { series: [series] }, opts({ logSteps: true }));
    const circle = seriesGroup('loss', 's').querySelectorAll('circle')[20]!;
    const top = Number(
      /,([-\d.e]+)\)/.exec(svg.querySelector('g.panel-loss')!.getAttribute('transform')!)![1],
    );
    expect(layout.stepAt(MARGIN_LEFT + Number(circle.getAttribute('cx')), top + 5)).toBe(20);
    expect(layout.stepAt(MARGIN_LEFT - 5, top + 5)).toBeNull();
    layout.setHover(20);
    const line = svg.querySelector('g.panel-loss g.hover-line line')!;
    expect(line.getAttribute('display')).toBeNull();
    expect(Number(line.getAttribute('x1'))).toBeCloseTo(Number(circle.getAttribute('cx')), 6);
    layout.setHover(null);
    expect(line.getAttribute('display')).toBe('none');
  });
});

describe('regime bands and τ', () => {
  // λ_t/(2/η) = 1.5 → a plateau near 0.45 (steps 3–20) → climbs to 0.9 at step 60 → edge.
  const T = 200;
  const eta = 0.02;
  const edgeRatio = Array.from({ length: T + 1 }, (_, t) => {
    if (t < 3) return 1.5 - 0.35 * t;
    if (t <= 20) return 0.45;
    if (t < 60) return 0.45 + (0.44 * (t - 20)) / 40;
    return 0.95 + 0.05 * Math.sin(t);
  });
  const run: TrajectorySeries = {
    id: 'r',
    label: 'four regimes',
    loss: edgeRatio.map((_, t) => 1 / (1 + t / 50)),
    sharp: edgeRatio.map((r) => r / 1.5),
    sharpRaw: edgeRatio.map((r) => (2 * r) / eta),
    eta,
    saturation: { step: 33, K: 100 },
  };

  it('shades and labels the four bands of one long run, and marks τ = K/c', () => {
    const layout = renderTrajectories(
      svg,
      { series: [run] },
      opts({ width: 900, bands: true, logSteps: true, rawSharpness: true }),
    );
    const bands = Array.from(svg.querySelectorAll('g.panel-loss g.band'));
    expect(bands.map((b) => b.getAttribute('data-kind'))).toEqual([
      'transient',
      'saturation',
      'sharpening',
      'edge',
    ]);
    expect(layout.bands.map((b) => b.kind)).toHaveLength(4);
    expect(bands.at(-1)!.getAttribute('data-from')).toBe('60');
    expect(bands.map((b) => b.querySelector('text')!.textContent)).toContain('edge of stability');
    // Each band's rect spans its steps on the step axis.
    for (const b of bands) {
      const w = Number(b.querySelector('rect')!.getAttribute('width'));
      expect(w).toBeGreaterThan(0);
    }
    const tau = svg.querySelectorAll('g.panel-loss g.tau-marker');
    expect(tau).toHaveLength(1);
    expect(tau[0]!.getAttribute('data-step')).toBe('33');
    expect(tau[0]!.textContent).toBe('τ = K/c = 33');
  });

  it('draws no bands for several runs or when off, and no τ beyond the axis', () => {
    renderTrajectories(svg, { series: [run, { ...run, id: 'r2' }] }, opts({ bands: true }));
    expect(svg.querySelectorAll('g.band')).toHaveLength(0);
    renderTrajectories(svg, { series: [run] }, opts({ bands: false }));
    expect(svg.querySelectorAll('g.band')).toHaveLength(0);
    expect(svg.querySelectorAll('g.tau-marker')).toHaveLength(0);
    renderTrajectories(
      svg,
      { series: [{ ...run, saturation: { step: 500, K: 100 } }] },
      opts({ bands: true }),
    );
    expect(svg.querySelectorAll('g.tau-marker')).toHaveLength(0);
  });
});

describe('the legend and the empty chart', () => {
  it('lists every series inside the chart, with no "+N more"', () => {
    const many = Array.from({ length: 12 }, (_, i): TrajectorySeries => ({
      ...calm,
      id: `m${i}`,
      label: `loss and sharpness catapult: d=4 w=128 s=${i} c=${(5.6568 + i).toFixed(4)}`,
    }));
    const width = 420;
    const extra = trajectoryLegendHeight(many, width);
    renderTrajectories(svg, { series: many }, opts({ width }));
    expect(Number(svg.getAttribute('height'))).toBe(480 + extra);
    expect(svg.querySelectorAll('g.legend-item')).toHaveLength(12);
    expect(svg.querySelector('.legend-more')).toBeNull();
    for (const item of svg.querySelectorAll('g.legend-item')) {
      const x = Number(/translate\(([-\d.e]+),/.exec(item.getAttribute('transform')!)![1]);
      const text = item.querySelector('text')!.textContent ?? '';
      expect(12 + x + 30 + textWidth(text)).toBeLessThanOrEqual(width);
    }
    // The panels start below the last legend row.
    const top = Number(
      /,([-\d.e]+)\)/.exec(svg.querySelector('g.panel-loss')!.getAttribute('transform')!)![1],
    );
    expect(top).toBeGreaterThan(extra);
  });

  it('puts the placeholder inside the loss plot, clear of the sharpness title', () => {
    renderTrajectories(svg, { series: [] }, opts({ emptyText: 'Click a cell' }));
    const note = svg.querySelector('g.panel-loss text.empty-note')!;
    expect(note.textContent).toBe('Click a cell');
    expect(Number(note.getAttribute('y'))).toBeLessThan(frameHeight('loss'));
    expect(Number(note.getAttribute('y'))).toBeGreaterThan(0);
    expect(svg.querySelector('g.panel-sharp text.empty-note')!.textContent).toBe('');
  });
});

describe('non-finite values', () => {
  it('never reach an attribute, on any axis', () => {
    const bad: TrajectorySeries = {
      id: 'n',
      label: 'n',
      loss: [1, Number.NaN, 3, Number.POSITIVE_INFINITY],
      sharp: [1, Number.NEGATIVE_INFINITY, null, Number.NaN],
      sharpRaw: [10, Number.NaN, null, Number.POSITIVE_INFINITY],
      eta: Number.NaN,
      divergedAt: 3,
      lossCap: Number.POSITIVE_INFINITY,
    };
    for (const logY of [false, true])
      for (const logSteps of [false, true])
        for (const rawSharpness of [false, true]) {
          renderTrajectories(
            svg,
            { series: [bad] },
            opts({ logY, logSteps, rawSharpness, bands: true }),
          );
          const values = Array.from(svg.querySelectorAll('*')).flatMap((el) =>
            Array.from(el.attributes, (a) => a.value),
          );
          expect(values.filter((v) => /NaN|Infinity/.test(v))).toEqual([]);
        }
  });
});
