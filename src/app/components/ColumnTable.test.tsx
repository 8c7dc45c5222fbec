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

describe('ColumnTable', () => {
  it('shows censored seeds as a bound and counts them in the seed mean', async () => {
    appStore.getState().setResults('test', [], [col(0, 3, 16), col(1, null, 16), col(2, null, 32)]);
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
