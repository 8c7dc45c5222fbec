/**
 * Resuming a sweep from its own results file: check that the file belongs to this sweep (same
 * result-affecting settings, same shard), then hand its finished runs to `runSweep` as `done`, so
 * that only what is missing is computed and every run ends up in the file once.
 */
import type { Settings } from '../settings/schema';
import { columnId, runId, type ColumnKey, type RunRecord } from './records';
import { describeDifferences, settingsDifferences, type ShardSpec } from './header';
import { describeProblems, type LineProblem, type ResultsFile } from './resultsFile';
import { formatShard } from './shard';

export interface ResumePlan {
  /** Finished runs of this sweep, each once: `runSweep`'s `done`. */
  done: RunRecord[];
  /** Columns whose column record the file already has (not to be written again). */
  columnsWritten: Set<string>;
  /** The file's complete lines end here (UTF-16 index into its text): cut what follows before appending. */
  keepLength: number;
  /** The file has no header yet (it is empty, or only a cut-off first line): write one first. */
  needsHeader: boolean;
  /** The unfinished last line that is dropped (its run, if any, is computed again). */
  dropped: LineProblem | null;
}

export type ResumeResult = { ok: true; value: ResumePlan } | { ok: false; error: string };

const shardText = (s: ShardSpec | null): string =>
  s === null ? 'a whole sweep' : `shard ${formatShard(s)}`;

/**
 * Decide how to resume into `file` (parsed from `name`) a sweep with `settings`, restricted to
 * the shard `shard` (null: the whole sweep) whose columns are `columns`. Refuses, naming the
 * reason, a file with invalid lines, without a header but with records, with other settings
 * (naming each setting that differs), of another shard, or with runs outside these columns.
 */
export function planResume(
  name: string,
  file: ResultsFile,
  settings: Settings,
  shard: ShardSpec | null,
  columns: readonly ColumnKey[],
): ResumeResult {
  if (file.problems.length > 0)
    return {
      ok: false,
      error: `${name} has lines that are not results of a sweep (${describeProblems(file.problems)}); fix the file or write to another --out`,
    };
  if (!file.header) {
    if (file.runs.length + file.columns.length > 0)
      return {
        ok: false,
        error: `${name} has records but no sweep header (written by an older phase-explorer?), so its settings cannot be checked; write to another --out, or merge it into a file with a header`,
      };
    return {
      ok: true,
      value: {
        done: [],
        columnsWritten: new Set(),
        keepLength: file.completeLength,
        needsHeader: true,
        dropped: file.unfinished,
      },
    };
  }
  const diffs = settingsDifferences(file.header.settings, settings);
  if (diffs.length > 0)
    return {
      ok: false,
      error: `${name} holds another sweep: ${describeDifferences(diffs, 'the file', 'this run')}. Resume with the file's settings or write to another --out`,
    };
  const theirs = file.header.header.shard;
  const same =
    theirs === null || shard === null
      ? theirs === shard
      : theirs.index === shard.index && theirs.count === shard.count;
  if (!same)
    return {
      ok: false,
      error: `${name} holds ${shardText(theirs)}; this is ${shardText(shard)} (give each shard its own --out)`,
    };
  const mine = new Set(columns.map(columnId));
  const outside = [...file.runs, ...file.columns].find((r) => !mine.has(columnId(r)));
  if (outside)
    return {
      ok: false,
      error: `${name} has records of column ${columnId(outside)}, which is not in ${shardText(shard)} of these settings`,
    };
  const done = new Map<string, RunRecord>();
  for (const r of file.runs) if (!done.has(runId(r))) done.set(runId(r), r);
  return {
    ok: true,
    value: {
      done: [...done.values()],
      columnsWritten: new Set(file.columns.map(columnId)),
      keepLength: file.completeLength,
      needsHeader: false,
      dropped: file.unfinished,
    },
  };
}
