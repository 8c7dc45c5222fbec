import { describe, expect, it } from 'vitest';
import { cloneDefaults, formatField, parseField } from './codec';
import { DEFAULTS, GROUPS, MODEL_NAMES, SCHEMA, rowApplies, rowFor } from './schema';
import { MODEL_KINDS, modelInfo, type ModelSetting } from '../models/kinds';

describe('settings table', () => {
  it('lists, for each model setting, the models whose registry entry says it applies', () => {
    expect([...MODEL_NAMES].sort()).toEqual([...MODEL_KINDS].sort());
    const modelSettings: ModelSetting[] = [
      'activation',
      'param',
      'readout',
      'bias',
      'centered',
      'loss',
      'ensemble',
    ];
    for (const key of modelSettings)
      for (const m of MODEL_NAMES)
        expect(rowApplies(rowFor(key), m), `${key} on ${m}`).toBe(
          modelInfo(m).settings.includes(key),
        );
    // Depths matter to every model whose depth is not fixed; the stem only to ResNets.
    for (const m of MODEL_NAMES) {
      expect(rowApplies(rowFor('depths'), m), m).toBe(modelInfo(m).fixedDepth === undefined);
      expect(rowApplies(rowFor('stem'), m), m).toBe(m === 'resnet');
    }
  });

  it('names each setting, URL key and flag once', () => {
    for (const field of ['key', 'url', 'flag'] as const) {
      const names = SCHEMA.map((r) => r[field]);
      expect(new Set(names).size, field).toBe(names.length);
    }
    // `v` is the link's version field.
    expect(SCHEMA.map((r) => r.url)).not.toContain('v');
  });

  it('derives the defaults from the rows, each a valid value of its row', () => {
    expect(Object.keys(DEFAULTS)).toEqual(SCHEMA.map((r) => r.key));
    for (const row of SCHEMA) {
      const text = formatField(row, DEFAULTS[row.key]);
      const back = parseField(row, text);
      expect(back, `${row.key} = ${text}`).toEqual({ ok: true, value: DEFAULTS[row.key] });
    }
  });

  it('keeps the defaults frozen and hands out editable copies', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.widths)).toBe(true);
    expect(() => (DEFAULTS.widths as number[]).push(1)).toThrow(TypeError);
    const copy = cloneDefaults();
    copy.widths.push(1024);
    if (copy.cGrid.kind === 'log2') copy.cGrid.stop = 1;
    expect(copy.widths).not.toEqual(DEFAULTS.widths);
    expect(copy.cGrid).not.toEqual(DEFAULTS.cGrid);
  });

  it('places every row in a group and names only known models', () => {
    const groups = new Set<string>(GROUPS.map((g) => g.id));
    for (const row of SCHEMA) {
      expect(groups.has(row.group), row.key).toBe(true);
      for (const m of row.models ?? []) expect(MODEL_NAMES, row.key).toContain(m);
    }
    expect(rowFor('model').options).toEqual(MODEL_NAMES);
  });

  it('says which models a setting applies to (absent: all)', () => {
    expect(rowApplies(rowFor('depths'), 'fcn')).toBe(true);
    expect(rowApplies(rowFor('depths'), 'uv')).toBe(false);
    expect(rowApplies(rowFor('widths'), 'uv')).toBe(true);
    for (const m of MODEL_NAMES) expect(rowApplies(rowFor('model'), m)).toBe(true);
  });
});
