/**
 * Header, reading back, resume and merge on real records: uv sweeps (exact and instant) through
 * runSweep, split, cut and reassembled.
 */
import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { columnId, runId, type ColumnRecord, type RunRecord } from './records';
import { runSweep } from './runSweep';
import { readHeader, settingsDifferences, sweepHeader, type ShardSpec } from './header';
import { parseResultsText } from './resultsFile';
import { planResume } from './resume';
import { mergeResults } from './merge';
import { describeGaps, sweepCoverage } from './coverage';
import { runColumns } from './runColumns';
import { shardColumns } from './shard';

const uv = (over: Partial<Settings> = {}): Settings => ({
  ...cloneDefaults(),
  dataset: 'uv',
  model: 'uv',
  widths: [64, 256, 1024],
  seeds: [0, 1],
  cGrid: { kind: 'log2', start: 0, stop: 3, step: 0.25 },
  ...over,
});

async function sweep(s: Settings, shard: ShardSpec | null = null) {
  const records: (RunRecord | ColumnRecord)[] = [];
  let t = 0;
  const hooks = {
    now: () => (t += 1),
    onRun: (r: RunRecord) => records.push(r),
    onColumn: (c: ColumnRecord) => records.push(c),
  };
  if (shard) await runColumns(s, null, shardColumns(s, shard), [], hooks);
  else await runSweep(s, null, [], hooks);
  return records;
}

const jsonl = (s: Settings, shard: ShardSpec | null, records: readonly object[]): string =>
  [sweepHeader(s, shard, null), ...records].map((r) => `${JSON.stringify(r)}\n`).join('');

describe('sweep header', () => {
  it('round-trips the settings, defaults included', () => {
    const s = uv({ steps: 12, sharpEpsilon: 0.05 });
    const h = JSON.parse(JSON.stringify(sweepHeader(s, { index: 1, count: 3 }, 'wasm'))) as unknown;
    const back = readHeader(h);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(settingsDifferences(back.value.settings, s)).toEqual([]);
    expect(back.value.header.shard).toEqual({ index: 1, count: 3 });
    // A default is written out, not left implicit.
    expect((h as { settings: Record<string, string> }).settings['divergence-loss']).toBe('100000');
    // The ensemble size computes the same runs: not recorded.
    expect((h as { settings: Record<string, string> }).settings['ensemble']).toBeUndefined();
  });

  it('names a missing, unknown or invalid setting', () => {
    const h = sweepHeader(uv(), null, null);
    const without = { ...h, settings: { ...h.settings } };
    delete without.settings['steps'];
    expect(readHeader(without)).toEqual({
      ok: false,
      error: 'sweep header does not record --steps',
    });
    const extra = { ...h, settings: { ...h.settings, temperature: '3' } };
    expect(readHeader(extra)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--temperature/),
    });
    const bad = { ...h, settings: { ...h.settings, widths: '64,x' } };
    expect(readHeader(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/--widths/) });
    expect(readHeader({ ...h, version: 9 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/version 9/),
    });
  });

  it('compares depth, width and seed lists as sets, and ignores FCN settings for uv', () => {
    expect(settingsDifferences(uv(), uv({ widths: [1024, 64, 256] }))).toEqual([]);
    expect(settingsDifferences(uv(), uv({ activation: 'tanh' }))).toEqual([]);
    const fcn = { ...cloneDefaults() };
    expect(settingsDifferences(fcn, { ...fcn, activation: 'tanh' })).toEqual([
      { flag: 'activation', a: 'relu', b: 'tanh' },
    ]);
    expect(settingsDifferences(uv(), uv({ widths: [64, 512] }))).toEqual([
      { flag: 'widths', a: '64,256,1024', b: '64,512' },
    ]);
  });
});

