/**
 * The sweep's `--out FILE`: a new file starts with the sweep header; an existing one is checked
 * (same settings, same shard), cut back to its last complete line and appended to, and its
 * finished runs are handed to the sweep so they are not computed again. Each record is written
 * with one synchronous append, so a process killed at any moment leaves whole lines and at most
 * one cut-off last line, which the next start drops.
 */
import fs from 'node:fs';
import type { Settings } from '../core/settings/schema';
import type { ColumnKey, ColumnRecord, RunRecord } from '../core/sweep/records';
import { sweepHeader, type ShardSpec, type SweepHeader } from '../core/sweep/header';
import { parseResultsText, type RecordCheck } from '../core/sweep/resultsFile';
import { planResume } from '../core/sweep/resume';

export interface ResultsOut {
  write(record: SweepHeader | RunRecord | ColumnRecord): void;
  close(): void;
  /** Finished runs found in the file (empty for a new file). */
  done: RunRecord[];
  /** Columns whose record the file already has. */
  columnsWritten: Set<string>;
  /** What happened to the file, for standard error. */
  note: string;
}

export type OpenResult = { ok: true; value: ResultsOut } | { ok: false; error: string };

/**
 * Open `file` for the sweep `settings` (shard `shard`, whose columns are `columns`), resuming it
 * when it exists. Errors (another sweep's file, a broken line) leave the file untouched.
 */
export function openResultsOut(
  file: string,
  settings: Settings,
  shard: ShardSpec | null,
  columns: readonly ColumnKey[],
  backend: string | null,
  check: RecordCheck,
): OpenResult {
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      return { ok: false, error: `cannot read ${file}: ${(e as Error).message}` };
  }
  const header = sweepHeader(settings, shard, backend);
  let fd: number;
  let done: RunRecord[] = [];
  let columnsWritten = new Set<string>();
  let note: string;
  if (text === null) {
    fd = fs.openSync(file, 'wx');
    fs.writeSync(fd, `${JSON.stringify(header)}\n`);
    note = `writing ${file}`;
  } else {
    const parsed = parseResultsText(text, check);
    const plan = planResume(file, parsed, settings, shard, columns);
    if (!plan.ok) return plan;
    ({ done, columnsWritten } = plan.value);
    // Cut the unfinished last line so the next record starts on a line of its own.
    fs.truncateSync(file, Buffer.byteLength(text.slice(0, plan.value.keepLength), 'utf8'));
    fd = fs.openSync(file, 'a');
    if (plan.value.needsHeader) fs.writeSync(fd, `${JSON.stringify(header)}\n`);
    const dropped = plan.value.dropped
      ? `; line ${plan.value.dropped.line} was cut off (${plan.value.dropped.reason}) and is dropped`
      : '';
    const other =
      parsed.header?.header.backend && backend && parsed.header.header.backend !== backend
        ? `; its runs so far came from backend ${parsed.header.header.backend}, the rest will from ${backend}`
        : '';
    note =
      done.length > 0 || columnsWritten.size > 0
        ? `resuming ${file}: ${done.length} runs and ${columnsWritten.size} columns already there${dropped}${other}`
        : `writing ${file} (it held no records yet${dropped})`;
  }
  return {
    ok: true,
    value: {
      write: (record) => {
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
      },
      close: () => fs.closeSync(fd),
      done,
      columnsWritten,
      note,
    },
  };
}
