/**
 * One typical run per regime, for the "typical run per phase" small multiples a lecturer shows
 * without hunting for cells: "this is what each phase looks like".
 */
import { REGIMES, columnId, type Regime, type RunRecord } from '../../core/sweep/records';

function byColumnAndRegime(runs: readonly RunRecord[]): Map<string, Map<Regime, RunRecord[]>> {
  const byColumn = new Map<string, Map<Regime, RunRecord[]>>();
  for (const r of runs) {
    const id = columnId(r);
    let col = byColumn.get(id);
    if (!col) byColumn.set(id, (col = new Map()));
    const list = col.get(r.regime);
    if (list) list.push(r);
    else col.set(r.regime, [r]);
  }
  return byColumn;
}

/**
 * The column with the most regimes (ties: the first column id in sort order, so the choice does
 * not depend on arrival order), or null without runs.
 */
export function richestColumn(runs: readonly RunRecord[]): string | null {
  const byColumn = byColumnAndRegime(runs);
  const ids = [...byColumn.keys()].sort();
  if (ids.length === 0) return null;
  return ids.reduce((best, id) =>
    (byColumn.get(id)?.size ?? 0) > (byColumn.get(best)?.size ?? 0) ? id : best,
  );
}

/**
 * The runs to show, in regime order (calm to violent), one per regime present.
 *
 * Picked automatically per column: with `column` given, from that column alone; otherwise from
 * the column with the most regimes (so the curves differ only in c), and a regime it lacks from
 * the column with the most runs of that regime. Within a column, the run of median c in the
 * regime: the middle of its band, away from the borders where a run is half one thing. A column
 * stops at its first divergence, so its divergence is usually that one run.
 */
export function typicalRuns(runs: readonly RunRecord[], column?: string): RunRecord[] {
  const byColumn = byColumnAndRegime(runs);
  if (byColumn.size === 0) return [];
  const ids = [...byColumn.keys()].sort();
  const home = column ?? richestColumn(runs);
  const median = (list: RunRecord[]): RunRecord => {
    const sorted = [...list].sort((a, b) => a.c - b.c);
    return sorted[Math.floor((sorted.length - 1) / 2)] as RunRecord;
  };
  const out: RunRecord[] = [];
  for (const regime of REGIMES) {
    let list = home === null ? undefined : byColumn.get(home)?.get(regime);
    if (!list && column === undefined) {
      for (const id of ids) {
        const other = byColumn.get(id)?.get(regime);
        if (other && (!list || other.length > list.length)) list = other;
      }
    }
    if (list) out.push(median(list));
  }
  return out;
}
