/**
 * What a sweep will compute and how far it got: cells done / total, cells per minute, ETA.
 * Pure functions of the settings and the finished records.
 */
import { expandCGrid } from '../../core/settings/codec';
import type { Settings } from '../../core/settings/schema';
import { planColumns } from '../../core/sweep/plan';
import { columnId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';

export interface Progress {
  /** Finished cells of the planned columns. */
  done: number;
  /**
   * Cells the sweep will have computed when it ends: a finished column counts its runs, an
   * unfinished one the whole c grid (it may stop earlier, at its first divergence). Null for
   * bisection, whose number of runs is not known in advance.
   */
  total: number | null;
}

export function progressOf(
  settings: Settings,
  runs: Readonly<Record<string, RunRecord>>,
  columns: Readonly<Record<string, ColumnRecord>>,
): Progress {
  const perColumn = new Map<string, number>();
  for (const r of Object.values(runs)) {
    const id = columnId(r);
    perColumn.set(id, (perColumn.get(id) ?? 0) + 1);
  }
  const planned = planColumns(settings);
  const gridSize = expandCGrid(settings.cGrid).length;
  let done = 0;
  let total = 0;
  for (const col of planned) {
    const id = columnId(col);
    const n = perColumn.get(id) ?? 0;
    done += n;
    total += columns[id] ? n : Math.max(n, gridSize);
  }
  return { done, total: settings.search === 'grid' ? total : null };
}

/** Cells per minute and the time left, from the cells computed while the sweep was active. */
export function rateAndEta(
  computed: number,
  activeMs: number,
  remaining: number | null,
): { perMinute: number | null; etaMs: number | null } {
  if (computed < 1 || activeMs < 1000) return { perMinute: null, etaMs: null };
  const perMinute = (computed / activeMs) * 60_000;
  const etaMs = remaining === null ? null : (remaining / perMinute) * 60_000;
  return { perMinute, etaMs };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
