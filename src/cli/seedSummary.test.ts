import { describe, expect, it } from 'vitest';
import type { ColumnRecord } from '../core/sweep/records';
import { seedSummaryLines } from './main';

const col = (seed: number, orderSeed: number, c_loss: number | null): ColumnRecord => ({
  type: 'column',
  depth: 8,
  width: 64,
  seed,
  orderSeed,
  lambda0: 20,
  loss0: 0.5,
  c_loss,
  c_sharp: 4,
  c_max: 16,
  runs: 9,
});

describe('the CLI seed means', () => {
  it('averages each architecture over its (I, J) columns, censored ones counted', () => {
    const lines = seedSummaryLines([col(0, 0, 2), col(0, 1, 4), col(1, 0, null), col(1, 1, 3)]);
    expect(lines).toEqual([
      '  d=8 w=64, 4 columns (seeds 0,1 × order seeds 0,1): c_loss 3 ± 1 over 3 seen; > 16 (1 of 4 censored); c_sharp 4 ± 0; c_max 16 ± 0',
    ]);
  });

  it('says nothing for architectures with one column', () => {
    expect(seedSummaryLines([col(0, 0, 2), { ...col(0, 0, 2), width: 128 }])).toEqual([]);
  });
});
