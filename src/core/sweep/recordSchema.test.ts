import { describe, expect, it } from 'vitest';
import { checkColumnRecord, checkResultRecord, checkRunRecord, RUN_FIELDS } from './recordSchema';
import type { RunRecord } from './records';

/** A run as an older CLI wrote it: only the fields every version has. */
const run = (): Record<string, unknown> => ({
  type: 'run',
  depth: 4,
  width: 64,
  seed: 1,
  c: 2.5,
  eta: 0.05,
  lambda0: 50,
  loss0: 0.5,
  diverged: false,
  regime: 'loss-catapult',
  loss: [0.5, 1, 0.25],
  sharpness: [50, 30, 20],
});

describe('record schema', () => {
  it('has a rule for every run field, each once', () => {
    const keys = RUN_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    // 18, plus the barrier curve, the saturation measure and the order seed J.
    expect(keys).toHaveLength(21);
  });

  it('keeps a run’s barrier and saturation, and refuses a malformed one', () => {
    const barrier = { losses: [0.5, 0.6, 0.4], height: 0.1, tauAtMax: 0.5 };
    const saturation = { K: 100, step: 50, loss: 0.2, sharpness: 3, iters: 7, residual: 1e-4 };
    const r = checkRunRecord({ ...run(), barrier, saturation });
    expect(r.ok).toBe(true);
    const v = (r as { value: RunRecord }).value;
    expect(v.barrier).toEqual(barrier);
    expect(v.saturation).toEqual(saturation);
    const bad = checkRunRecord({ ...run(), saturation: { ...saturation, step: 0 } });
    expect(bad.ok).toBe(false);
  });

  it('fills in what an older file lacks, recomputing the ratios from the series', () => {
    const r = checkRunRecord(run());
    expect(r.ok).toBe(true);
    const v = (r as { value: RunRecord }).value;
    expect(v.divergedAt).toBeNull();
    expect(v.seconds).toBe(0);
    expect(v.lanczosIters).toEqual([]);
    expect(v.lossRatioMax).toBe(2);
    expect(v.sharpRatioMax).toBeCloseTo(0.6, 12);
    expect(v.sharpRatioFinal).toBeCloseTo(0.4, 12);
  });

  it('reads J from the record, else from the writer’s data seed, and refuses a bad one', () => {
    expect(
      checkRunRecord(run()).ok && (checkRunRecord(run()) as { value: RunRecord }).value,
    ).toMatchObject({
      seed: 1,
      orderSeed: 0,
    });
    const old = checkResultRecord(run(), { orderSeed: 4 });
    expect(old.ok && old.value.orderSeed).toBe(4);
    const given = checkResultRecord({ ...run(), orderSeed: 2 }, { orderSeed: 4 });
    expect(given.ok && given.value.orderSeed).toBe(2);
    const col = checkResultRecord(
      {
        type: 'column',
        depth: 4,
        width: 64,
        seed: 0,
        lambda0: 5,
        loss0: 1,
        c_loss: null,
        c_sharp: null,
        c_max: 8,
      },
      { orderSeed: 3 },
    );
    expect(col.ok && col.value.orderSeed).toBe(3);
    expect(checkResultRecord({ ...run(), orderSeed: -1 })).toEqual({
      ok: false,
      error: '"orderSeed" must be a non-negative integer',
    });
    expect(checkResultRecord({ ...run(), orderSeed: '1' }).ok).toBe(false);
  });

  it('keeps ratios a file gives, null included', () => {
    const r = checkRunRecord({ ...run(), lossRatioMax: null, sharpRatioFinal: 0.7 });
    expect(r.ok && [r.value.lossRatioMax, r.value.sharpRatioFinal]).toEqual([null, 0.7]);
  });

  it('names the field that is wrong or missing', () => {
    const bad = (o: Record<string, unknown>) => {
      const r = checkResultRecord(o);
      return r.ok ? 'accepted' : r.error;
    };
    expect(bad({ ...run(), depth: 0 })).toBe('"depth" must be a positive integer');
    expect(bad({ ...run(), regime: 'banana' })).toContain('"regime" must be one of stable');
    const { eta: _eta, ...noEta } = run();
    expect(bad(noEta)).toBe('missing "eta"');
    expect(bad({ ...run(), sharpness: [1, 2] })).toBe('"loss" has 3 steps but "sharpness" has 2');
    expect(bad({ ...run(), loss: [] })).toBe('"loss" must be a list of numbers (or null)');
    expect(bad({ ...run(), divergedAt: 1.5 })).toBe('"divergedAt" must be a step or null');
    expect(bad({ ...run(), type: 'cell' })).toBe('unknown type "cell"');
    expect(bad({ depth: 4 })).toBe('missing "type"');
    expect(checkResultRecord([1, 2])).toEqual({ ok: false, error: 'not a JSON object' });
  });

  it('checks column records, with a missing run count read as 0', () => {
    const col = {
      type: 'column',
      depth: 4,
      width: 64,
      seed: 0,
      lambda0: 50,
      loss0: 0.5,
      c_loss: null,
      c_sharp: 3,
      c_max: 8,
    };
    const r = checkColumnRecord(col);
    expect(r.ok && r.value.runs).toBe(0);
    const neg = checkColumnRecord({ ...col, c_max: -1 });
    expect(neg).toEqual({ ok: false, error: '"c_max" must be a positive number or null' });
  });
});
