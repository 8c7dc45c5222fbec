// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../core/settings/schema';
import { runId } from '../../core/sweep/records';
import { serializeSvg, settingsCaption, wrapCaption } from './exportSvg';
import { fakeSweep } from './fixtures';
import { renderPhaseDiagram } from './phaseDiagram';
import { textWidth } from './svgUtil';
import { renderTrajectories } from './trajectories';

const SVG_NS = 'http://www.w3.org/2000/svg';

function parse(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

describe('serializeSvg', () => {
  it('writes a standalone SVG document with the cells, legend and styles in it', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    document.body.appendChild(svg);
    const data = fakeSweep([4, 8], [64, 256], [0], [1, 2, 4, 8, 16]);
    const focused = runId({ depth: 4, width: 64, seed: 0, orderSeed: 0, c: 4 });
    renderPhaseDiagram(svg, data, {
      axis: 'd/w',
      width: 900,
      height: 500,
      selected: new Set([focused]),
      focusedId: focused,
    });
    expect(svg.querySelector('g.focus-ring')).not.toBeNull();

    const text = serializeSvg(svg);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = parse(text);
    const root = doc.documentElement;
    expect(root.localName).toBe('svg');
    expect(root.namespaceURI).toBe(SVG_NS);
    expect(root.getAttribute('width')).toBe('900');
    expect(root.getAttribute('height')).toBe('500');
    expect(root.getAttribute('viewBox')).toBe('0 0 900 500');
    expect(root.getAttribute('font-family')).toBeTruthy();

    const cells = root.querySelectorAll('rect.cell');
    expect(cells).toHaveLength(20);
    const cell = root.querySelector(`rect.cell[data-run-id="${focused}"]`)!;
    expect(cell.getAttribute('data-regime')).toBe('loss-catapult');
    expect(cell.getAttribute('fill')).toMatch(/^#|^rgb/);
    expect(root.querySelector('style')!.textContent).toContain('.cell');
    expect(root.querySelector('rect.bg')!.getAttribute('fill')).toBe('#fff');
    expect(root.querySelectorAll('.legend text').length).toBeGreaterThan(5);
    expect(root.querySelectorAll('g.outline')).toHaveLength(1);
    // Interaction-only decoration stays in the page, not in the figure.
    expect(root.querySelector('g.focus-ring')).toBeNull();
    expect(svg.querySelector('g.focus-ring')).not.toBeNull();
    // Exactly one xmlns declaration.
    expect(text.match(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)).toHaveLength(1);
    svg.remove();
  });

  it('serialises a trajectories chart', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    renderTrajectories(
      svg,
      { series: [{ id: 'a', label: 'c < 2 & "quoted"', loss: [1, 0.5], sharp: [1, 0.9] }] },
      { width: 400, height: 300, logY: false, rawSharpness: false },
    );
    const doc = parse(serializeSvg(svg));
    expect(doc.querySelectorAll('g.series')).toHaveLength(2);
    expect(Array.from(doc.querySelectorAll('text'), (t) => t.textContent)).toContain(
      'c < 2 & "quoted"',
    );
  });
});

describe('the exported diagram caption', () => {
  const date = new Date('2026-12-01T13:05:00Z');

  it('names the settings that made the figure', () => {
    const items = settingsCaption(
      { ...DEFAULTS, depths: [2, 4], widths: [16, 64, 256], seeds: [0, 1] },
      'wasm',
      date,
    );
    expect(items).toEqual([
      'dataset MNIST (built in)',
      'model Fully connected network',
      'depths 2, 4',
      'widths 16, 64, 256',
      'loss MSE (½·mean)',
      `B = ${DEFAULTS.batch}`,
      `M = ${DEFAULTS.measureSize}`,
      `T = ${DEFAULTS.steps}`,
      'c grid log2:0.5:7:0.5',
      'seeds 0, 1',
      'backend wasm',
      '2026-12-01 13:05 UTC',
    ]);
    // The uv model has no batch, measurement set, depth or loss choice: none is claimed.
    const uv = settingsCaption(
      { ...DEFAULTS, model: 'uv', dataset: 'uv', search: 'bisect' },
      null,
      date,
    );
    expect(uv.some((t) => /^(B|M) = |^depths|^loss/.test(t))).toBe(false);
    expect(uv).toContain('backend unknown');
    expect(uv.find((t) => t.startsWith('c grid'))).toContain('bisection');
  });

  it('adds the caption below the chart, inside the figure, without cutting it', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    renderPhaseDiagram(svg, fakeSweep([4], [64, 256], [0], [1, 2, 4, 8, 16]), {
      axis: 'd/w',
      width: 640,
      height: 420,
      selected: new Set(),
    });
    const caption = settingsCaption(DEFAULTS, 'webgl', date);
    const doc = parse(serializeSvg(svg, { caption }));
    const root = doc.documentElement;
    const height = Number(root.getAttribute('height'));
    expect(height).toBeGreaterThan(420);
    expect(root.getAttribute('viewBox')).toBe(`0 0 640 ${height}`);
    // The white background reaches under the caption.
    expect(root.querySelector('rect.bg')!.getAttribute('height')).toBe(String(height));
    const lines = Array.from(root.querySelectorAll('g.export-caption text'));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((t) => t.textContent).join(' · ')).toBe(caption.join(' · '));
    for (const t of lines) {
      const y = Number(t.getAttribute('y'));
      expect(y).toBeGreaterThan(420);
      expect(y).toBeLessThanOrEqual(height);
      expect(Number(t.getAttribute('x')) + textWidth(t.textContent!, 11)).toBeLessThanOrEqual(640);
    }
    // Without a caption the figure keeps its size.
    expect(parse(serializeSvg(svg)).documentElement.getAttribute('height')).toBe('420');
  });

  it('wraps items into lines that fit, an over-long item on its own line', () => {
    const long = 'x'.repeat(80);
    expect(wrapCaption(['a', 'b', long, 'c'], 200)).toEqual(['a · b', long, 'c']);
  });
});
