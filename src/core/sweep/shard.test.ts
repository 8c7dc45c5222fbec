import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cloneDefaults } from '../settings/codec';
import type { Settings } from '../settings/schema';
import { columnId } from './records';
import { planColumns } from './plan';
import {
  estimateColumnFlops,
  parseShardSpec,
  partitionColumns,
  shardColumns,
  shardOf,
} from './shard';
import { forwardFlops, lanczosFlops, runFlops } from '../train/flops';
import type { ModelSpec } from '../models/model';
import { plannerFor } from './plan';

const paperLike = (): Settings => ({
  ...cloneDefaults(),
  dataset: 'cifar10',
  depths: [8],
  widths: [256, 512, 1024, 2048],
  seeds: [0, 1, 2],
  batch: 512,
  trainSize: 8192,
  measureSize: 4096,
  cGrid: { kind: 'log2', start: 0, stop: 4.5, step: 0.1 },
});

describe('shard partition', () => {
  it('puts every column in exactly one shard, for any count', () => {
    const s = paperLike();
    for (const n of [1, 2, 3, 5, 12, 13, 40]) {
      const shards = partitionColumns(s, n);
      expect(shards).toHaveLength(n);
      const ids = shards.flatMap((sh) => sh.columns.map(columnId)).sort();
      expect(ids).toEqual(planColumns(s).map(columnId).sort());
    }
  });

  it('estimates wider columns as costlier, about 4× per doubling at these widths', () => {
    const s = paperLike();
    const f = (w: number) => estimateColumnFlops(s, { depth: 8, width: w, seed: 0, orderSeed: 0 });
    expect(f(512) / f(256)).toBeGreaterThan(3);
    expect(f(2048) / f(1024)).toBeGreaterThan(3.5);
    expect(f(2048) / f(1024)).toBeLessThan(4.1);
    // Neither seed changes the cost.
    expect(estimateColumnFlops(s, { depth: 8, width: 256, seed: 7, orderSeed: 3 })).toBe(f(256));
  });

  it('balances by cost, not by count: the widest columns get shards of their own', () => {
    const s = paperLike();
    const shards = partitionColumns(s, 3);
    // The three w = 2048 columns cost more than everything else together: one per shard.
    for (const sh of shards) expect(sh.columns.filter((k) => k.width === 2048)).toHaveLength(1);
    const loads = shards.map((sh) => sh.flops);
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.1);
    expect(shards.reduce((a, sh) => a + sh.flops, 0)).toBeCloseTo(
      planColumns(s).reduce((a, k) => a + estimateColumnFlops(s, k), 0),
      -3,
    );
  });

  it('is within Graham’s LPT bound (4/3 − 1/(3N)) of the best split, found by brute force', () => {
    /** The smallest possible largest load, over every assignment of `costs` to n shards. */
    const optimum = (costs: number[], n: number): number => {
      let best = Infinity;
      const loads = new Array<number>(n).fill(0);
      const place = (i: number): void => {
        if (i === costs.length) {
          best = Math.min(best, Math.max(...loads));
          return;
        }
        for (let j = 0; j < n; j++) {
          loads[j]! += costs[i]!;
          if (loads[j]! < best) place(i + 1);
          loads[j]! -= costs[i]!;
          if (loads[j] === 0) break; // empty shards are interchangeable
        }
      };
      place(0);
      return best;
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4 }),
        (widths, depths, nSeeds, n) => {
          const s: Settings = {
            ...cloneDefaults(),
            dataset: 'synthetic',
            widths,
            depths,
            seeds: Array.from({ length: nSeeds }, (_, i) => i),
          };
          const costs = planColumns(s).map((k) => estimateColumnFlops(s, k));
          const worst = Math.max(...partitionColumns(s, n).map((sh) => sh.flops));
          const opt = optimum(costs, n);
          expect(worst).toBeGreaterThanOrEqual(opt * (1 - 1e-12));
          expect(worst).toBeLessThanOrEqual((4 / 3 - 1 / (3 * n)) * opt * (1 + 1e-12));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('does not depend on the order of the depth, width and seed lists', () => {
    const a = paperLike();
    const b = { ...a, widths: [2048, 256, 1024, 512], seeds: [2, 0, 1] };
    const ids = (s: Settings) =>
      partitionColumns(s, 4).map((sh) => sh.columns.map(columnId).sort());
    expect(ids(b)).toEqual(ids(a));
  });

  it('runs a shard’s columns in the sweep’s order, and finds a column’s shard', () => {
    const s = paperLike();
    const cols = shardColumns(s, { index: 1, count: 4 });
    const order = planColumns(s).map(columnId);
    const pos = cols.map((k) => order.indexOf(columnId(k)));
    expect(pos).toEqual([...pos].sort((x, y) => x - y));
    for (const k of cols) expect(shardOf(s, 4, k)).toBe(1);
    expect(shardOf(s, 4, { depth: 3, width: 256, seed: 0, orderSeed: 0 })).toBeNull();
  });

  it('leaves shards empty when there are more shards than columns', () => {
    const s: Settings = { ...cloneDefaults(), widths: [16, 64] };
    const shards = partitionColumns(s, 5);
    expect(shards.filter((sh) => sh.columns.length === 0)).toHaveLength(3);
    expect(() => partitionColumns(s, 0)).toThrow(/positive integer/);
  });
});

describe('conv column costs', () => {
  const myrtle = (): Settings => ({
    ...cloneDefaults(),
    model: 'myrtle',
    dataset: 'cifar10',
    depths: [5],
    widths: [32],
    batch: 128,
    measureSize: 256,
    trainSize: 1024,
  });

  it('weighs a Myrtle column by its conv FLOPs on the 32×32×3 images', () => {
    const s = myrtle();
    const spec: ModelSpec = {
      kind: 'myrtle',
      depth: 5,
      width: 32,
      inputDim: 3072,
      input: [32, 32, 3],
      numClasses: 10,
      activation: s.activation,
      param: s.param,
      readout: s.readout,
      bias: s.bias,
    };
    const warm = Math.ceil(0.3 * s.lanczosMaxIters);
    const expected =
      forwardFlops(spec, s.measureSize) +
      lanczosFlops(spec, s.measureSize, s.lanczosMaxIters) +
      plannerFor(s).maxRuns *
        runFlops(spec, s.batch, s.measureSize, new Array<number>(s.steps).fill(warm));
    const got = estimateColumnFlops(s, { depth: 5, width: 32, seed: 0, orderSeed: 0 });
    expect(got / expected).toBeCloseTo(1, 12);
    // Its convolutions (3×3 over 32×32 maps) cost far more than an FCN of the same depth and
    // width would: the proxy the shards used before.
    const fcn = estimateColumnFlops(
      { ...s, model: 'fcn' },
      { depth: 5, width: 32, seed: 0, orderSeed: 0 },
    );
    expect(got / fcn).toBeGreaterThan(20);
  });

  it('costs a ResNet by its stem: the CIFAR stem keeps 32×32 maps, the ImageNet one quarters them', () => {
    const s: Settings = { ...myrtle(), model: 'resnet', depths: [18], widths: [8] };
    const key = { depth: 18, width: 8, seed: 0, orderSeed: 0 };
    const cifar = estimateColumnFlops({ ...s, stem: 'cifar' }, key);
    const imagenet = estimateColumnFlops({ ...s, stem: 'imagenet' }, key);
    expect(cifar / imagenet).toBeGreaterThan(4);
  });

  it('gives the widest Myrtle column a shard of its own', () => {
    const s: Settings = { ...myrtle(), widths: [8, 16, 64] };
    const shards = partitionColumns(s, 2);
    const wide = shards.find((sh) => sh.columns.some((k) => k.width === 64))!;
    expect(wide.columns.map((k) => k.width)).toEqual([64]);
  });
});

describe('parseShardSpec', () => {
  it('reads I/N with I from 0', () => {
    expect(parseShardSpec('2/8')).toEqual({ ok: true, value: { index: 2, count: 8 } });
    expect(parseShardSpec(' 0 / 1 ')).toEqual({ ok: true, value: { index: 0, count: 1 } });
  });
  it('names what is wrong', () => {
    const err = (t: string) => {
      const r = parseShardSpec(t);
      return r.ok ? '' : r.error;
    };
    expect(err('8/8')).toMatch(/index 8 is not below the count 8.*0 to 7/);
    expect(err('1/0')).toMatch(/count must be 1 to/);
    expect(err('a/3')).toMatch(/expected I\/N/);
    expect(err('-1/3')).toMatch(/expected I\/N/);
    expect(err('1.5/3')).toMatch(/expected I\/N/);
  });
});
