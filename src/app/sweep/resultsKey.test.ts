import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import { resultsKey, runSettingsText } from './resultsKey';

describe('results key', () => {
  const base = cloneDefaults();
  it('changes with settings that change what a run computes', () => {
    expect(resultsKey({ ...base, depths: [3] }, 'builtin')).not.toBe(resultsKey(base, 'builtin'));
    expect(resultsKey(base, 'files')).not.toBe(resultsKey(base, 'builtin'));
  });
  it('ignores display-only and execution-only settings', () => {
    expect(resultsKey({ ...base, axis: '1/w' }, 'builtin')).toBe(resultsKey(base, 'builtin'));
    expect(resultsKey({ ...base, ensemble: 8 }, 'builtin')).toBe(resultsKey(base, 'builtin'));
  });
  it('leaves out a row added later while it holds its default, so older results keep their key', () => {
    expect(runSettingsText(base, 'builtin')).not.toContain('stem=');
    const resnet = { ...base, model: 'resnet' as const, depths: [18] };
    expect(runSettingsText({ ...resnet, stem: 'cifar' }, 'builtin')).toContain('stem=cifar');
    expect(resultsKey({ ...resnet, stem: 'cifar' }, 'builtin')).not.toBe(
      resultsKey(resnet, 'builtin'),
    );
  });
  it('keeps the key of results from before order seeds; a list of them is a new key', () => {
    expect(runSettingsText(base, 'builtin')).not.toContain('dseeds=');
    expect(runSettingsText({ ...base, dataSeeds: [0, 1] }, 'builtin')).toContain('dseeds=0,1');
    expect(resultsKey({ ...base, dataSeeds: [0, 1] }, 'builtin')).not.toBe(
      resultsKey(base, 'builtin'),
    );
  });
});
