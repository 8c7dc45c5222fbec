import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { sweepHeader } from '../../core/sweep/header';
import {
  boundaryFitsToCsv,
  columnsToCsv,
  resultsToJson,
  resultsToJsonl,
  runsToCsv,
  seedSummaryToCsv,
} from './exportData';
import {
  MAX_IMPORT_BYTES,
  MAX_IMPORT_LINES,
  parseResultsText,
  readResultsFile,
  rejectedSummary,
} from './importResults';

const run: RunRecord = {
  type: 'run',
  depth: 4,
  width: 64,
  seed: 1,
  orderSeed: 0,
  c: 2.5,
  eta: 0.05,
  lambda0: 50,
  loss0: 0.45,
  diverged: false,
  divergedAt: null,
  regime: 'loss-catapult',
  loss: [0.45, 0.9, 0.3],
  sharpness: [50, 30, null],
  lanczosIters: [12, 3, 3],
  lanczosResidual: [1e-5, 1e-4, null],
  lossRatioMax: 2,
  sharpRatioMax: 0.6,
  sharpRatioFinal: null,
  seconds: 0.5,
};
const column: ColumnRecord = {
  type: 'column',
  depth: 4,
  width: 64,
  seed: 1,
  orderSeed: 0,
  lambda0: 50,
  loss0: 0.45,
  c_loss: 2.5,
  c_sharp: null,
  c_max: 8,
  runs: 1,
};

describe('export', () => {
  it('writes CSV with one row per record and series joined by ;', () => {
    const csv = runsToCsv([run]).trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[0]).toBe(
      'depth,width,seed,orderSeed,c,eta,lambda0,loss0,diverged,divergedAt,regime,lossRatioMax,sharpRatioMax,sharpRatioFinal,seconds,loss,sharpness,lanczosIters',
    );
    expect(csv[1]).toBe(
      '4,64,1,0,2.5,0.05,50,0.45,false,,loss-catapult,2,0.6,,0.5,0.45;0.9;0.3,50;30;NaN,12;3;3',
    );
    const [colHeader, colRow] = columnsToCsv([column]).trim().split('\n');
    expect(colHeader).toBe(
      'depth,width,seed,orderSeed,lambda0,loss0,c_loss,c_sharp,c_max,c_barrier,barrierFallback,runs',
    );
    // A record written before c_barrier existed leaves its cells empty.
    expect(colRow).toBe('4,64,1,0,50,0.45,2.5,,8,,,1');
  });

  it('writes the seed summary with censored seeds counted and bounded', () => {
    const cols = [
      { ...column, seed: 0, c_loss: 2.5, c_max: 8 },
      { ...column, seed: 1, c_loss: null, c_max: 16 },
    ];
    const [header, row, more] = seedSummaryToCsv(cols).trim().split('\n');
    expect(more).toBeUndefined();
    const cell = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cell['seeds']).toBe('2');
    expect(cell['c_loss_mean_seen']).toBe('2.5');
    expect(cell['c_loss_sd_seen']).toBe('');
    expect(cell['c_loss_censored']).toBe('1');
    expect(cell['c_loss_above']).toBe('16');
    expect(cell['c_max_mean_seen']).toBe('12');
    expect(cell['c_sharp_censored']).toBe('2');
  });

  it('summarises c_barrier over seeds, a c_max fallback counted as censored', () => {
    const cols = [
      { ...column, seed: 0, c_max: 8, c_barrier: 4, barrierFallback: false },
      { ...column, seed: 1, c_max: 16, c_barrier: 16, barrierFallback: true },
    ];
    const [header, row] = seedSummaryToCsv(cols).trim().split('\n');
    const cell = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cell['c_barrier_mean_seen']).toBe('4');
    expect(cell['c_barrier_seen']).toBe('1');
    expect(cell['c_barrier_censored']).toBe('1');
    expect(cell['c_barrier_above']).toBe('16');
  });

  it('writes linear and power-law boundary fits through the seed means', () => {
    const cols = [64, 128, 256].map((width) => ({
      ...column,
      width,
      c_loss: 2 + 256 / width,
      c_sharp: null,
      c_max: null,
    }));
    const lines = boundaryFitsToCsv(cols).trim().split('\n');
    expect(lines[0]).toBe('critical,model,against,depth,a,b,r2,points');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r.slice(0, 4).join(' '))).toEqual([
      'c_loss linear d/w ',
      'c_loss linear 1/w 4',
      'c_loss power d/w ',
    ]);
    const perDepth = rows[1]!;
    expect(Number(perDepth[4])).toBeCloseTo(2, 10);
    expect(Number(perDepth[5])).toBeCloseTo(256, 8);
    expect(Number(perDepth[6])).toBeCloseTo(1, 10);
    expect(perDepth[7]).toBe('3');
  });

  it('round-trips through JSON Lines and JSON', () => {
    const jsonl = parseResultsText(resultsToJsonl([run], [column]));
    expect(jsonl.runs).toEqual([run]);
    expect(jsonl.columns).toEqual([column]);
    expect(jsonl.rejected).toEqual([]);
    expect(jsonl.settings).toBeNull();
    const s = { ...cloneDefaults(), widths: [64], depths: [4] };
    const json = parseResultsText(resultsToJson(s, [run], [column]));
    expect(json.runs).toEqual([run]);
    expect(json.settings?.widths).toEqual([64]);
  });
});

