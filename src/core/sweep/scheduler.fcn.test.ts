/**
 * A real FCN on cpu: θ_0 and λ_0 of each column are measured by one executor and handed to the
 * others (`columnInit.ts`), and the records from 1 and 2 executors equal the one-at-a-time sweep's
 * exactly. With an injected column factory every executor measures its own λ_0 instead: the
 * records are the same there too (the measurement is deterministic).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/backend';
import { prepareData, syntheticDataset } from '../data';
import type { PreparedData } from '../data/types';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import type { ColumnRecord, RunRecord } from './records';
import { runSweep } from './runSweep';
import { localExecutor, runScheduledSweep, type ExecutorHooks, type SweepTask } from './scheduler';
import { createFcnColumn } from '../train/fcnColumn';

let data: PreparedData;

beforeAll(async () => {
  await initNodeBackend('cpu');
  const prepared = prepareData(syntheticDataset({ count: 96, seed: 0 }), 96);
  if (!prepared.ok) throw new Error(prepared.error);
  data = prepared.value;
});

function settings(): Settings {
  const s = cloneDefaults();
  s.dataset = 'synthetic';
  s.model = 'fcn';
  s.depths = [3];
  s.widths = [16];
  s.seeds = [0, 1];
  s.trainSize = 96;
  s.measureSize = 64;
  s.batch = 32;
  s.steps = 4;
  s.lanczosTol = 1e-4;
  s.lanczosMaxIters = 30;
  s.cGrid = { kind: 'log2', start: 0, stop: 6, step: 1 };
  return s;
}

type Rec = RunRecord | ColumnRecord;
const untimed = (r: Rec): Rec => (r.type === 'run' ? { ...r, seconds: 0 } : r);

describe('scheduled FCN sweep', () => {
  it('1 and 2 executors give exactly the records of runSweep (λ_0 measured once per column)', async () => {
    const s = settings();
    const want: Rec[] = [];
    await runSweep(s, data, [], {
      now: () => 0,
      onRun: (r) => want.push(r),
      onColumn: (c) => want.push(c),
    });
    expect(want.some((r) => r.type === 'run' && r.diverged)).toBe(true);
    const cases = [
      { n: 1, factory: false },
      { n: 2, factory: false },
      { n: 2, factory: true },
    ];
    for (const { n, factory } of cases) {
      const label = `${n} executors${factory ? ', injected factory' : ''}`;
      const handed: SweepTask[] = [];
      const executors = Array.from({ length: n }, () => {
        const e = localExecutor(s, data, {
          now: () => 0,
          keepColumns: 1,
          ...(factory ? { fcnFactory: createFcnColumn } : {}),
        });
        return {
          run(task: SweepTask, hooks: ExecutorHooks) {
            if (task.init) handed.push(task);
            return e.run(task, hooks);
          },
          dispose: () => e.dispose(),
        };
      });
      const got: Rec[] = [];
      const res = await runScheduledSweep(
        s,
        executors,
        [],
        { now: () => 0, onRun: (r) => got.push(r), onColumn: (c) => got.push(c) },
        { order: 'canonical' },
      );
      executors.forEach((e) => e.dispose());
      expect(got.map(untimed), label).toEqual(want.map(untimed));
      // Two columns: λ_0 measured twice, whatever n (and never with a factory, which hides it).
      expect(res.lambda0Measured, label).toBe(factory ? 0 : 2);
      if (!factory) {
        expect(handed.length, label).toBe(res.started - 2);
        const col = want.find((r) => r.type === 'column' && r.seed === handed[0]!.column.seed);
        expect(handed[0]!.init!.lambda0).toBe(col?.type === 'column' ? col.lambda0 : NaN);
      }
    }
  });
});
