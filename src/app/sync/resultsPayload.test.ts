import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runId } from '../../core/sweep/records';
import { fakeRun, fakeSweep, log2Grid } from '../charts/fixtures';
import { fromFloat16Bits, toFloat16Bits } from './float16';
import {
  MAX_INFLATED_BYTES,
  MAX_RESULTS_CHARS,
  decodeResults,
  encodeResults,
} from './resultsPayload';

const pack = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...deflateSync(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function payload(header: unknown, curves: Uint8Array = new Uint8Array()): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(7 + h.length + curves.length);
  bytes.set([0x50, 0x45, 0x01], 0);
  new DataView(bytes.buffer).setUint32(3, h.length, true);
  bytes.set(h, 7);
  bytes.set(curves, 7 + h.length);
  return bytes;
}

describe('float16', () => {
  it('round-trips exactly representable values and rounds others to 11 significant bits', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, 1024 + 1, -0.0999755859375])
      expect(fromFloat16Bits(toFloat16Bits(v))).toBeCloseTo(v, 12);
    for (const v of [Math.PI, 1e-3, 12345.678, -0.3]) {
      const back = fromFloat16Bits(toFloat16Bits(v));
      expect(Math.abs(back - v) / Math.abs(v)).toBeLessThanOrEqual(2 ** -11);
    }
    expect(fromFloat16Bits(toFloat16Bits(70000))).toBe(Infinity);
    expect(fromFloat16Bits(toFloat16Bits(NaN))).toBeNaN();
    // Ties go to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1);
    expect(fromFloat16Bits(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 * 2 ** -10);
  });
});

