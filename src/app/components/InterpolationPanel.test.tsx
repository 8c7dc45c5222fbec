// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runId, type RunRecord } from '../../core/sweep/records';
import { barrierFromLosses } from '../../core/train/barrier';
import { fakeRun } from '../charts/fixtures';
import { ServicesContext, type Services } from '../services';
import { appStore } from '../store/store';
import { InterpolationPanel } from './InterpolationPanel';

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

const TAUS = Array.from({ length: 101 }, (_, i) => i / 100);
function withCurve(c: number, bump: number): RunRecord {
  const r = fakeRun({ depth: 8, width: 64, c });
  const losses = TAUS.map((t) => r.loss0 * (1 + bump * Math.sin(Math.PI * t) - 0.5 * t));
  return { ...r, barrier: barrierFromLosses(losses, r.loss0) };
}

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
  appStore.getState().clearSelection();
});

async function show(runs: RunRecord[], selected: RunRecord[] = []) {
  appStore.getState().setResults('test', runs, []);
  appStore.getState().setSelection(selected.map(runId));
  await act(async () => {
    root.render(
      <ServicesContext.Provider value={{ store: appStore } as unknown as Services}>
        <InterpolationPanel />
      </ServicesContext.Provider>,
    );
  });
}

const empty = () => el.querySelector('[data-testid="interpolation-empty"]')?.textContent ?? null;
const curves = () => el.querySelectorAll('#interpolation-svg g.series').length;

describe('InterpolationPanel', () => {
  it('says what it shows before any run', async () => {
    await show([]);
    expect(empty()).toMatch(/L\(θ\(τ\)\)\/L₀ against τ.*Run a sweep/);
    expect(curves()).toBe(0);
  });

  it('says barrier measurement may be off when no run carries the curve', async () => {
    await show([fakeRun({ depth: 8, width: 64, c: 1 }), fakeRun({ depth: 8, width: 64, c: 4 })]);
    expect(empty()).toMatch(/barrier measurement may be off/);
    expect(curves()).toBe(0);
  });

  it('draws one curve per selected run that has one', async () => {
    const runs = [withCurve(1, 0), withCurve(4, 0.2), withCurve(8, 0.4)];
    const diverged = fakeRun({ depth: 8, width: 64, c: 20 });
    await show([...runs, diverged], [runs[0]!, runs[2]!, diverged]);
    expect(empty()).toBeNull();
    expect(curves()).toBe(2);
    expect(el.querySelector('[data-testid="interpolation-caption"]')!.textContent).toMatch(
      /^2 selected runs \(1 without a curve or not drawn\)\. 1 of 2 cross a barrier/,
    );
  });

  it('shows a typical run per phase with nothing selected', async () => {
    await show([withCurve(1, 0), withCurve(4, 0), withCurve(8, 0.3)]);
    expect(curves()).toBe(3);
    expect(el.querySelector('[data-testid="interpolation-caption"]')!.textContent).toMatch(
      /one typical run per phase/,
    );
  });
});
