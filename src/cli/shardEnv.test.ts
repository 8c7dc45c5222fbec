import { describe, expect, it } from 'vitest';
import { chooseShard } from './shardEnv';

const err = (r: ReturnType<typeof chooseShard>): string => (r.ok ? '' : r.error);

describe('chooseShard', () => {
  it('takes --shard as given, and nothing means the whole sweep', () => {
    expect(chooseShard('1/4', null, {})).toEqual({
      ok: true,
      shard: { index: 1, count: 4 },
      source: '--shard 1/4',
    });
    expect(chooseShard(null, null, {})).toEqual({ ok: true, shard: null, source: null });
    // --shard wins over the scheduler's variables (--shard 0/1 runs the whole sweep in an array task).
    expect(
      chooseShard('0/1', null, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '8' }),
    ).toMatchObject({
      shard: { index: 0, count: 1 },
    });
  });

  it('reads JOB_COMPLETION_INDEX with --shards, and says so', () => {
    expect(chooseShard(null, 6, { JOB_COMPLETION_INDEX: '5' })).toEqual({
      ok: true,
      shard: { index: 5, count: 6 },
      source: 'JOB_COMPLETION_INDEX=5 with --shards 6',
    });
    expect(err(chooseShard(null, 6, { JOB_COMPLETION_INDEX: '6' }))).toMatch(
      /not below --shards 6/,
    );
    expect(err(chooseShard(null, null, { JOB_COMPLETION_INDEX: '2' }))).toMatch(/--shards is not/);
    expect(err(chooseShard(null, 6, {}))).toMatch(/neither is set; give --shard I\/6/);
  });

  it('reads a Slurm array, from 0 or from any first id', () => {
    expect(
      chooseShard(null, null, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '8' }),
    ).toEqual({
      ok: true,
      shard: { index: 3, count: 8 },
      source: 'SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=8',
    });
    expect(
      chooseShard(null, 8, {
        SLURM_ARRAY_TASK_ID: '8',
        SLURM_ARRAY_TASK_COUNT: '8',
        SLURM_ARRAY_TASK_MIN: '1',
        SLURM_ARRAY_TASK_STEP: '1',
      }),
    ).toMatchObject({ shard: { index: 7, count: 8 } });
    expect(
      err(chooseShard(null, 4, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8' })),
    ).toMatch(/--shards 4 disagrees with .*SLURM_ARRAY_TASK_COUNT=8/);
    expect(
      err(chooseShard(null, null, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '8' })),
    ).toMatch(/--array=0-7/);
    expect(err(chooseShard(null, null, { SLURM_ARRAY_TASK_ID: '2' }))).toMatch(
      /SLURM_ARRAY_TASK_COUNT is not a count/,
    );
  });

  it('names a bad flag value', () => {
    expect(err(chooseShard('3/3', null, {}))).toMatch(
      /^--shard: shard index 3 is not below the count 3/,
    );
    expect(err(chooseShard('1/3', 4, {}))).toBe('--shard 1/3 disagrees with --shards 4');
    expect(err(chooseShard(null, 0, {}))).toMatch(/--shards must be a whole number/);
    expect(err(chooseShard(null, 2, { JOB_COMPLETION_INDEX: 'x' }))).toMatch(
      /JOB_COMPLETION_INDEX="x"/,
    );
  });
});
