/**
 * Finished runs and columns as CSV, JSON and JSON Lines (the CLI's format, so a file exported
 * here can be imported again or merged with CLI results).
 */
import type { Settings } from '../../core/settings/schema';
import { encodeSettings } from '../../core/settings/url';
import { compareColumns, compareRuns } from '../../core/sweep/order';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { COLUMN_FIELDS, RUN_FIELDS } from '../../core/sweep/recordSchema';

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NaN';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A per-step series as one cell: values separated by ';', missing values as NaN. */
function seriesCell(values: unknown): string {
  if (!Array.isArray(values)) return '';
  return values
    .map((v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : 'NaN'))
    .join(';');
}

const sortRuns = (runs: readonly RunRecord[]): RunRecord[] => [...runs].sort(compareRuns);
const sortColumns = (columns: readonly ColumnRecord[]): ColumnRecord[] =>
  [...columns].sort(compareColumns);

/** CSV columns from the record schema: the scalars, then the per-step series. */
const RUN_SCALARS = RUN_FIELDS.filter((f) => f.csv && !f.series).map((f) => f.key);
const RUN_SERIES = RUN_FIELDS.filter((f) => f.csv && f.series).map((f) => f.key);
const COLUMN_KEYS = COLUMN_FIELDS.filter((f) => f.csv).map((f) => f.key);

/** One row per run; `loss`, `sharpness` and `lanczosIters` hold t = 0..T separated by ';'. */
export function runsToCsv(runs: readonly RunRecord[]): string {
  const header = [...RUN_SCALARS, ...RUN_SERIES].join(',');
  const rows = sortRuns(runs).map((r) =>
    [...RUN_SCALARS.map((f) => csvCell(r[f])), ...RUN_SERIES.map((f) => seriesCell(r[f]))].join(
      ',',
    ),
  );
  return [header, ...rows].join('\n') + '\n';
}

export function columnsToCsv(columns: readonly ColumnRecord[]): string {
  const rows = sortColumns(columns).map((c) => COLUMN_KEYS.map((f) => csvCell(c[f])).join(','));
  return [COLUMN_KEYS.join(','), ...rows].join('\n') + '\n';
}

export const JSON_FORMAT = 'phase-explorer-results';

/** Settings (as the link's hash and as values), runs and columns in one JSON document. */
export function resultsToJson(
  settings: Settings,
  runs: readonly RunRecord[],
  columns: readonly ColumnRecord[],
): string {
  return JSON.stringify(
    {
      format: JSON_FORMAT,
      version: 1,
      hash: encodeSettings(settings),
      settings,
      runs: sortRuns(runs),
      columns: sortColumns(columns),
    },
    null,
    1,
  );
}

/** JSON Lines as the CLI writes them: each column's runs, then the column. */
export function resultsToJsonl(
  runs: readonly RunRecord[],
  columns: readonly ColumnRecord[],
): string {
  const lines: string[] = [];
  for (const r of sortRuns(runs)) lines.push(JSON.stringify(r));
  for (const c of sortColumns(columns)) lines.push(JSON.stringify(c));
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
