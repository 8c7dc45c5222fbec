import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ALL_KEYS,
  CHECKS,
  checkApplies,
  conflictFixWords,
  conflictWords,
  editSetting,
  nameByFlag,
  nameByLabel,
  runChecks,
  type CheckId,
} from './checks';
import { cloneDefaults } from './codec';
import { SCHEMA, type Row, type SettingKey, type Settings } from './schema';
import { decodeSettings } from './url';

/** For each rule: a link that breaks it, and an edit from the defaults that breaks it. */
const BREAKING: Record<CheckId, { hash: string; edit: [SettingKey, Settings[SettingKey]] }> = {
  'uv-is-its-own-dataset': { hash: 'm=fcn&ds=uv', edit: ['model', 'uv'] },
  'depths-fit-model': { hash: 'm=myrtle&d=3,5', edit: ['model', 'resnet'] },
  'batch-within-train-size': { hash: 'bs=512&n=100', edit: ['batch', 2049] },
  'measure-within-train-size': { hash: 'mm=256&n=100&bs=64', edit: ['measureSize', 2049] },
};

/** The settings before any fix: the link's fields on the defaults, as the decoder reads them. */
function raw(hash: string): Settings {
  const s: Record<string, unknown> = cloneDefaults();
  for (const pair of hash.split('&')) {
    const [url, text] = pair.split('=') as [string, string];
    const row = SCHEMA.find((r) => r.url === url)!;
    s[row.key] = decodeSettings(`${url}=${text}`).settings[row.key];
  }
  return s as Settings;
}

describe('depths that fit the model', () => {
  it('follow a new model without a word, keeping the depths it has', () => {
    const edit = editSetting({ ...cloneDefaults(), depths: [2, 7] }, 'model', 'myrtle');
    expect(edit.refused).toBeNull();
    expect(edit.settings.depths).toEqual([7]);
    expect(editSetting(cloneDefaults(), 'model', 'resnet').settings.depths).toEqual([18]);
    // A link naming only the model opens with the model's depths, without a notice.
    const link = decodeSettings('m=resnet');
    expect(link.settings.depths).toEqual([18]);
    expect(link.issues).toEqual([]);
  });

  it('refuse a depth the model does not have, naming the depths it has', () => {
    const myrtle = editSetting(cloneDefaults(), 'model', 'myrtle').settings;
    const edit = editSetting(myrtle, 'depths', [5, 6]);
    expect(edit.refused?.check.id).toBe('depths-fit-model');
    expect(conflictWords(edit.refused!, nameByLabel)).toBe(
      'depths d = 5,6 does not fit model = myrtle: Myrtle CNN depth must be one of 5, 7, 10, got 6',
    );
    expect(editSetting(myrtle, 'depths', [5, 10]).refused).toBeNull();
    // Any depth ≥ 1 fits an FCN, so going back keeps the depths.
    expect(editSetting({ ...myrtle, depths: [10] }, 'model', 'fcn').settings.depths).toEqual([10]);
  });
});

