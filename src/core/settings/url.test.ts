import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSettings, encodeSettings, MAX_HASH_CHARS } from './url';
import { cloneDefaults, expandCGrid, parseField } from './codec';
import { SCHEMA, rowFor, type Settings } from './schema';

describe('URL hash codec', () => {
  it('omits defaults: the default settings encode to the version alone', () => {
    expect(encodeSettings(cloneDefaults())).toBe('v=1');
  });

  it('round-trips changed settings', () => {
    const s: Settings = {
      ...cloneDefaults(),
      dataset: 'cifar10',
      depths: [2, 4, 8],
      widths: [64, 128, 256],
      cGrid: { kind: 'log2', start: 0, stop: 5, step: 0.25 },
      seeds: [0, 1, 2],
      activation: 'tanh',
      bias: true,
      lanczosTol: 0.001,
      batch: 512,
      trainSize: 4096,
      measureSize: 1024,
    };
    const hash = encodeSettings(s);
    expect(hash).toContain('ds=cifar10');
    expect(hash).toContain('d=2%2C4%2C8');
    const back = decodeSettings(`#${hash}`);
    expect(back.issues).toEqual([]);
    expect(back.settings).toEqual(s);
  });

  it('round-trips the order seeds list, and leaves it out while it is empty', () => {
    const s = { ...cloneDefaults(), dataSeeds: [0, 1, 2] };
    const hash = encodeSettings(s);
    expect(hash).toContain('dseeds=0%2C1%2C2');
    const back = decodeSettings(hash);
    expect(back.issues).toEqual([]);
    expect(back.settings.dataSeeds).toEqual([0, 1, 2]);
    expect(encodeSettings({ ...cloneDefaults(), dataSeeds: [] })).not.toContain('dseeds');
    // An empty value is the empty list; a bad one falls back with the field named.
    expect(decodeSettings('#dseeds=').settings.dataSeeds).toEqual([]);
    const bad = decodeSettings('#dseeds=1,x');
    expect(bad.settings.dataSeeds).toEqual([]);
    expect(bad.issues[0]?.message).toMatch(/^Order seeds: "x" is not an integer/);
    // Lists that may not be empty still refuse it.
    expect(decodeSettings('#s=').issues[0]?.message).toMatch(/^Init seeds: no values/);
  });

  it('falls back per field and names the bad field', () => {
    const { settings, issues } = decodeSettings('#v=1&ds=imagenet&d=2,4&w=abc&t=20');
    expect(settings.dataset).toBe('mnist');
    expect(settings.depths).toEqual([2, 4]);
    expect(settings.widths).toEqual(cloneDefaults().widths);
    expect(settings.steps).toBe(20);
    expect(issues.map((i) => i.key).sort()).toEqual(['dataset', 'widths']);
    expect(issues.find((i) => i.key === 'dataset')!.message).toMatch(/Dataset.*imagenet/);
  });

  it('refuses out-of-range values rather than clamping them', () => {
    const { settings, issues } = decodeSettings('t=0&bs=100000&c=log2:0:99:0.001');
    expect(settings.steps).toBe(cloneDefaults().steps);
    expect(settings.batch).toBe(cloneDefaults().batch);
    expect(settings.cGrid).toEqual(cloneDefaults().cGrid);
    expect(issues).toHaveLength(3);
  });

  it('reports unknown fields, bad versions and undecodable escapes', () => {
    const { issues } = decodeSettings('v=99&zz=1&d=%E0%A4%A');
    expect(issues.some((i) => i.key === 'v')).toBe(true);
    expect(issues.some((i) => i.message.includes('"zz"'))).toBe(true);
    expect(issues.some((i) => i.message.includes('could not decode'))).toBe(true);
  });

  it('ignores an over-long link as a whole', () => {
    const { settings, issues } = decodeSettings(`d=2&x=${'a'.repeat(MAX_HASH_CHARS)}`);
    expect(settings).toEqual(cloneDefaults());
    expect(issues[0]!.key).toBe('hash');
  });

  it('reconciles B and M with N, saying so', () => {
    const { settings, issues } = decodeSettings('n=100&bs=512&mm=256');
    expect(settings.batch).toBe(100);
    expect(settings.measureSize).toBe(100);
    expect(issues.map((i) => i.key).sort()).toEqual(['batch', 'measureSize']);
  });

  it('never throws and always yields valid settings, whatever the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string({ unit: 'binary' })), (text) => {
        const { settings, issues } = decodeSettings(text);
        expect(Array.isArray(issues)).toBe(true);
        for (const row of SCHEMA) {
          // Every field re-encodes and re-parses to itself: it is a valid value of its row.
          const enc = decodeSettings(encodeSettings(settings));
          expect(enc.settings[row.key]).toEqual(settings[row.key]);
        }
        expect(settings.batch).toBeLessThanOrEqual(settings.trainSize);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes random key=value soups built from real keys', () => {
    const keys = SCHEMA.map((r) => r.url);
    const pair = fc.tuple(fc.constantFrom(...keys, 'v', 'junk'), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 12 }), (pairs) => {
        const hash = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const { settings } = decodeSettings(hash);
        const again = decodeSettings(encodeSettings(settings));
        expect(again.settings).toEqual(settings);
      }),
      { numRuns: 300 },
    );
  });
});

describe('c grid', () => {
  it('expands log2:0:1:0.25 to 2^x without float drift', () => {
    const cs = expandCGrid({ kind: 'log2', start: 0, stop: 1, step: 0.25 });
    expect(cs).toHaveLength(5);
    expect(cs[0]).toBe(1);
    expect(cs[4]).toBe(2);
    expect(cs[2]).toBeCloseTo(Math.SQRT2, 12);
  });

  it('parses lists, sorts and de-duplicates them, and rejects junk', () => {
    const row = rowFor('cGrid');
    const ok = parseField(row, '4, 1,2,2');
    expect(ok).toEqual({ ok: true, value: { kind: 'list', values: [1, 2, 4] } });
    for (const bad of ['', 'log2:1:0:0.1', 'log2:0:1:0', 'log2:0:1', '1,,2', '-1', '1e999', 'NaN'])
      expect(parseField(row, bad).ok).toBe(false);
  });
});
