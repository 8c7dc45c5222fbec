/**
 * Merging results files of one sweep (its shards, or a run and its resumption) into one: every
 * file is validated, files of different sweeps are refused, duplicate runs are removed, column
 * records are recomputed from the runs, and what is still missing is reported.
 */
import type { Settings } from '../settings/schema';
import { columnId, runId, type ColumnRecord, type RunRecord } from './records';
import { describeDifferences, settingsDifferences, sweepHeader, type SweepHeader } from './header';
import { describeProblems, type ResultsFile } from './resultsFile';
import { sweepCoverage, type Coverage } from './coverage';
import { columnRecord } from './runSweep';

export interface MergeInput {
  /** File name, for messages. */
  name: string;
  file: ResultsFile;
}

export interface MergeResult {
  settings: Settings;
  /** The merged file's header (no shard). */
  header: SweepHeader;
  /** The merged records in the order one sweep would write them: per column, runs then column. */
  records: (RunRecord | ColumnRecord)[];
  coverage: Coverage;
  /** Run records read, and how many of them repeated a run already read. */
  runsRead: number;
  duplicates: number;
  /** Repeated runs whose values differ from the first copy (e.g. computed on another backend). */
  conflicting: string[];
  /** Column records in the files that disagree with the recomputed ones. */
  staleColumns: string[];
  /** Non-fatal things to tell the user (cut-off last lines). */
  warnings: string[];
  /** The shard count the files agree on (null: none recorded, or they differ). */
  shardCount: number | null;
}

export type MergeOutcome = { ok: true; value: MergeResult } | { ok: false; error: string };

/** A run's values without its timing, for comparing two copies of it. */
function withoutTiming(r: RunRecord): string {
  const { seconds: _seconds, ...rest } = r;
  return JSON.stringify(rest);
}

function sameColumn(a: ColumnRecord, b: ColumnRecord): boolean {
  return (
    a.lambda0 === b.lambda0 &&
    a.loss0 === b.loss0 &&
    a.c_loss === b.c_loss &&
    a.c_sharp === b.c_sharp &&
    a.c_max === b.c_max &&
    a.runs === b.runs
  );
}

/**
 * Merge parsed results files. Refused (with the file, line or setting named): no files; a line
 * that is not a valid record; a file without a sweep header; files with different
 * result-affecting settings; records of columns the settings do not plan. A cut-off last line
 * (a writer killed mid-line) is left out with a warning.
 */
export function mergeResults(inputs: readonly MergeInput[]): MergeOutcome {
  const first = inputs[0];
  if (!first) return { ok: false, error: 'no files to merge' };
  const warnings: string[] = [];
  for (const { name, file } of inputs) {
    if (file.problems.length > 0)
      return { ok: false, error: `${name}: ${describeProblems(file.problems)}` };
    if (!file.header)
      return {
        ok: false,
        error:
          file.runs.length + file.columns.length > 0
            ? `${name} has no sweep header (written by an older phase-explorer?): its settings cannot be checked`
            : `${name} is empty (no sweep header, no records)`,
      };
    if (file.unfinished)
      warnings.push(
        `${name}: line ${file.unfinished.line} is cut off (${file.unfinished.reason}) and left out`,
      );
  }
  const settings = first.file.header!.settings;
  for (const { name, file } of inputs.slice(1)) {
    const diffs = settingsDifferences(settings, file.header!.settings);
    if (diffs.length > 0)
      return {
        ok: false,
        error: `${name} is from another sweep than ${first.name}: ${describeDifferences(diffs, first.name, name)}`,
      };
  }

  const runs = new Map<string, RunRecord>();
  const conflicting: string[] = [];
  let runsRead = 0;
  let duplicates = 0;
  for (const { file } of inputs)
    for (const r of file.runs) {
      runsRead++;
      const id = runId(r);
      const prior = runs.get(id);
      if (!prior) runs.set(id, r);
      else {
        duplicates++;
        if (withoutTiming(prior) !== withoutTiming(r)) conflicting.push(id);
      }
    }
  const coverage = sweepCoverage(settings, [...runs.values()]);
  const planned = new Set(coverage.columns.map((c) => columnId(c.key)));
  for (const { name, file } of inputs) {
    const stray = [...file.runs, ...file.columns].find((r) => !planned.has(columnId(r)));
    if (stray)
      return {
        ok: false,
        error: `${name} has records of column ${columnId(stray)}, which these settings do not plan`,
      };
  }

  // Column records from the runs the planner uses, as runSweep computes them.
  const recomputed = new Map<string, ColumnRecord>();
  for (const col of coverage.columns) {
    const first = col.runs[0];
    if (col.state === 'complete' && first)
      recomputed.set(
        columnId(col.key),
        columnRecord(col.key, first.lambda0, first.loss0, col.runs, settings.sharpEpsilon),
      );
  }
  const staleColumns = new Set<string>();
  for (const { file } of inputs)
    for (const col of file.columns) {
      const mine = recomputed.get(columnId(col));
      if (mine && !sameColumn(mine, col)) staleColumns.add(columnId(col));
    }

  const records: (RunRecord | ColumnRecord)[] = [];
  for (const col of coverage.columns) {
    records.push(...col.runs, ...col.extra);
    const record = recomputed.get(columnId(col.key));
    if (record) records.push(record);
  }
  const backends = [
    ...new Set(inputs.map((i) => i.file.header!.header.backend).filter((b) => b !== null)),
  ];
  const counts = [...new Set(inputs.map((i) => i.file.header!.header.shard?.count ?? null))];
  return {
    ok: true,
    value: {
      settings,
      header: sweepHeader(settings, null, backends.length > 0 ? backends.join(' + ') : null),
      records,
      coverage,
      runsRead,
      duplicates,
      conflicting,
      staleColumns: [...staleColumns],
      warnings,
      shardCount: counts.length === 1 ? (counts[0] ?? null) : null,
    },
  };
}