describe('results in a link', () => {
  const sweep = fakeSweep([2, 4], [16, 64, 256], [0], log2Grid(0.5, 7, 0.5));

  it('carries each record’s order seed J; a payload without J reads as the given data seed', () => {
    const j = (n: number) => ({
      runs: sweep.runs.slice(0, 3).map((r) => ({ ...r, orderSeed: n })),
      columns: sweep.columns.slice(0, 1).map((c) => ({ ...c, orderSeed: n })),
    });
    const mixed = [j(0), j(2)];
    const enc = encodeResults(
      mixed.flatMap((m) => m.runs),
      mixed.flatMap((m) => m.columns),
    );
    expect(enc.ok).toBe(true);
    if (!enc.ok) return;
    const dec = decodeResults(enc.text);
    expect(dec.ok && dec.runs.map((r) => r.orderSeed)).toEqual([0, 0, 0, 2, 2, 2]);
    expect(dec.ok && dec.columns.map((c) => c.orderSeed)).toEqual([0, 2]);
    expect(dec.ok && new Set(dec.runs.map(runId)).size).toBe(6);
    // J is written even when it is 0: the default only fills in older links.
    expect(dec.ok && decodeResults(enc.text, 5)).toEqual(dec);
    const run = [2, 16, 0, 1, 0.1, 10, 0.5, 0, null, 0, 1, 0, 0, 1, 1, 1];
    const col = [2, 16, 0, 10, 0.5, null, null, null, 1];
    const older = pack(payload({ r: [run], k: [col] }, new Uint8Array([0, 0x38, 0, 0x38])));
    const back = decodeResults(older, 5);
    expect(back.ok && [back.runs[0]!.orderSeed, back.columns[0]!.orderSeed]).toEqual([5, 5]);
  });

  it('round-trips runs and columns: same ids, regimes, scalars and curves to 0.05 %', () => {
    const enc = encodeResults(sweep.runs, sweep.columns);
    expect(enc.ok).toBe(true);
    if (!enc.ok) return;
    expect(enc.text).toMatch(/^[A-Za-z0-9_-]+$/);
    const dec = decodeResults(enc.text);
    expect(dec.ok).toBe(true);
    if (!dec.ok) return;
    expect(dec.runs.map(runId)).toEqual(sweep.runs.map(runId));
    expect(dec.columns).toEqual(sweep.columns);
    dec.runs.forEach((r, i) => {
      const src = sweep.runs[i]!;
      expect(r.regime).toBe(src.regime);
      expect(r.diverged).toBe(src.diverged);
      expect(r.divergedAt).toBe(src.divergedAt);
      expect(r.lambda0).toBeCloseTo(src.lambda0, 8);
      expect(r.lossRatioMax === null).toBe(src.lossRatioMax === null);
      if (src.lossRatioMax !== null) expect(r.lossRatioMax).toBeCloseTo(src.lossRatioMax, 9);
      r.loss.forEach((v, t) => {
        const want = src.loss[t] ?? null;
        if (want === null) expect(v).toBeNull();
        else expect(Math.abs((v as number) - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -11);
      });
      expect(r.sharpness.map((v) => v === null)).toEqual(src.sharpness.map((v) => v === null));
    });
  });

  it('keeps 11 significant bits for losses far beyond binary16 range', () => {
    const run = fakeRun({ depth: 2, width: 16, c: 1 });
    run.loss = [0.5, 1e5 * 0.99, 1e-3];
    run.sharpness = [run.lambda0, 2e6, 1e-3];
    const enc = encodeResults([run], []);
    if (!enc.ok) throw new Error('too large');
    const dec = decodeResults(enc.text);
    if (!dec.ok) throw new Error(dec.error);
    const back = dec.runs[0]!;
    expect(back.loss[1]! / 99000).toBeCloseTo(1, 3);
    expect(back.sharpness[1]! / 2e6).toBeCloseTo(1, 3);
    // Eight decades below the curve's largest value binary16 is still normal.
    expect(back.loss[2]! / 1e-3).toBeCloseTo(1, 3);
  });

  it('refuses to pack results above the limit and says how long they would be', () => {
    const enc = encodeResults(sweep.runs, sweep.columns, 200);
    expect(enc.ok).toBe(false);
    if (!enc.ok) {
      expect(enc.limit).toBe(200);
      expect(enc.chars).toBeGreaterThan(200);
    }
  });

  it('refuses hostile payloads whole, naming what is wrong', () => {
    const good = encodeResults(sweep.runs.slice(0, 2), []);
    if (!good.ok) throw new Error('too large');
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['x'.repeat(MAX_RESULTS_CHARS + 1), /at most 60,000/],
      ['abc$', /base64url/],
      ['AAAA', /not deflate|not a Phase Explorer/],
      [pack(new TextEncoder().encode('hello world')), /not a Phase Explorer payload/],
      [pack(payload('x')), /no run and column lists/],
      [pack(payload({ r: [[1, 2]], k: [] })), /run 1 .* 16 or 17 fields/],
      [
        pack(payload({ r: [[2, 16, 0, 1, 0.1, 10, 0.5, 0, null, 0, 5, 0, 0, 1, 1, 1]], k: [] })),
        /cut short \(run 1\)/,
      ],
      [
        pack(
          payload(
            { r: [[2, 16, 0, -1, 0.1, 10, 0.5, 0, null, 0, 1, 0, 0, 1, 1, 1]], k: [] },
            new Uint8Array(4),
          ),
        ),
        /run 1 in the link: "c" must be a positive number/,
      ],
      [
        pack(
          payload(
            { r: [[2, 16, 0, 1, 0.1, 10, 0.5, 0, null, 0, 1, 0, 0, 1, 1, 1]], k: [] },
            new Uint8Array(8),
          ),
        ),
        /bytes left over/,
      ],
      [pack(payload({ r: [], k: [[2, 16, 0, 10, 0.5, 'x', null, null, 3]] })), /column 1 .*c_loss/],
      [pack(payload({ r: [], k: new Array(20_001).fill(0) })), /20001 records/],
    ];
    for (const [text, message] of cases) {
      const dec = decodeResults(text);
      expect(dec.ok, text.slice(0, 30)).toBe(false);
      if (!dec.ok) expect(dec.error).toMatch(message);
    }
  });

  it('stops a deflate bomb at the inflate limit', () => {
    const bomb = pack(new Uint8Array(MAX_INFLATED_BYTES + 10));
    expect(bomb.length).toBeLessThan(MAX_RESULTS_CHARS);
    const dec = decodeResults(bomb);
    expect(dec.ok).toBe(false);
    if (!dec.ok) expect(dec.error).toMatch(/more than 4 MB/);
  });
});
