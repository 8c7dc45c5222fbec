import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node/backend';
import type { RawRun } from '../../src/core/train/column';
import { createFcnColumn } from '../../src/core/train/fcnColumn';
import { createFcnEnsembleColumn } from '../../src/core/train/ensembleColumn';
import { capabilitiesOf } from '../../src/core/tf/capabilities';
import { ensembleSetup } from './cases';
import { expectRunsAgree } from './expectRuns';

// The batched ensemble on the backend the CLI uses. wasm runs ensembles one member after another
// by default; the batched path (per-member plain matMuls there) must still agree when forced.
beforeAll(async () => {
  expect(await initNodeBackend('wasm')).toBe('wasm');
});

describe('FCN ensemble column on wasm', () => {
  it('batched and sequential runMany both give the single runs; no leaks', async () => {
    const capabilities = capabilitiesOf('wasm');
    expect(capabilities.batchedEnsembles).toBe(false);
    const { column, cs } = ensembleSetup();
    const before = tf.memory().numTensors;
    const single = await createFcnColumn(column);
    const want: RawRun[] = [];
    for (const c of cs)
      want.push(
        (await single.run(
          c,
          () => {},
          () => false,
        ))!,
      );
    single.dispose();
    for (const batched of [true, false]) {
      const ens = await createFcnEnsembleColumn(column, { capabilities, batched });
      const got = (await ens.runMany(
        cs,
        () => {},
        () => false,
      ))!;
      got.forEach((r, e) => expectRunsAgree(r, want[e]!, { loss: 1e-4, sharpness: 1e-4 }));
      ens.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
