import { describe, expect, it } from 'vitest';
import type { ColumnRecord } from '../sweep/records';
import {
  boundaryValues,
  formatCritical,
  seedValue,
  spread,
  summarizeColumns,
  summarizeCritical,
} from './summary';

const col = (
  seed: number,
  c_loss: number | null,
  c_max: number | null = 12,
  c_sharp: number | null = null,
  width = 64,
): ColumnRecord => ({
  type: 'column',
  depth: 4,
  width,
  seed,
  orderSeed: 0,
  lambda0: 10 + seed,
  loss0: 0.5,
  c_loss,
  c_sharp,
  c_max,
  runs: 10,
});

const fmt = (v: number) => String(Number(v.toPrecision(3)));

describe('spread', () => {
  it('computes mean and sample spread of the finite values', () => {
    expect(spread([1, 2, 3, null])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(spread([null, Number.NaN])).toEqual({ mean: null, std: null, n: 0 });
    expect(spread([5])).toEqual({ mean: 5, std: 0, n: 1 });
  });
});

describe('censored critical values', () => {
  it('reads an event that never happened before the divergence as above c_max', () => {
    expect(seedValue(col(0, 3), 'c_loss')).toEqual({ kind: 'seen', c: 3 });
    expect(seedValue(col(0, null, 16), 'c_loss')).toEqual({ kind: 'censored', above: 16 });
    // Nothing diverged yet: neither a value nor a bound.
    expect(seedValue(col(0, null, null), 'c_loss')).toEqual({ kind: 'unknown' });
    expect(seedValue(col(0, 3, null), 'c_max')).toEqual({ kind: 'unknown' });
  });

  it('counts censored seeds instead of dropping them', () => {
    const s = summarizeCritical([col(0, 3), col(1, 5), col(2, null, 16)], 'c_loss');
    expect(s.seeds).toBe(3);
    expect(s.seen).toEqual({ mean: 4, std: Math.SQRT2, n: 2 });
    expect(s.censored).toBe(1);
    expect(s.above).toBe(16);
    expect(s.unknown).toBe(0);
    expect([s.min, s.max]).toEqual([3, 5]);
  });

  it('bounds all censored values by the smallest c_max among them', () => {
    const s = summarizeCritical([col(0, null, 16), col(1, null, 8), col(2, null, 11)], 'c_sharp');
    expect(s.seen.n).toBe(0);
    expect(s.seen.mean).toBeNull();
    expect(s.censored).toBe(3);
    expect(s.above).toBe(8);
  });

  it('says in words what was seen and what was censored', () => {
    expect(formatCritical(summarizeCritical([col(0, 3), col(1, 5)], 'c_loss'), fmt)).toBe(
      '4 ± 1.41',
    );
    expect(
      formatCritical(summarizeCritical([col(0, null, 16), col(1, null, 16)], 'c_loss'), fmt),
    ).toBe('> 16 (2 of 2 censored)');
    expect(
      formatCritical(
        summarizeCritical([col(0, 3), col(1, null, 16), col(2, null, 32)], 'c_loss'),
        fmt,
      ),
    ).toBe('3 over 1 seen; > 16 (2 of 3 censored)');
    expect(formatCritical(summarizeCritical([col(0, 3), col(1, null, null)], 'c_loss'), fmt)).toBe(
      '3 over 1 seen; 1 not reached',
    );
    expect(formatCritical(summarizeCritical([col(0, null, null)], 'c_loss'), fmt)).toBe('—');
  });
});

describe('c_barrier over seeds', () => {
  const barrier = (
    seed: number,
    c_barrier: number | null | undefined,
    barrierFallback: boolean,
    c_max: number | null = 12,
  ): ColumnRecord => {
    const c = col(seed, 3, c_max);
    if (c_barrier !== undefined) c.c_barrier = c_barrier;
    c.barrierFallback = barrierFallback;
    return c;
  };

  it('reads the c_max fallback as censored above c_max, not as a value', () => {
    expect(seedValue(barrier(0, 6, false), 'c_barrier')).toEqual({ kind: 'seen', c: 6 });
    expect(seedValue(barrier(0, 12, true), 'c_barrier')).toEqual({ kind: 'censored', above: 12 });
    // Not measured (the setting off, or a record from before it existed): nothing known.
    expect(seedValue(barrier(0, null, false), 'c_barrier')).toEqual({ kind: 'unknown' });
    expect(seedValue(barrier(0, undefined, false), 'c_barrier')).toEqual({ kind: 'unknown' });
    expect(seedValue(col(0, 3), 'c_barrier')).toEqual({ kind: 'unknown' });
    // A fallback without a c_max carries no bound.
    expect(seedValue(barrier(0, null, true, null), 'c_barrier')).toEqual({ kind: 'unknown' });
  });

  it('summarises seen values and fallbacks as the other critical values', () => {
    const s = summarizeCritical(
      [
        barrier(0, 4, false),
        barrier(1, 6, false),
        barrier(2, 16, true, 16),
        barrier(3, 9, true, 9),
      ],
      'c_barrier',
    );
    expect(s.seeds).toBe(4);
    expect(s.seen).toEqual({ mean: 5, std: Math.SQRT2, n: 2 });
    expect(s.censored).toBe(2);
    expect(s.above).toBe(9);
    expect(formatCritical(s, fmt)).toBe('5 ± 1.41 over 2 seen; > 9 (2 of 4 censored)');
  });
});

describe('summarizeColumns', () => {
  it('groups columns by architecture, in depth-then-width order', () => {
    const groups = summarizeColumns([col(0, 3, 12, null, 128), col(0, 3), col(1, 5), col(2, null)]);
    expect(groups.map((g) => g.width)).toEqual([64, 128]);
    const g = groups[0]!;
    expect(g.seeds).toEqual([0, 1, 2]);
    expect(g.c_loss.seen).toEqual({ mean: 4, std: Math.SQRT2, n: 2 });
    expect(g.c_loss.censored).toBe(1);
    expect(g.c_sharp.censored).toBe(3);
    expect(g.c_max.seen.mean).toBe(12);
    expect(g.lambda0.mean).toBe(11);
    expect(g.runs).toBe(30);
  });
});

describe('summarizeColumns over (I, J) pairs', () => {
  it('keeps each pair’s critical values, then averages over all pairs, censored ones counted', () => {
    const pair = (seed: number, orderSeed: number, c_loss: number | null): ColumnRecord => ({
      ...col(seed, c_loss),
      orderSeed,
    });
    // Given out of order: the summary lists the pairs as (I, then J).
    const g = summarizeColumns([pair(1, 1, null), pair(0, 1, 3), pair(1, 0, 5), pair(0, 0, 2)]);
    expect(g).toHaveLength(1);
    const s = g[0]!;
    expect(s.seeds).toEqual([0, 1]);
    expect(s.orderSeeds).toEqual([0, 1]);
    expect(s.pairs.map((p) => `${p.seed}/${p.orderSeed}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
    expect(s.pairs.map((p) => p.c_loss)).toEqual([
      { kind: 'seen', c: 2 },
      { kind: 'seen', c: 3 },
      { kind: 'seen', c: 5 },
      { kind: 'censored', above: 12 },
    ]);
    expect(s.c_loss.seeds).toBe(4);
    expect(s.c_loss.censored).toBe(1);
    expect(s.c_loss.seen.n).toBe(3);
    expect(s.c_loss.seen.mean).toBeCloseTo(10 / 3, 12);
    expect(s.c_loss.seen.std).toBeCloseTo(Math.sqrt(7 / 3), 12);
    expect(s.lambda0.n).toBe(4);
  });
});

describe('boundaryValues', () => {
  it('gives one mean per architecture and leaves out those with a censored seed', () => {
    const summaries = summarizeColumns([
      col(0, 3, 12, null, 64),
      col(1, 5, 12, null, 64),
      col(0, 2, 12, null, 128),
      col(1, null, 12, null, 128),
      col(0, null, null, null, 256),
    ]);
    expect(boundaryValues(summaries, 'c_loss')).toEqual([{ depth: 4, width: 64, c: 4 }]);
    expect(boundaryValues(summaries, 'c_max').map((v) => v.width)).toEqual([64, 128]);
  });
});
