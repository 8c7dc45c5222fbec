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
import { parseResultsText } from '../core/sweep/resultsFile';
import { planResume } from '../core/sweep/resume';

export interface ResultsWriter {
  write(record: SweepHeader | RunRecord | ColumnRecord): void;
  close(): void;
}

export interface ResultsOut {
  /** Finished runs found in the file (empty for a new file). */
  done: RunRecord[];
  /** Columns whose record the file already has. */
  columnsWritten: Set<string>;
  /** What will happen to the file, for standard error. */
  note: string;
  /**
   * Create the file with its header, or cut an existing one back to its last complete line and
   * open it for appending. `backend` goes into a new header (provenance).
   */
  open(backend: string | null): ResultsWriter;
}

export type OpenResult = { ok: true; value: ResultsOut } | { ok: false; error: string };

/**
 * Check `file` for the sweep `settings` (shard `shard`, whose columns are `columns`) before any
 * work is done: a new file, or one of this sweep and shard to resume. Nothing is written until
 * `open`; a refusal (another sweep's file, a broken line) leaves the file untouched.
 */
export function prepareResultsOut(
  file: string,
  settings: Settings,
  shard: ShardSpec | null,
  columns: readonly ColumnKey[],
): OpenResult {
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      return { ok: false, error: `cannot read ${file}: ${(e as Error).message}` };
  }
  const writer = (fd: number): ResultsWriter => ({
    write: (record) => {
      fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    },
    close: () => fs.closeSync(fd),
  });
  if (text === null)
    return {
      ok: true,
      value: {
        done: [],
        columnsWritten: new Set(),
        note: `writing ${file}`,
        open: (backend) => {
          const fd = fs.openSync(file, 'wx');
          fs.writeSync(fd, `${JSON.stringify(sweepHeader(settings, shard, backend))}\n`);
          return writer(fd);
        },
      },
    };
  const existing = text;
  const parsed = parseResultsText(existing);
  const plan = planResume(file, parsed, settings, shard, columns);
  if (!plan.ok) return plan;
  const { done, columnsWritten, dropped, keepLength, needsHeader } = plan.value;
  const cut = dropped
    ? `; line ${dropped.line} was cut off (${dropped.reason}) and is dropped`
    : '';
  return {
    ok: true,
    value: {
      done,
      columnsWritten,
      note:
        done.length > 0 || columnsWritten.size > 0
          ? `resuming ${file}: ${done.length} runs and ${columnsWritten.size} columns already there${cut}`
          : `writing ${file} (it held no records yet${cut})`,
      open: (backend) => {
        // Cut the unfinished last line so the next record starts on a line of its own.
        fs.truncateSync(file, Buffer.byteLength(existing.slice(0, keepLength), 'utf8'));
        const fd = fs.openSync(file, 'a');
        if (needsHeader)
          fs.writeSync(fd, `${JSON.stringify(sweepHeader(settings, shard, backend))}\n`);
        return writer(fd);
      },
    },
  };
}
