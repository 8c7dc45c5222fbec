// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnRecord } from '../../core/sweep/records';
import { ServicesContext, type Services } from '../services';
import { appStore } from '../store/store';
import { SaturationPanel } from './SaturationPanel';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// jsdom has no layout: give the chart box a width so the panel draws.
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get: () => 600,
  });
});
afterAll(() => {
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
});

const col = (width: number, measured: boolean): ColumnRecord => ({
  type: 'column',
  depth: 8,
  width,
  seed: 0,
  orderSeed: 0,
  lambda0: 50,
  loss0: 0.5,
  c_loss: 4,
  c_sharp: 8,
  c_max: 16,
  runs: 3,
  saturation: measured
    ? {
        K: 100,
        points: [1, 2, 4].map((c) => ({ c, step: Math.round(100 / c), ratio: 1 - 0.1 * c })),
      }
    : null,
});

let el: HTMLDivElement;
let root: Root;
beforeEach(() => {
  el = document.createElement('div');
  document.body.appendChild(el);
  root = createRoot(el);
});
afterEach(async () => {
  await act(async () => root.unmount());
  el.remove();
  appStore.getState().setSetting('saturationK', 100);
});

async function show(columns: ColumnRecord[], saturationK: number) {
  appStore.getState().setResults('test', [], columns);
  appStore.getState().setSetting('saturationK', saturationK);
  await act(async () => {
    root.render(
      <ServicesContext.Provider value={{ store: appStore } as unknown as Services}>
        <SaturationPanel />
      </ServicesContext.Provider>,
    );
  });
}

const empty = () => el.querySelector('[data-testid="saturation-empty"]')?.textContent ?? null;
const lines = () => el.querySelectorAll('#saturation-svg g.series').length;

describe('SaturationPanel', () => {
  it('says the measurement is off when K = 0 and nothing was measured', async () => {
    await show([col(64, false)], 0);
    expect(empty()).toMatch(/^Saturation measurement off: set K > 0/);
    expect(lines()).toBe(0);
  });

  it('draws one line per column that measured it', async () => {
    await show([col(64, true), col(128, false), col(256, true)], 100);
    expect(empty()).toBeNull();
    expect(lines()).toBe(2);
    expect(
      Array.from(el.querySelectorAll('#saturation-svg g.legend-item text'), (t) => t.textContent),
    ).toEqual(['d=8 w=64', 'd=8 w=256']);
  });
});
