import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSettings, encodeSettings } from '../core/settings/url';
import { parseResultsText } from './io/importResults';
import { loadPrecomputed, startPrecomputed, type PrecomputedEntry } from './precomputed';
import { createAppStore } from './store/store';
import { resultsKey } from './sweep/resultsKey';
import { PRESETS, presetById } from './presets';
import { runSettingsText } from './sweep/resultsKey';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public/precomputed');
const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as PrecomputedEntry[];

describe('precomputed results shipped with the app', () => {
  it('ship the quick demo', () => {
    expect(index.map((e) => e.preset)).toContain('quick');
  });

  it('ship a file for exactly the presets marked `shipped` (their buttons skip the file picker)', () => {
    const marked = PRESETS.filter((p) => p.shipped === true).map((p) => p.id);
    expect(index.map((e) => e.preset).sort()).toEqual([...marked].sort());
  });

  for (const entry of index) {
    it(`${entry.file} was made with its preset's current settings`, () => {
      const preset = presetById(entry.preset);
      expect(preset, `no preset ${entry.preset}`).toBeDefined();
      const now = encodeSettings(preset!.settings);
      expect(
        runSettingsText(decodeSettings(entry.hash).settings, 'builtin'),
        `stale: run \`npx tsx scripts/buildPrecomputed.ts ${entry.preset} '${now}'\``,
      ).toBe(runSettingsText(preset!.settings, 'builtin'));
    });

    it(`${entry.file}: every record valid, on the preset's grid, counts as recorded`, () => {
      const preset = presetById(entry.preset);
      expect(preset).toBeDefined();
      const s = preset!.settings;
      const parsed = parseResultsText(readFileSync(path.join(dir, entry.file), 'utf8'));
      expect(parsed.rejected).toEqual([]);
      expect(parsed.runs.length).toBe(entry.runs);
      expect(parsed.columns.length).toBe(entry.columns);
      expect(parsed.columns.length).toBe(s.depths.length * s.widths.length * s.seeds.length);
      for (const r of parsed.runs) {
        expect(s.depths).toContain(r.depth);
        expect(s.widths).toContain(r.width);
        // A diverged run stops early; every other one has all T + 1 points.
        if (r.diverged) expect(r.loss.length).toBeLessThanOrEqual(s.steps + 1);
        else expect(r.loss.length).toBe(s.steps + 1);
        if (s.cGrid.kind === 'log2') {
          const x = (Math.log2(r.c) - s.cGrid.start) / s.cGrid.step;
          expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-9);
        }
      }
    });
  }

  it('loadPrecomputed finds the file for matching settings only, and refuses a bad index', async () => {
    const files: Record<string, string> = {
      '/precomputed/index.json': readFileSync(path.join(dir, 'index.json'), 'utf8'),
      '/precomputed/quick.jsonl': readFileSync(path.join(dir, 'quick.jsonl'), 'utf8'),
    };
    const fetchText = (url: string) => Promise.resolve(files[url] ?? null);
    const quick = runSettingsText(presetById('quick')!.settings, 'builtin');
    const found = await loadPrecomputed(quick, fetchText, '/');
    expect(found?.runs.length).toBe(index.find((e) => e.preset === 'quick')!.runs);
    expect(await loadPrecomputed(quick.replace('t=10', 't=11'), fetchText, '/')).toBeNull();
    expect(await loadPrecomputed(quick, () => Promise.resolve('{'), '/')).toBeNull();
    const evil = JSON.stringify([{ ...index[0], file: '../../secret.jsonl' }]);
    expect(
      await loadPrecomputed(
        quick,
        (u) => Promise.resolve(u.endsWith('index.json') ? evil : 'x'),
        '/',
      ),
    ).toBeNull();
  });

  it('shows the shipped results when empty results load for a shipped preset, not after they give way', async () => {
    const files: Record<string, string> = {
      '/precomputed/index.json': readFileSync(path.join(dir, 'index.json'), 'utf8'),
      '/precomputed/quick.jsonl': readFileSync(path.join(dir, 'quick.jsonl'), 'utf8'),
    };
    const store = createAppStore();
    startPrecomputed(store, (url) => Promise.resolve(files[url] ?? null));
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const key = resultsKey(store.getState().settings, 'builtin');
    store.getState().setResults(key, [], []);
    await settle();
    expect(store.getState().imported?.source).toBe('precomputed');
    expect(Object.keys(store.getState().runs)).toHaveLength(index[0]!.runs);
    // Hide / Run: the services drop the import and load this browser's own (empty) results.
    store.setState({ imported: null, resultsKey: null });
    store.getState().setResults(key, [], []);
    await settle();
    expect(store.getState().imported).toBeNull();
    // Another shipped preset's settings (a preset's button): its file is shown.
    files['/precomputed/zero-readout.jsonl'] = readFileSync(
      path.join(dir, 'zero-readout.jsonl'),
      'utf8',
    );
    store.getState().replaceSettings(presetById('zero-readout')!.settings);
    store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
    await settle();
    expect(store.getState().imported?.name).toBe('Zero output at init');
    store.setState({ imported: null, resultsKey: null });
    // Settings without a shipped file: nothing is shown.
    store.getState().setSetting('steps', 11);
    store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
    await settle();
    expect(store.getState().imported).toBeNull();
  });
});
