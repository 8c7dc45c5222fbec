/**
 * Finished runs and columns as CSV, JSON and JSON Lines (the CLI's format, so a file exported
 * here can be imported again or merged with CLI results).
 */
import type { Settings } from '../../core/settings/schema';
import { encodeSettings } from '../../core/settings/url';
import {
  depthOverWidthPoints,
  fitLinear,
  fitPowerLaw,
  inverseWidthPoints,
} from '../../core/phase/fit';
import {
  boundaryValues,
  COLUMN_CRITICALS,
  summarizeColumns,
  type CriticalSummary,
} from '../../core/phase/summary';
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

/**
 * One row per architecture: λ₀, L₀ and each critical value over its columns (`seeds`: the
 * (init seed, order seed) pairs averaged). For each critical value:
 * the mean and sample sd over the seeds that saw the event (`_seen` of them), the number
 * censored (event not seen before divergence) and their bound (`_above`: every censored value
 * exceeds it), and the seeds with neither (`_unknown`: nothing diverged yet).
 */
export function seedSummaryToCsv(columns: readonly ColumnRecord[]): string {
  const critical = (k: string) =>
    ['mean_seen', 'sd_seen', 'seen', 'censored', 'above', 'unknown'].map((f) => `${k}_${f}`);
  const header = [
    'depth',
    'width',
    'seeds',
    'runs',
    'lambda0_mean',
    'lambda0_sd',
    'loss0_mean',
    'loss0_sd',
    ...COLUMN_CRITICALS.flatMap(critical),
  ];
  const cells = (s: CriticalSummary) => [
    s.seen.mean,
    s.seen.n > 1 ? s.seen.std : null,
    s.seen.n,
    s.censored,
    s.above,
    s.unknown,
  ];
  const rows = summarizeColumns(columns).map((g) =>
    [
      g.depth,
      g.width,
      g.pairs.length,
      g.runs,
      g.lambda0.mean,
      g.lambda0.n > 1 ? g.lambda0.std : null,
      g.loss0.mean,
      g.loss0.n > 1 ? g.loss0.std : null,
      ...COLUMN_CRITICALS.flatMap((k) => cells(g[k])),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

/**
 * The boundary fits of each critical value through the per-architecture seed means (censored
 * architectures left out): linear c ≈ a + b·x against x = d/w and against x = 1/w at each depth,
 * and the power law c ≈ a·(d/w)^b (so `b` is a slope for `linear`, an exponent for `power`).
 * `r2` is empty below three points (two fit any line exactly).
 */
export function boundaryFitsToCsv(columns: readonly ColumnRecord[]): string {
  const summaries = summarizeColumns(columns);
  const rows: string[] = [];
  const row = (
    kind: string,
    model: string,
    against: string,
    depth: number | null,
    fit: { a: number; slope: number; r2: number | null; n: number } | null,
  ) => {
    if (!fit) return;
    rows.push(
      [kind, model, against, depth, fit.a, fit.slope, fit.r2, fit.n].map(csvCell).join(','),
    );
  };
  for (const k of COLUMN_CRITICALS) {
    const values = boundaryValues(summaries, k);
    const lin = fitLinear(depthOverWidthPoints(values));
    row(k, 'linear', 'd/w', null, lin && { ...lin, slope: lin.b });
    for (const depth of [...new Set(values.map((v) => v.depth))].sort((a, b) => a - b)) {
      const f = fitLinear(inverseWidthPoints(values, depth));
      row(k, 'linear', '1/w', depth, f && { ...f, slope: f.b });
    }
    const pow = fitPowerLaw(depthOverWidthPoints(values));
    row(k, 'power', 'd/w', null, pow && { ...pow, slope: pow.p });
  }
  const header = 'critical,model,against,depth,a,b,r2,points';
  return [header, ...rows].join('\n') + '\n';
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
