import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { dataSourceFor, type DataSource } from './source';

function on(over: Partial<Settings>): Settings {
  return { ...cloneDefaults(), ...over };
}

const keyOf = (s: DataSource): string | null => (s.kind === 'none' ? null : s.key);

describe('dataSourceFor', () => {
  it('loads nothing for the uv model', () => {
    expect(dataSourceFor(on({ model: 'uv', dataset: 'uv' }))).toEqual({ kind: 'none' });
    expect(dataSourceFor(on({ model: 'uv', dataset: 'mnist' }))).toEqual({ kind: 'none' });
    expect(dataSourceFor(on({ model: 'fcn', dataset: 'uv' }))).toEqual({ kind: 'none' });
  });

  it('makes N synthetic records from the data seed', () => {
    expect(dataSourceFor(on({ dataset: 'synthetic', trainSize: 300, dataSeed: 7 }))).toEqual({
      kind: 'synthetic',
      count: 300,
      seed: 7,
      trainSize: 300,
      key: 'synthetic:7:300',
    });
  });

  it('takes MNIST from the built-in file unless the user files are asked for', () => {
    const s = on({ dataset: 'mnist', trainSize: 512 });
    expect(dataSourceFor(s)).toEqual({
      kind: 'builtin-mnist',
      trainSize: 512,
      key: 'builtin-mnist:512',
    });
    expect(dataSourceFor(s, 'files')).toEqual({
      kind: 'files',
      dataset: 'mnist',
      trainSize: 512,
      key: 'files:mnist:512',
    });
  });

  it('takes Fashion-MNIST and CIFAR-10 from user files, whatever the MNIST source', () => {
    for (const dataset of ['fashion-mnist', 'cifar10'] as const) {
      for (const mnist of ['builtin', 'files'] as const) {
        const source = dataSourceFor(on({ dataset, trainSize: 64 }), mnist);
        expect(source).toEqual({
          kind: 'files',
          dataset,
          trainSize: 64,
          key: `files:${dataset}:64`,
        });
      }
    }
  });

  it('gives equal keys exactly for equal data', () => {
    const base = on({ dataset: 'synthetic', trainSize: 100, dataSeed: 1 });
    // Settings that do not change the data do not change the key.
    const otherSweep: Settings = { ...base, widths: [8], seeds: [5], steps: 3 };
    expect(keyOf(dataSourceFor(otherSweep))).toBe(keyOf(dataSourceFor(base)));
    const variants: Settings[] = [
      base,
      { ...base, trainSize: 101 },
      { ...base, dataSeed: 2 },
      { ...base, dataset: 'mnist' },
      { ...base, dataset: 'mnist', trainSize: 101 },
      { ...base, dataset: 'cifar10' },
      { ...base, dataset: 'fashion-mnist' },
    ];
    const keys = variants.map((s) => keyOf(dataSourceFor(s)));
    keys.push(keyOf(dataSourceFor({ ...base, dataset: 'mnist' }, 'files')));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
