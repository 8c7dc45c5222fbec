/**
 * `--workers N`: the same JSON Lines for any N apart from the `seconds` fields, for the grid and
 * for bisection, and when a worker thread dies mid-sweep.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { parseFlags } from '../../src/cli/flags';
import { runOnThreads } from '../../src/cli/workers';
import { prepareData, syntheticDataset } from '../../src/core/data';
import type { RunRecord } from '../../src/core/sweep/records';

const repoRoot = path.resolve(__dirname, '../..');

const base = [
  '--dataset',
  'synthetic',
  '--depths',
  '2',
  '--widths',
  '8,16',
  '--train-size',
  '128',
  '--batch',
  '32',
  '--measure-size',
  '64',
  '--steps',
  '4',
  '--c',
  'log2:0:5:0.5',
  '--backend',
  'cpu',
  '--quiet',
];

async function lines(argv: string[], log?: (stderr: string) => void): Promise<string[]> {
  const out: string[] = [];
  let err = '';
  const code = await main(argv, {
    stdout: (l) => out.push(l),
    stderr: (t) => {
      err += t;
    },
    now: () => performance.now(),
    repoRoot,
  });
  expect(code, err).toBe(0);
  log?.(err);
  return out;
}

/** Records as JSON with the timing field zeroed, in the order they came. */
const untimed = (ls: string[]): unknown[] =>
  ls.map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    if (r['type'] === 'run') r['seconds'] = 0;
    return r;
  });

describe('sweep --workers', () => {
  for (const search of ['grid', 'bisect']) {
    it(`${search}: more worker threads write the same JSON Lines (seconds aside)`, async () => {
      // With progress on: the summary line is checked below.
      const argv = [...base.filter((a) => a !== '--quiet'), '--search', search];
      const one = await lines([...argv, '--workers', '1']);
      expect(one.length).toBeGreaterThan(6);
      for (const n of search === 'grid' ? ['2', '3'] : ['3']) {
        let err = '';
        expect(
          untimed(await lines([...argv, '--workers', n], (e) => (err = e))),
          `${n} workers`,
        ).toEqual(untimed(one));
        // Two columns: λ_0 measured once each, however many threads ran parts of them.
        expect(err).toMatch(/λ0 measured 2 times for 2 columns/);
      }
    });
  }

  it('a worker thread killed mid-sweep loses and duplicates nothing', async () => {
    const parsed = parseFlags(base);
    if (!parsed.ok) throw new Error(parsed.error);
    const s = parsed.value.settings;
    const prepared = prepareData(syntheticDataset({ count: s.trainSize, seed: s.dataSeed }), 128);
    if (!prepared.ok) throw new Error(prepared.error);
    const collect = async (kill: boolean) => {
      const runs: RunRecord[] = [];
      let killed = false;
      const r = await runOnThreads(
        s,
        prepared.value,
        'cpu',
        2,
        {
          now: () => performance.now(),
          onRun(run) {
            runs.push({ ...run, seconds: 0 });
          },
          onColumn() {},
        },
        {
          onPool(pool) {
            if (!kill) return;
            // Kill thread 0 as soon as it has a task in flight, after the first record.
            const timer = setInterval(() => {
              if (runs.length >= 2 && !killed) {
                killed = true;
                clearInterval(timer);
                void pool.kill(0);
              }
            }, 5);
          },
        },
      );
      return { runs, r, killed };
    };
    const want = await collect(false);
    const got = await collect(true);
    expect(got.killed).toBe(true);
    expect(got.r.restarts).toBeGreaterThanOrEqual(1);
    expect(got.runs).toEqual(want.runs);
  });

  it('a wide thread (wasm on 2 threads) takes the odd run of a 3-run column; records unchanged', async () => {
    // One column of three runs, on wasm: base's flags with its widths, c grid and backend replaced.
    const replaced = new Set(['--widths', '--c', '--backend']);
    const kept = base.filter((a, i) => !replaced.has(a) && !replaced.has(base[i - 1] ?? ''));
    const parsed = parseFlags([...kept, '--widths', '64', '--c', '1,2,4', '--backend', 'wasm']);
    if (!parsed.ok) throw new Error(parsed.error);
    const s = parsed.value.settings;
    const prepared = prepareData(syntheticDataset({ count: s.trainSize, seed: s.dataSeed }), 128);
    if (!prepared.ok) throw new Error(prepared.error);
    const collect = async (workers: number, wideThreads: number) => {
      const records: unknown[] = [];
      const r = await runOnThreads(
        s,
        prepared.value,
        'wasm',
        workers,
        {
          now: () => performance.now(),
          onRun: (run) => records.push({ ...run, seconds: 0 }),
          onColumn: (c) => records.push(c),
        },
        { wasmThreads: 1, wideThreads },
      );
      return { records, r };
    };
    const one = await collect(1, 1);
    const wide = await collect(2, 2);
    expect(wide.r.wideRuns).toBe(1);
    expect(wide.r.wideBusyMs).toBeGreaterThan(0);
    expect(wide.records).toHaveLength(4);
    expect(wide.records).toEqual(one.records);
  });

  it('refuses more than one worker where one backend must run everything', async () => {
    let err = '';
    const code = await main([...base, '--ensemble', '4', '--workers', '2'], {
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      now: () => 0,
      repoRoot,
    });
    expect(code).toBe(2);
    expect(err).toMatch(/--workers 2: a batched ensemble/);
  });
});