describe('settings checks', () => {
  it('have distinct ids and read only settings of the table', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    expect(Object.keys(BREAKING).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    for (const c of CHECKS)
      for (const k of c.keys) expect(ALL_KEYS.has(k), `${c.id} ${k}`).toBe(true);
  });

  describe.each(CHECKS.map((c) => [c.id, c] as const))('%s', (id, check) => {
    const { hash } = BREAKING[id];
    const before = raw(hash);

    it('is broken by its example and holds for the defaults', () => {
      expect(check.holds(before)).toBe(false);
      expect(check.holds(cloneDefaults())).toBe(true);
    });

    it('the link decoder fixes it and says so, in the words of the rule', () => {
      const { settings, issues } = decodeSettings(hash);
      expect(check.holds(settings)).toBe(true);
      const words = check.words(before, nameByLabel);
      const issue = issues.find((i) => i.message.startsWith(words));
      expect(issue, JSON.stringify(issues)).toBeDefined();
      expect(issue!.message).toMatch(/; using /);
      expect(check.keys).toContain(issue!.key);
    });

    it('the form refuses an edit that breaks it, in the same words as the link notice', () => {
      const [key, value] = BREAKING[id].edit;
      const d = cloneDefaults();
      const edit = editSetting(d, key, value);
      if (check.mode === 'refuse') {
        expect(edit.refused?.check.id).toBe(id);
        expect(conflictWords(edit.refused!, nameByLabel)).toBe(
          check.words({ ...d, [key]: value }, nameByLabel),
        );
      } else {
        // A follower is not refused: it follows the setting edited.
        expect(edit.refused).toBeNull();
        expect(edit.settings[key]).toEqual(value);
        expect(check.holds(edit.settings)).toBe(true);
      }
    });
  });

  it('the words are one sentence with the names filled in, whoever reads them', () => {
    const tag = (k: SettingKey) => `<${k}>`;
    for (const c of CHECKS) {
      const s = raw(BREAKING[c.id].hash);
      const strip = (text: string, name: (k: SettingKey, v: Settings[SettingKey]) => string) =>
        c.keys.reduce((t, k) => t.replace(name(k, s[k]), tag(k)), text);
      expect(strip(c.words(s, nameByFlag), nameByFlag)).toBe(
        strip(c.words(s, nameByLabel), nameByLabel),
      );
    }
  });

  it('the uv coupling: the side set wins silently; both given and contradicting is reported', () => {
    expect(decodeSettings('ds=uv')).toMatchObject({ settings: { model: 'uv' }, issues: [] });
    expect(decodeSettings('m=uv')).toMatchObject({ settings: { dataset: 'uv' }, issues: [] });
    const both = decodeSettings('ds=mnist&m=uv');
    expect(both.settings).toMatchObject({ dataset: 'uv', model: 'uv' });
    expect(both.issues).toEqual([
      {
        key: 'dataset',
        message:
          'model = uv contradicts dataset = mnist: the uv model is its own dataset; using dataset = uv',
      },
    ]);
    const s = { ...cloneDefaults(), model: 'uv' as const, dataset: 'uv' as const };
    expect(editSetting(s, 'dataset', 'cifar10').settings).toMatchObject({ model: 'fcn' });
    expect(editSetting(s, 'model', 'fcn').settings).toMatchObject({ dataset: 'mnist' });
  });

  it('a rule over settings the model does not use is fixed without a word', () => {
    const batch = CHECKS.find((c) => c.id === 'batch-within-train-size')!;
    expect(checkApplies(batch, 'uv')).toBe(false);
    expect(checkApplies(batch, 'fcn')).toBe(true);
    const { settings, issues } = decodeSettings('ds=uv&m=uv&bs=4096');
    expect(issues).toEqual([]);
    expect(settings.batch).toBe(settings.trainSize);
  });

  it('fix words name what changed, e.g. B = N', () => {
    const { conflicts } = runChecks(
      { ...cloneDefaults(), batch: 512, trainSize: 100, measureSize: 64 },
      ALL_KEYS,
    );
    expect(conflicts).toHaveLength(1);
    expect(conflictFixWords(conflicts[0]!, nameByLabel)).toBe(
      'batch B = 512 exceeds training examples N = 100; using batch B = 100',
    );
  });

  it('whatever the settings and whichever were given, the result keeps every rule and is settled', () => {
    fc.assert(
      fc.property(arbSettings(), fc.subarray(SCHEMA.map((r) => r.key)), (s, given) => {
        const { settings, conflicts } = runChecks(s, new Set(given));
        for (const c of CHECKS) expect(c.holds(settings), c.id).toBe(true);
        // Only rules that apply to the model being checked are reported.
        for (const c of conflicts) expect(checkApplies(c.check, c.before.model)).toBe(true);
        const again = runChecks(settings, ALL_KEYS);
        expect(again.conflicts).toEqual([]);
        expect(again.settings).toEqual(settings);
      }),
      { numRuns: 500 },
    );
  });
});

/** Any valid value of each row (cross-field rules not applied). */
function arbSettings(): fc.Arbitrary<Settings> {
  const arb = (row: Row): fc.Arbitrary<unknown> => {
    switch (row.kind) {
      case 'enum':
        return fc.constantFrom(...(row.options as readonly string[]));
      case 'bool':
        return fc.boolean();
      case 'int':
        return fc.integer({ min: row.min, max: Math.min(row.max, 5000) });
      case 'number':
        return fc.double({ min: row.min, max: row.max, noNaN: true });
      case 'intList':
        return fc.uniqueArray(fc.integer({ min: row.min, max: row.max }), {
          minLength: 1,
          maxLength: 4,
        });
      case 'cGrid':
        return fc.constant(cloneDefaults().cGrid);
    }
  };
  return fc.record(
    Object.fromEntries(SCHEMA.map((r) => [r.key, arb(r)])),
  ) as fc.Arbitrary<Settings>;
}
