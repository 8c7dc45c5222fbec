import { describe, expect, it } from 'vitest';
import { conflicts } from '../core/settings/checks';
import { formatField, parseField } from '../core/settings/codec';
import { DEFAULTS, SCHEMA } from '../core/settings/schema';
import { decodeSettings, encodeSettings } from '../core/settings/url';
import { PRESETS } from './presets';

describe('presets', () => {
  it('the quick demo is the defaults', () => {
    expect(PRESETS[0]!.settings).toEqual(DEFAULTS);
  });

  it.each(PRESETS.map((p) => [p.label, p] as const))(
    '%s is valid and survives a link',
    (_label, p) => {
      for (const row of SCHEMA) {
        const text = formatField(row, p.settings[row.key]);
        expect(parseField(row, text).ok, `${row.key} = ${text}`).toBe(true);
      }
      expect(conflicts(p.settings)).toEqual([]);
      const back = decodeSettings(encodeSettings(p.settings));
      expect(back.issues).toEqual([]);
      expect(back.settings).toEqual(p.settings);
    },
  );

  it('the paper preset is the validation scale, asks for CIFAR-10 to compute, and the four-regimes preset shows raw λ', () => {
    const paper = PRESETS.find((p) => p.id === 'paper-cifar')!;
    expect(paper.needsFile).toBe('cifar10');
    expect(paper.shipped).toBe(true);
    expect(paper.settings).toMatchObject({
      widths: [32, 64, 128, 256],
      depths: [8],
      measureSize: 256,
      trainSize: 10000,
      search: 'bisect',
    });
    const four = PRESETS.find((p) => p.id === 'four-regimes')!;
    expect(four.view?.rawSharpness).toBe(true);
    expect(four.settings.steps).toBeGreaterThanOrEqual(500);
  });
});