describe('reading a results file back', () => {
  it('sets a cut-off last line aside and finds where the complete lines end', async () => {
    const s = uv({ widths: [64], seeds: [0] });
    const text = jsonl(s, null, await sweep(s));
    const cut = text.slice(0, text.length - 40);
    const f = parseResultsText(cut);
    expect(f.problems).toEqual([]);
    expect(f.unfinished?.reason).toMatch(/cut off/);
    expect(cut.slice(f.completeLength)).not.toContain('\n');
    expect(cut[f.completeLength - 1]).toBe('\n');
    expect(f.runs.length + f.columns.length).toBe(text.split('\n').length - 3);
  });

  it('reports a broken line in the middle and a header after records', () => {
    const s = uv({ widths: [64], seeds: [0] });
    const text = `${JSON.stringify(sweepHeader(s, null, null))}\n{"type":"run"\n${JSON.stringify(sweepHeader(s, null, null))}\n`;
    const f = parseResultsText(text);
    expect(f.problems).toEqual([
      { line: 2, reason: 'not valid JSON' },
      { line: 3, reason: 'a second sweep header' },
    ]);
  });
});

describe('resume', () => {
  it('refuses a file of another sweep, naming the setting that differs', async () => {
    const s = uv({ widths: [64], seeds: [0] });
    const f = parseResultsText(jsonl(s, null, await sweep(s)));
    const other = { ...s, steps: 20 };
    const r = planResume('out.jsonl', f, other, null, shardColumns(other, { index: 0, count: 1 }));
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^out\.jsonl holds another sweep: --steps is 10 in the file but 20 in this run/,
      ),
    });
  });

  it('refuses another shard’s file, and a file without a header', async () => {
    const s = uv();
    const mine = { index: 1, count: 3 };
    const f = parseResultsText(jsonl(s, { index: 0, count: 3 }, []));
    expect(planResume('a', f, s, mine, shardColumns(s, mine))).toEqual({
      ok: false,
      error: 'a holds shard 0/3; this is shard 1/3 (give each shard its own --out)',
    });
    const records = await sweep(s, mine);
    const headless = parseResultsText(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    expect(planResume('b', headless, s, mine, shardColumns(s, mine))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no sweep header/),
    });
    // An empty file (or one whose header was cut off) starts afresh.
    const empty = planResume('c', parseResultsText('{"type":"swe'), s, mine, []);
    expect(empty).toMatchObject({
      ok: true,
      value: { needsHeader: true, done: [], keepLength: 0 },
    });
  });

  it('computes only what a cut-off file lacks, and ends with every record once', async () => {
    const s = uv();
    const shard = { index: 2, count: 3 };
    const columns = shardColumns(s, shard);
    const full = await sweep(s, shard);
    const text = jsonl(s, shard, full);
    // Cut anywhere: after the header, mid-line, right after a column record.
    for (const at of [0.05, 0.3, 0.55, 0.8, 0.999].map((x) => Math.floor(x * text.length))) {
      const f = parseResultsText(text.slice(0, at));
      const plan = planResume('out', f, s, shard, columns);
      expect(plan.ok).toBe(true);
      if (!plan.ok) return;
      const kept = text.slice(0, plan.value.keepLength);
      const added: (RunRecord | ColumnRecord)[] = [];
      let t = 0;
      await runColumns(s, null, columns, plan.value.done, {
        now: () => (t += 1),
        onRun: (r) => added.push(r),
        onColumn: (c) => {
          if (!plan.value.columnsWritten.has(columnId(c))) added.push(c);
        },
      });
      const resumed = parseResultsText(kept + added.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const ids = resumed.runs.map(runId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(resumed.runs.map(runId).sort()).toEqual(
        full
          .filter((r): r is RunRecord => r.type === 'run')
          .map(runId)
          .sort(),
      );
      expect(resumed.columns.map(columnId).sort()).toEqual(columns.map(columnId).sort());
    }
  });
});

