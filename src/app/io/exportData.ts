/**
 * Finished runs and columns as CSV, JSON and JSON Lines (the CLI's format, so a file exported
 * here can be imported again or merged with CLI results).
 */
import type { Settings } from '../../core/settings/schema';
import { encodeSettings } from '../../core/settings/url';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NaN';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A per-step series as one cell: values separated by ';', missing values as NaN. */
function seriesCell(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null || !Number.isFinite(v) ? 'NaN' : String(v))).join(';');
}

function sortRuns(runs: readonly RunRecord[]): RunRecord[] {
  return [...runs].sort(
    (a, b) => a.depth - b.depth || a.width - b.width || a.seed - b.seed || a.c - b.c,
  );
}

function sortColumns(columns: readonly ColumnRecord[]): ColumnRecord[] {
  return [...columns].sort((a, b) => a.depth - b.depth || a.width - b.width || a.seed - b.seed);
}

const RUN_FIELDS = [
  'depth',
  'width',
  'seed',
  'c',
  'eta',
  'lambda0',
  'loss0',
  'diverged',
  'divergedAt',
  'regime',
  'lossRatioMax',
  'sharpRatioMax',
  'sharpRatioFinal',
  'seconds',
] as const;

/** One row per run; `loss`, `sharpness` and `lanczosIters` hold t = 0..T separated by ';'. */
export function runsToCsv(runs: readonly RunRecord[]): string {
  const header = [...RUN_FIELDS, 'loss', 'sharpness', 'lanczosIters'].join(',');
  const rows = sortRuns(runs).map((r) =>
    [
      ...RUN_FIELDS.map((f) => csvCell(r[f])),
      seriesCell(r.loss),
      seriesCell(r.sharpness),
      seriesCell(r.lanczosIters),
    ].join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

const COLUMN_FIELDS = [
  'depth',
  'width',
  'seed',
  'lambda0',
  'loss0',
  'c_loss',
  'c_sharp',
  'c_max',
  'runs',
] as const;

export function columnsToCsv(columns: readonly ColumnRecord[]): string {
  const rows = sortColumns(columns).map((c) => COLUMN_FIELDS.map((f) => csvCell(c[f])).join(','));
  return [COLUMN_FIELDS.join(','), ...rows].join('\n') + '\n';
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
