/**
 * One typical run per regime, for the curves shown when nothing is selected: a lecturer's "this
 * is what each phase looks like" without hunting for cells. Divergence is left out (its curve
 * only blows up, and its scale would flatten the others).
 */
import { REGIMES, columnId, type Regime, type RunRecord } from '../../core/sweep/records';

/**
 * The runs to show, in regime order (calm to violent), at most one per regime. The column with
 * the most regimes is preferred (so the curves differ only in c); a regime it lacks is taken from
 * the column with the most runs of that regime. Within a column, the run of median c in the
 * regime: the middle of its band, away from the borders where a run is half one thing.
 */
export function typicalRuns(runs: readonly RunRecord[]): RunRecord[] {
  const byColumn = new Map<string, Map<Regime, RunRecord[]>>();
  for (const r of runs) {
    if (r.regime === 'divergence') continue;
    const id = columnId(r);
    let col = byColumn.get(id);
    if (!col) byColumn.set(id, (col = new Map()));
    const list = col.get(r.regime);
    if (list) list.push(r);
    else col.set(r.regime, [r]);
  }
  if (byColumn.size === 0) return [];
  // Ties go to the first column in id order, so the choice does not depend on arrival order.
  const ids = [...byColumn.keys()].sort();
  const richest = ids.reduce((best, id) =>
    (byColumn.get(id)?.size ?? 0) > (byColumn.get(best)?.size ?? 0) ? id : best,
  );
  const median = (list: RunRecord[]): RunRecord => {
    const sorted = [...list].sort((a, b) => a.c - b.c);
    return sorted[Math.floor((sorted.length - 1) / 2)] as RunRecord;
  };
  const out: RunRecord[] = [];
  for (const regime of REGIMES) {
    let list = byColumn.get(richest)?.get(regime);
    if (!list) {
      for (const id of ids) {
        const other = byColumn.get(id)?.get(regime);
        if (other && (!list || other.length > list.length)) list = other;
      }
    }
    if (list) out.push(median(list));
  }
  return out;
}