describe('merge', () => {
  it('reassembles the shards into the one-process sweep, in its order, without duplicates', async () => {
    const s = uv();
    const whole = await sweep(s);
    const inputs = [];
    for (let i = 0; i < 3; i++) {
      const part = await sweep(s, { index: i, count: 3 });
      inputs.push({
        name: `shard-${i}`,
        file: parseResultsText(jsonl(s, { index: i, count: 3 }, part)),
      });
    }
    // Shard 1 twice, as when a finished shard is restarted from scratch elsewhere.
    const m = mergeResults([...inputs, inputs[1]!]);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const strip = (r: RunRecord | ColumnRecord) => (r.type === 'run' ? { ...r, seconds: 0 } : r);
    expect(m.value.records.map(strip)).toEqual(whole.map(strip));
    expect(m.value.duplicates).toBe(inputs[1]!.file.runs.length);
    expect(m.value.conflicting).toEqual([]);
    expect(m.value.coverage).toMatchObject({ complete: 6, partial: 0, missing: 0 });
    expect(m.value.shardCount).toBe(3);
    expect(m.value.header.shard).toBeNull();
  });

  it('reports missing and partial columns, and recomputes nothing it cannot', async () => {
    const s = uv();
    const whole = await sweep(s);
    const runs = whole.filter((r): r is RunRecord => r.type === 'run');
    const w64s0 = runs.filter((r) => r.width === 64 && r.seed === 0);
    const kept = runs.filter((r) => r.width !== 1024 && !(r.width === 64 && r.seed === 0));
    const cov = sweepCoverage(s, [...kept, ...w64s0.slice(0, 3)]);
    expect(cov).toMatchObject({ complete: 3, partial: 1, missing: 2 });
    const partial = cov.columns.find((c) => c.state === 'partial')!;
    expect(partial.key).toEqual({ depth: 2, width: 64, seed: 0, orderSeed: 0 });
    expect(partial.next).toBe(w64s0[3]!.c);
    expect(describeGaps(cov)).toBe(
      `2 of 6 columns missing (d2-w1024-s0, d2-w1024-s1); 1 incomplete (d2-w64-s0: 3 runs, next c = ${w64s0[3]!.c.toPrecision(4)})`,
    );
    expect(describeGaps(sweepCoverage(s, runs))).toBeNull();
    expect(cov.columns.filter((c) => c.state === 'missing').map((c) => c.key.width)).toEqual([
      1024, 1024,
    ]);
  });

  it('refuses files of different sweeps, naming both files and the setting', async () => {
    const a = uv({ widths: [64], seeds: [0] });
    const b = { ...a, divergenceLoss: 1e6 };
    const m = mergeResults([
      { name: 'a.jsonl', file: parseResultsText(jsonl(a, null, await sweep(a))) },
      { name: 'b.jsonl', file: parseResultsText(jsonl(b, null, await sweep(b))) },
    ]);
    expect(m).toEqual({
      ok: false,
      error:
        'b.jsonl is from another sweep than a.jsonl: --divergence-loss is 100000 in a.jsonl but 1000000 in b.jsonl',
    });
  });

  it('flags duplicates that disagree and column records that do not match their runs', async () => {
    const s = uv({ widths: [64], seeds: [0] });
    const records = await sweep(s);
    const changed = records.map((r) =>
      r.type === 'run' && r.c === 1
        ? { ...r, lossRatioMax: 0.5 }
        : r.type === 'column'
          ? { ...r, c_loss: 1.5 }
          : r,
    );
    const m = mergeResults([
      { name: 'a', file: parseResultsText(jsonl(s, null, records)) },
      { name: 'b', file: parseResultsText(jsonl(s, null, changed)) },
    ]);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.value.conflicting).toEqual([
      runId({ depth: 2, width: 64, seed: 0, orderSeed: 0, c: 1 }),
    ]);
    expect(m.value.staleColumns).toEqual(['d2-w64-s0']);
  });

  it('refuses a file with a broken record or without a header, and warns of a cut-off end', async () => {
    const s = uv({ widths: [64], seeds: [0] });
    const text = jsonl(s, null, await sweep(s));
    const lines = text.split('\n');
    lines[3] = '{"type":"run","c":"x"}';
    const broken = mergeResults([{ name: 'x', file: parseResultsText(lines.join('\n')) }]);
    expect(broken).toEqual({ ok: false, error: 'x: line 4: missing "depth"' });
    const headless = mergeResults([
      { name: 'y', file: parseResultsText(text.split('\n').slice(1).join('\n')) },
    ]);
    expect(headless).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^y has no sweep header/),
    });
    const cut = mergeResults([{ name: 'z', file: parseResultsText(text.slice(0, -10)) }]);
    expect(cut.ok && cut.value.warnings).toEqual([
      expect.stringMatching(/^z: line \d+ is cut off/),
    ]);
    // Only the column record was cut off: the runs are all there, so it is recomputed.
    expect(cut.ok && cut.value.coverage.complete).toBe(1);
    expect(cut.ok && cut.value.records.at(-1)).toEqual(parseResultsText(text).columns[0]);
  });
});