describe('import', () => {
  it('accepts the CLI minimum and derives what is missing', () => {
    const cli = {
      type: 'run',
      depth: 2,
      width: 16,
      c: 1,
      seed: 0,
      eta: 0.1,
      lambda0: 10,
      loss0: 0.5,
      diverged: false,
      regime: 'stable',
      loss: [0.5, 0.25],
      sharpness: [10, 8],
      lanczosIters: [10, 2],
      seconds: 0.1,
    };
    const r = parseResultsText(JSON.stringify(cli));
    expect(r.rejected).toEqual([]);
    expect(r.runs[0]).toMatchObject({
      lossRatioMax: 1,
      sharpRatioMax: 0.8,
      sharpRatioFinal: 0.8,
      divergedAt: null,
    });
  });

  it('reads records without an order seed as J = the data seed of their header', () => {
    const header = sweepHeader({ ...cloneDefaults(), dataSeed: 2 }, null, null);
    // A header and records as the CLI wrote them before order seeds existed.
    delete header.settings['data-seeds'];
    const { orderSeed: _j, ...oldRun } = run;
    const { orderSeed: _k, ...oldColumn } = column;
    const text = [header, oldRun, oldColumn].map((r) => JSON.stringify(r)).join('\n');
    const r = parseResultsText(text);
    expect(r.rejected).toEqual([]);
    expect(r.runs.map((x) => x.orderSeed)).toEqual([2]);
    expect(r.columns.map((x) => x.orderSeed)).toEqual([2]);
    // Without a header: J = 0, the data seed's default. A record that has J keeps it.
    expect(parseResultsText(JSON.stringify(oldRun)).runs[0]?.orderSeed).toBe(0);
    const withJ = [header, { ...run, orderSeed: 7 }].map((x) => JSON.stringify(x)).join('\n');
    expect(parseResultsText(withJ).runs[0]?.orderSeed).toBe(7);
  });

  it('rejects bad lines, counts them and names the problem', () => {
    const good = JSON.stringify(run);
    const text = [
      good,
      '{not json',
      JSON.stringify({ ...run, regime: 'chaos' }),
      JSON.stringify({ ...run, depth: -1 }),
      '',
      JSON.stringify({ type: 'banana' }),
      JSON.stringify({ ...run, sharpness: [1] }),
      JSON.stringify([1, 2]),
      JSON.stringify(column),
    ].join('\n');
    const r = parseResultsText(text);
    expect(r.runs).toHaveLength(1);
    expect(r.columns).toHaveLength(1);
    expect(r.records).toBe(8);
    expect(r.rejected.map((x) => x.line)).toEqual([2, 3, 4, 6, 7, 8]);
    expect(r.rejected[0]!.reason).toBe('not valid JSON');
    expect(r.rejected[1]!.reason).toContain('"regime"');
    expect(r.rejected[2]!.reason).toContain('"depth"');
    expect(r.rejected[3]!.reason).toContain('banana');
    expect(r.rejected[4]!.reason).toContain('steps');
    expect(rejectedSummary(r)).toMatch(
      /^6 of 8 lines rejected \(line 2: not valid JSON; line 3: .*; and 3 more\)\.$/,
    );
  });

  it('never throws on hostile input', () => {
    for (const text of [
      '',
      '\n\n',
      'null',
      '[]',
      '{"format":"phase-explorer-results","runs":7}',
      '\u0000'.repeat(100),
    ]) {
      expect(() => parseResultsText(text)).not.toThrow();
    }
    expect(parseResultsText('{"format":"phase-explorer-results","runs":7}').runs).toEqual([]);
  });

  it('keeps the last of duplicate runs', () => {
    const r = parseResultsText(
      [JSON.stringify(run), JSON.stringify({ ...run, seconds: 9 })].join('\n'),
    );
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]!.seconds).toBe(9);
  });

  it('refuses files over the size limit before reading them, and files with too many lines', async () => {
    let read = false;
    const huge = await readResultsFile({
      name: 'huge.jsonl',
      size: MAX_IMPORT_BYTES + 1,
      text: async () => {
        read = true;
        return '';
      },
    });
    expect(huge).toEqual({ ok: false, error: expect.stringContaining('huge.jsonl is 50 MB') });
    expect(read).toBe(false);
    const text = '{}\n'.repeat(MAX_IMPORT_LINES);
    const many = await readResultsFile({
      name: 'many.jsonl',
      size: text.length,
      text: async () => text,
    });
    expect(many).toEqual({ ok: false, error: expect.stringContaining('200,001 lines') });
  });

  it('reads JSON Lines in slices, pausing between them, to the same result as at once', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ ...run, c: i + 1 }));
    lines.splice(700, 0, 'garbage');
    const text = lines.join('\n');
    let pauses = 0;
    const r = await readResultsFile(
      { name: 'x.jsonl', size: text.length, text: async () => text },
      async () => void pauses++,
    );
    expect(pauses).toBe(2);
    expect(r.ok && r.value).toEqual(parseResultsText(text));
    expect(r.ok && r.value.runs).toHaveLength(1200);
    expect(r.ok && r.value.rejected).toEqual([{ line: 701, reason: 'not valid JSON' }]);
  });
});
