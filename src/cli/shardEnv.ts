/**
 * Which shard of a sweep this process runs: `--shard I/N`, or `--shards N` with the index from
 * the scheduler (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job), or a Slurm job array's own
 * SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. The result says where it came from, for the
 * line the CLI prints on standard error.
 */
import { formatShard, MAX_SHARDS, parseShardSpec } from '../core/sweep/shard';
import type { ShardSpec } from '../core/sweep/header';

/** The scheduler variables read, in the order they are tried. */
export const SHARD_ENV = {
  kubernetesIndex: 'JOB_COMPLETION_INDEX',
  slurmTaskId: 'SLURM_ARRAY_TASK_ID',
  slurmTaskCount: 'SLURM_ARRAY_TASK_COUNT',
  slurmTaskMin: 'SLURM_ARRAY_TASK_MIN',
  slurmTaskStep: 'SLURM_ARRAY_TASK_STEP',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

export type ShardChoice =
  { ok: true; shard: ShardSpec | null; source: string | null } | { ok: false; error: string };

const intOf = (text: string | undefined): number | null =>
  text !== undefined && /^\s*\d+\s*$/.test(text) ? Number(text) : null;

/** The shard of a Slurm array task, or an error that says how to submit the array. */
function fromSlurm(env: Env, count: number | null): ShardChoice | null {
  const idText = env[SHARD_ENV.slurmTaskId];
  if (idText === undefined || idText === '') return null;
  const id = intOf(idText);
  const n = intOf(env[SHARD_ENV.slurmTaskCount]);
  const min = intOf(env[SHARD_ENV.slurmTaskMin]) ?? 0;
  const step = intOf(env[SHARD_ENV.slurmTaskStep]) ?? 1;
  if (id === null)
    return {
      ok: false,
      error: `${SHARD_ENV.slurmTaskId}=${JSON.stringify(idText)} is not a task number`,
    };
  if (n === null || n < 1)
    return {
      ok: false,
      error: `${SHARD_ENV.slurmTaskId} is set but ${SHARD_ENV.slurmTaskCount} is not a count (${JSON.stringify(env[SHARD_ENV.slurmTaskCount] ?? '')}); give --shard I/N`,
    };
  if (count !== null && count !== n)
    return {
      ok: false,
      error: `--shards ${count} disagrees with the Slurm array's ${SHARD_ENV.slurmTaskCount}=${n}`,
    };
  // Tasks are numbered from the array's first id in steps of its step (--array=1-8 is fine).
  const offset = id - min;
  const index = step > 0 && offset % step === 0 ? offset / step : -1;
  if (index < 0 || index >= n)
    return {
      ok: false,
      error: `Slurm task ${id} of an array of ${n} (first ${min}, step ${step}) is not one of ${n} evenly spaced tasks; submit with --array=0-${n - 1}`,
    };
  return {
    ok: true,
    shard: { index, count: n },
    source: `${SHARD_ENV.slurmTaskId}=${id}, ${SHARD_ENV.slurmTaskCount}=${n}${min !== 0 ? `, ${SHARD_ENV.slurmTaskMin}=${min}` : ''}`,
  };
}

/**
 * Decide the shard. `shard`: the `--shard I/N` text; `shards`: `--shards N`. Without either, a
 * Slurm array task is sharded by its own variables (give `--shard 0/1` to run the whole sweep in
 * each task); a Kubernetes index without `--shards` is an error, since the Job's completion count
 * is not in the pod's environment.
 */
export function chooseShard(shard: string | null, shards: number | null, env: Env): ShardChoice {
  if (shards !== null && (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS))
    return { ok: false, error: `--shards must be a whole number from 1 to ${MAX_SHARDS}` };
  if (shard !== null) {
    const p = parseShardSpec(shard);
    if (!p.ok) return { ok: false, error: `--shard: ${p.error}` };
    if (shards !== null && shards !== p.value.count)
      return { ok: false, error: `--shard ${shard} disagrees with --shards ${shards}` };
    return { ok: true, shard: p.value, source: `--shard ${formatShard(p.value)}` };
  }
  const k8sText = env[SHARD_ENV.kubernetesIndex];
  const k8s = k8sText === undefined || k8sText === '' ? null : intOf(k8sText);
  if (k8sText !== undefined && k8sText !== '' && k8s === null)
    return {
      ok: false,
      error: `${SHARD_ENV.kubernetesIndex}=${JSON.stringify(k8sText)} is not an index`,
    };
  if (shards !== null) {
    if (k8s !== null) {
      if (k8s >= shards)
        return {
          ok: false,
          error: `${SHARD_ENV.kubernetesIndex}=${k8s} is not below --shards ${shards} (set the Job's completions to ${shards})`,
        };
      return {
        ok: true,
        shard: { index: k8s, count: shards },
        source: `${SHARD_ENV.kubernetesIndex}=${k8s} with --shards ${shards}`,
      };
    }
    const slurm = fromSlurm(env, shards);
    if (slurm) return slurm;
    return {
      ok: false,
      error: `--shards ${shards} needs the shard index from ${SHARD_ENV.kubernetesIndex} (a Kubernetes Indexed Job) or ${SHARD_ENV.slurmTaskId} (a Slurm array), and neither is set; give --shard I/${shards} instead`,
    };
  }
  const slurm = fromSlurm(env, null);
  if (slurm) return slurm;
  if (k8s !== null)
    return {
      ok: false,
      error: `${SHARD_ENV.kubernetesIndex}=${k8s} is set (a Kubernetes Indexed Job) but --shards is not: give --shards N with N the Job's completions (or --shard 0/1 for the whole sweep)`,
    };
  return { ok: true, shard: null, source: null };
}
