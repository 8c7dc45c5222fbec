// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { ColumnRecord } from '../../core/sweep/records';
import { ServicesContext, type Services } from '../services';
import { appStore } from '../store/store';
import { ColumnTable } from './ColumnTable';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const col = (seed: number, c_loss: number | null, c_max: number | null): ColumnRecord => ({
  type: 'column',
  depth: 8,
  width: 64,
  seed,
  orderSeed: 0,
  lambda0: 20,
  loss0: 0.5,
  c_loss,
  c_sharp: 4,
  c_max,
  runs: 10,
});

async function mount(columns: ColumnRecord[]) {
  appStore.getState().setResults('test', [], columns);
  const el = document.createElement('div');
  document.body.appendChild(el);
  const root = createRoot(el);
  await act(async () => {
    root.render(
      <ServicesContext.Provider value={{ store: appStore } as unknown as Services}>
        <ColumnTable />
      </ServicesContext.Provider>,
    );
  });
  const rows = Array.from(el.querySelectorAll('tbody tr'), (tr) =>
    Array.from(tr.querySelectorAll('td'), (td) => td.textContent),
  );
  const heads = Array.from(el.querySelectorAll('thead th'), (th) => th.textContent);
  return { el, root, rows, heads };
}

describe('ColumnTable', () => {
  it('shows censored seeds as a bound and counts them in the seed mean', async () => {
    const { el, root, rows, heads } = await mount([
      col(0, 3, 16),
      col(1, null, 16),
      col(2, null, 32),
    ]);
    // Records without a c_barrier (measured before it existed) get no c_barrier column.
    expect(heads).not.toContain('c_barrier');
    // Per seed: c_loss is 3, then "> c_max" for the two censored seeds.
    expect(rows.slice(0, 3).map((r) => r[5])).toEqual(['3', '> 16', '> 32']);
    const mean = rows[3]!;
    expect(mean[2]).toBe('mean of 3');
    expect(mean[5]).toBe('3 over 1 seen; > 16 (2 of 3 censored)');
    expect(mean[6]).toBe('4 ± 0');
    expect(mean[8]).toBe('30');
    await act(async () => root.unmount());
    el.remove();
  });
});

describe('ColumnTable: c_barrier', () => {
  it('adds a c_barrier column: the value, or "(c_max)" when no barrier was seen', async () => {
    const { el, root, rows, heads } = await mount([
      { ...col(0, 3, 16), c_barrier: 8, barrierFallback: false },
      { ...col(1, 3, 16), c_barrier: 16, barrierFallback: true, censored: ['c_barrier'] },
      { ...col(2, 3, 32), c_barrier: 32, barrierFallback: true, censored: ['c_barrier'] },
    ]);
    expect(heads.slice(5, 9)).toEqual(['c_loss', 'c_sharp', 'c_barrier', 'c_max']);
    expect(rows.slice(0, 3).map((r) => r[7])).toEqual(['8', '16 (c_max)', '32 (c_max)']);
    const fallback = el.querySelectorAll('tbody tr')[1]!.querySelectorAll('td')[7]!;
    expect(fallback.getAttribute('title')).toContain('no barrier seen: c_max used');
    // The seed mean is over the seed that saw a barrier; the other two are counted as c_max.
    expect(rows[3]![7]).toBe('8 over 1 seen; c_max 16 used for 2 of 3 (no barrier)');
    expect(rows[3]![8]).toBe('21.3 ± 9.24');
    await act(async () => root.unmount());
    el.remove();
  });
});
