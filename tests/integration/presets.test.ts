/**
 * Presets hold what their words promise: each preset's settings run through the CLI (or, for the
 * quick demo, the zero readout and the Paper preset, the CLI's own output shipped in
 * public/precomputed/) and the result is compared with the description. Presets that need hours
 * or 500 steps (four regimes) are not run here; their words are checked by docs/VALIDATION.md's
 * run instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { cloneDefaults, formatField, sameValue } from '../../src/core/settings/codec';
import { SCHEMA, type Settings } from '../../src/core/settings/schema';
import type { ColumnRecord, RunRecord } from '../../src/core/sweep/records';
import { parseResultsText } from '../../src/app/io/importResults';
import { presetById } from '../../src/app/presets';

const repoRoot = path.resolve(__dirname, '../..');

function flagsFor(settings: Settings): string[] {
  const defaults = cloneDefaults();
  const argv: string[] = [];
  for (const row of SCHEMA) {
    if (!row.affectsRuns || sameValue(row, settings[row.key], defaults[row.key])) continue;
    argv.push(`--${row.flag}`, formatField(row, settings[row.key]));
  }
  return argv;
}

async function runPreset(id: string): Promise<{ runs: RunRecord[]; columns: ColumnRecord[] }> {
  const preset = presetById(id);
  if (!preset) throw new Error(`no preset ${id}`);
  const out: string[] = [];
  let t = 0;
  const code = await main([...flagsFor(preset.settings), '--quiet', '--out', '-'], {
    stdout: (line) => out.push(line),
    stderr: () => undefined,
    now: () => (t += 1),
    repoRoot,
  });
  expect(code).toBe(0);
  const parsed = parseResultsText(out.join('\n'));
  expect(parsed.rejected).toEqual([]);
  return { runs: parsed.runs, columns: parsed.columns };
}

/** One step of a log2 grid, as a factor in c. */
function gridFactor(settings: Settings): number {
  return settings.cGrid.kind === 'log2' ? 2 ** settings.cGrid.step : 1;
}

