/**
 * Shards: a sweep's columns (depth × width × init seed I × order seed J) split into N parts of about equal estimated
 * cost, computed from the settings alone, so that N machines that share nothing but the settings
 * each know their part. See README.md in this folder ("Shards").
 */
import type { DatasetName, Settings } from '../settings/schema';
import { columnId, columnKeyOf, type ColumnKey } from './records';
import { compareColumns } from './order';
import { planColumns, plannerFor } from './plan';
import { forwardFlops, lanczosFlops, runFlops } from '../train/flops';
import type { ModelSpec } from '../models/model';
import type { ShardSpec } from './header';

/**
 * Image shape [H, W, C] and classes of each dataset as the CLI loads it (the synthetic set is the
 * CLI's 8×8 one). Only ratios of costs matter to the partition; FCNs read the image flattened,
 * conv nets as an image (their FLOPs depend on H and W, not only on H·W·C).
 */
const DATASET_SHAPE: Record<
  Exclude<DatasetName, 'uv'>,
  { image: [number, number, number]; numClasses: number }
> = {
  mnist: { image: [28, 28, 1], numClasses: 10 },
  'fashion-mnist': { image: [28, 28, 1], numClasses: 10 },
  cifar10: { image: [32, 32, 3], numClasses: 10 },
  synthetic: { image: [8, 8, 1], numClasses: 10 },
};

/**
 * Lanczos iterations assumed per warm λ_t estimate, as a share of the maximum: the warm estimates
 * took 5–8 of at most 20 in docs/BENCH.md. Every column gets the same share, so the assumption
 * scales all costs alike and barely moves the partition.
 */
const WARM_ITERS_SHARE = 0.3;

/** Lanczos iterations to assume, where measured figures are at hand (docs/BENCH.md). */
export interface IterationAssumptions {
  /** Iterations of the cold λ_0 estimate (default: the cap, `lanczosMaxIters`). */
  lambda0Iters?: number;
  /** Iterations of each warm λ_t estimate (default: ⌈0.3 × cap⌉). */
  warmIters?: number;
}

/**
 * Estimated cost of one column in FLOPs (flops.ts): for an FCN, λ_0's cold Lanczos estimate,
 * then the column's most runs (the planner's `maxRuns`; a column that diverges early takes
 * fewer), each T SGD steps on B examples, the loss on M and a warm λ_t estimate. For the uv model
 * (exact arithmetic in plain JS, no matrix products) a count proportional to its work: 16 · w
 * operations per step. The conv nets (Myrtle, ResNet) are costed the same way with their own
 * product FLOPs from the model registry (convolutions on the dataset's image shape, the ResNet
 * stem included), so a conv column weighs what its convolutions cost, not what an FCN would.
 */
export function estimateColumnFlops(
  s: Settings,
  key: ColumnKey,
  iters: IterationAssumptions = {},
): number {
  const maxRuns = plannerFor(s).maxRuns;
  if (s.model === 'uv') return maxRuns * s.steps * 16 * key.width;
  const shape = DATASET_SHAPE[s.dataset === 'uv' ? 'synthetic' : s.dataset];
  const [h, w, ch] = shape.image;
  const spec: ModelSpec = {
    kind: s.model,
    depth: key.depth,
    width: key.width,
    inputDim: h * w * ch,
    input: shape.image,
    stem: s.stem,
    numClasses: shape.numClasses,
    activation: s.activation,
    param: s.param,
    readout: s.readout,
    bias: s.bias,
  };
  const m = s.measureSize;
  const warm = iters.warmIters ?? Math.max(1, Math.ceil(WARM_ITERS_SHARE * s.lanczosMaxIters));
  const cold = iters.lambda0Iters ?? s.lanczosMaxIters;
  const lambda0 = forwardFlops(spec, m) + lanczosFlops(spec, m, cold);
  const run = runFlops(spec, s.batch, m, new Array<number>(s.steps).fill(warm));
  return lambda0 + maxRuns * run;
}

/** One shard's part of a sweep. */
export interface Shard {
  index: number;
  /** Its columns, in the sweep's usual order (depth, width, I, then J). */
  columns: ColumnKey[];
  /** Sum of their estimated FLOPs. */
  flops: number;
}

/**
 * Split the sweep's columns into `count` shards by greedy longest-processing-time (Graham 1969):
 * columns in order of decreasing estimated cost, ties broken by (depth, width, I, J) ascending,
 * each to the shard with the least estimated cost so far, ties to the lowest index. The result is
 * a function of the settings and `count` only (not of the order of the depth, width or seed
 * lists), and its largest shard costs at most 4/3 of the best possible split's. A shard may be
 * empty when there are fewer columns than shards. Duplicate columns appear once.
 */
export function partitionColumns(s: Settings, count: number): Shard[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`partitionColumns: count must be a positive integer, got ${count}`);
  const unique = new Map<string, ColumnKey>();
  for (const k of planColumns(s)) unique.set(columnId(k), columnKeyOf(k));
  const costed = [...unique.values()].map((key) => ({ key, flops: estimateColumnFlops(s, key) }));
  costed.sort((a, b) => b.flops - a.flops || compareColumns(a.key, b.key));
  const shards: Shard[] = Array.from({ length: count }, (_, index) => ({
    index,
    columns: [],
    flops: 0,
  }));
  for (const { key, flops } of costed) {
    let best = shards[0]!;
    for (const sh of shards) if (sh.flops < best.flops) best = sh;
    best.columns.push(key);
    best.flops += flops;
  }
  const order = new Map(planColumns(s).map((k, i) => [columnId(k), i]));
  for (const sh of shards)
    sh.columns.sort((a, b) => order.get(columnId(a))! - order.get(columnId(b))!);
  return shards;
}

/** The columns of shard `spec.index` of `spec.count`. */
export function shardColumns(s: Settings, spec: ShardSpec): ColumnKey[] {
  return partitionColumns(s, spec.count)[spec.index]?.columns ?? [];
}

/** The shard (0-based) that holds a column, or null when the column is not in the sweep. */
export function shardOf(s: Settings, count: number, key: ColumnKey): number | null {
  const id = columnId(key);
  for (const sh of partitionColumns(s, count))
    if (sh.columns.some((k) => columnId(k) === id)) return sh.index;
  return null;
}

/**
 * Parse `I/N` (0 ≤ I < N; N ≥ 1, at most 100 000). The index is 0-based, as Kubernetes'
 * JOB_COMPLETION_INDEX and a Slurm array `--array=0-(N−1)` number them.
 */
export function parseShardSpec(
  text: string,
): { ok: true; value: ShardSpec } | { ok: false; error: string } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m)
    return {
      ok: false,
      error: `expected I/N (shard I of N, I from 0), got ${JSON.stringify(text.slice(0, 40))}`,
    };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS)
    return { ok: false, error: `the shard count must be 1 to ${MAX_SHARDS}, got ${count}` };
  if (index >= count)
    return {
      ok: false,
      error: `shard index ${index} is not below the count ${count} (indices run from 0 to ${count - 1})`,
    };
  return { ok: true, value: { index, count } };
}

/** Most shards a sweep is split into (more than any sweep has columns). */
export const MAX_SHARDS = 100_000;

/** "2/8" for shard index 2 of 8. */
export function formatShard(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}
