/**
 * Which columns of a sweep a set of run records completes: the planner is replayed over the runs
 * of each column, exactly as `runSweep` replays it when it resumes, so "complete" here means that
 * a resumed sweep would compute nothing more for that column.
 */
import type { Settings } from '../settings/schema';
import { columnId, runId, type ColumnKey, type RunRecord } from './records';
import { planColumns, plannerFor } from './plan';

export type ColumnState = 'complete' | 'partial' | 'missing';

export interface ColumnCoverage {
  key: ColumnKey;
  state: ColumnState;
  /** The runs the planner uses, in the order it asked for them (the order a sweep writes them). */
  runs: RunRecord[];
  /** Runs of this column the planner does not ask for (none from phase-explorer's own sweeps). */
  extra: RunRecord[];
  /** The next c the column needs; null when complete. */
  next: number | null;
}

export interface Coverage {
  columns: ColumnCoverage[];
  complete: number;
  partial: number;
  missing: number;
  /** Runs whose column is not in the sweep at all. */
  outside: RunRecord[];
}

/**
 * Replay the planner of `settings` over `runs` (any order, duplicates by run id ignored) for every
 * planned column. Pure and tfjs-free, so the app can tell what an imported file lacks.
 */
export function sweepCoverage(settings: Settings, runs: readonly RunRecord[]): Coverage {
  const byColumn = new Map<string, Map<string, RunRecord>>();
  for (const r of runs) {
    const id = columnId(r);
    let m = byColumn.get(id);
    if (!m) byColumn.set(id, (m = new Map()));
    if (!m.has(runId(r))) m.set(runId(r), r);
  }
  const out: Coverage = { columns: [], complete: 0, partial: 0, missing: 0, outside: [] };
  const seen = new Set<string>();
  for (const key of planColumns(settings)) {
    const id = columnId(key);
    if (seen.has(id)) continue;
    seen.add(id);
    const mine = byColumn.get(id) ?? new Map<string, RunRecord>();
    const planner = plannerFor(settings);
    const used: RunRecord[] = [];
    let c = planner.next(used);
    while (c !== null) {
      const prior = mine.get(runId({ ...key, c }));
      if (!prior) break;
      used.push(prior);
      c = planner.next(used);
    }
    const usedIds = new Set(used.map(runId));
    const extra = [...mine.values()]
      .filter((r) => !usedIds.has(runId(r)))
      .sort((a, b) => a.c - b.c);
    const state: ColumnState = c === null ? 'complete' : mine.size > 0 ? 'partial' : 'missing';
    out.columns.push({ key: { ...key }, state, runs: used, extra, next: c });
    out[state]++;
  }
  for (const [id, m] of byColumn) if (!seen.has(id)) out.outside.push(...m.values());
  return out;
}

/** "d2-w64-s0, d2-w64-s1 and 3 more" for a list of columns. */
export function listColumns(keys: readonly ColumnKey[], max = 6): string {
  const ids = keys.slice(0, max).map(columnId);
  if (keys.length <= max) return ids.join(', ');
  return `${ids.join(', ')} and ${keys.length - max} more`;
}

/**
 * One sentence on what a set of results still lacks, for people: null when every column is
 * complete, else e.g. "2 of 30 columns missing (d8-w2048-s3, d8-w2048-s4); 1 incomplete
 * (d8-w1024-s0: 12 runs, next c = 3.249)".
 */
export function describeGaps(cov: Coverage): string | null {
  const total = cov.columns.length;
  const missing = cov.columns.filter((c) => c.state === 'missing');
  const partial = cov.columns.filter((c) => c.state === 'partial');
  if (missing.length === 0 && partial.length === 0) return null;
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(
      `${missing.length} of ${total} columns missing (${listColumns(missing.map((c) => c.key))})`,
    );
  if (partial.length > 0) {
    const shown = partial
      .slice(0, 4)
      .map(
        (c) =>
          `${columnId(c.key)}: ${c.runs.length} runs, next c = ${c.next?.toPrecision(4) ?? '?'}`,
      )
      .join('; ');
    const more = partial.length > 4 ? `; and ${partial.length - 4} more` : '';
    parts.push(
      `${partial.length}${missing.length > 0 ? '' : ` of ${total}`} incomplete (${shown}${more})`,
    );
  }
  return parts.join('; ');
}