describe('presets hold what they say', () => {
  it('uv model: the loss falls for c < 2, catapults for 2 < c < 4, diverges beyond 4 (w ≥ 256)', async () => {
    const preset = presetById('uv')!;
    expect(preset.description).toMatch(/w ≥ 256/);
    const { runs, columns } = await runPreset('uv');
    const step = gridFactor(preset.settings);
    const wide = columns.filter((c) => c.width >= 256);
    expect(wide.length).toBeGreaterThanOrEqual(3);
    for (const col of wide) {
      // Within one grid step of the words' 2 and 4.
      expect(col.c_loss).not.toBeNull();
      expect(col.c_loss!).toBeGreaterThan(2);
      expect(col.c_loss!).toBeLessThanOrEqual(2 * step * (1 + 1e-9));
      expect(col.c_max).not.toBeNull();
      expect(Math.abs(Math.log2(col.c_max! / 4))).toBeLessThanOrEqual(Math.log2(step) + 1e-9);
      for (const r of runs.filter((x) => x.width === col.width)) {
        if (r.c <= 2 * (1 + 1e-9)) expect(r.regime, `w=${r.width} c=${r.c}`).toBe('stable');
        else if (r.c < 4 / step) expect(r.regime, `w=${r.width} c=${r.c}`).toMatch(/catapult/);
        else if (r.c > 4 * step * (1 + 1e-9))
          expect(r.regime, `w=${r.width} c=${r.c}`).toBe('divergence');
      }
    }
  });

  it('quick demo (its shipped CLI output): c_loss near 2 at small d/w, sharpness reduction at large d/w', () => {
    const preset = presetById('quick')!;
    expect(preset.description).toMatch(/c_loss near 2 at small d\/w/);
    expect(preset.description).toMatch(/sharpness-reduction phase at large d\/w/);
    const parsed = parseResultsText(
      readFileSync(path.join(repoRoot, 'public/precomputed/quick.jsonl'), 'utf8'),
    );
    const byDw = [...parsed.columns].sort((a, b) => a.depth / a.width - b.depth / b.width);
    const smallest = byDw[0]!;
    const largest = byDw[byDw.length - 1]!;
    // "Near 2": within one grid step above 2.
    expect(smallest.c_loss).not.toBeNull();
    expect(smallest.c_loss!).toBeLessThanOrEqual(2 * gridFactor(preset.settings) * (1 + 1e-9));
    // The sharpness-reduction window 2 < c < c_loss is wider at the largest d/w.
    expect(largest.c_loss ?? Infinity).toBeGreaterThan(smallest.c_loss!);
    const reduction = parsed.runs.filter(
      (r) => r.width === largest.width && r.regime === 'sharpness-reduction',
    );
    expect(reduction.length).toBeGreaterThanOrEqual(2);
  });

  it('zero output at init (its shipped CLI output): L₀ = 0.05, c_loss falls to one step above 2 with width', () => {
    const preset = presetById('zero-readout')!;
    const step = gridFactor(preset.settings);
    const parsed = parseResultsText(
      readFileSync(path.join(repoRoot, 'public/precomputed/zero-readout.jsonl'), 'utf8'),
    );
    const cols = [...parsed.columns].sort((a, b) => a.width - b.width);
    expect(cols.map((c) => c.width)).toEqual(preset.settings.widths);
    for (const c of cols) expect(c.loss0).toBeCloseTo(0.05, 6);
    const widest = cols[cols.length - 1]!;
    const narrowest = cols[0]!;
    // The words' figures, to the grid's resolution.
    expect(widest.c_loss!).toBeCloseTo(2 * step, 6);
    expect(narrowest.c_loss!).toBeGreaterThan(widest.c_loss!);
    expect(preset.description).toContain(`${widest.c_loss!.toFixed(2)} = one grid step above 2`);
    expect(preset.description).toContain(
      `${narrowest.c_loss!.toFixed(2)} at w = ${narrowest.width}`,
    );
    const window = (w: number) =>
      parsed.runs.filter((r) => r.width === w && r.regime === 'sharpness-reduction').length;
    expect(window(narrowest.width)).toBe(2);
    expect(window(widest.width)).toBe(0);
    expect(preset.description).toMatch(/two grid steps at w = 64 and none at w = 256/);
  });
  it('Paper preset (its shipped CLI output): the validation scale it says, c_loss rising with d/w as it says', () => {
    const preset = presetById('paper-cifar')!;
    const s = preset.settings;
    // The scale the words name is the one it was computed at.
    expect(preset.description).toContain(`depth ${s.depths.join(', ')}`);
    expect(preset.description).toContain(`widths ${s.widths[0]}–${s.widths[s.widths.length - 1]}`);
    expect(preset.description).toContain(`M = ${s.measureSize},`);
    expect(preset.description).toContain(`N = ${s.trainSize}`);
    expect(preset.description).toMatch(/not the paper’s own scale \(M = 4096, widths up to 2048\)/);
    const text = readFileSync(path.join(repoRoot, 'public/precomputed/paper-cifar.jsonl'), 'utf8');
    const parsed = parseResultsText(text);
    expect(parsed.rejected).toEqual([]);
    const cols = [...parsed.columns].sort((a, b) => b.width - a.width);
    expect(cols.map((c) => c.width)).toEqual([...s.widths].sort((a, b) => b - a));
    // From the smallest d/w (widest) to the largest, c_loss never falls and ends higher.
    for (let i = 1; i < cols.length; i++)
      expect(cols[i]!.c_loss!).toBeGreaterThanOrEqual(cols[i - 1]!.c_loss!);
    const widest = cols[0]!;
    const narrowest = cols[cols.length - 1]!;
    expect(narrowest.c_loss!).toBeGreaterThan(2 * widest.c_loss!);
    expect(preset.description).toContain(
      `${widest.c_loss!.toFixed(2)} at w = ${widest.width}, ${narrowest.c_loss!.toFixed(2)} at w = ${narrowest.width}`,
    );
  });
});
