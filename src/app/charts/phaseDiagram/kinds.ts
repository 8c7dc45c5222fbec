/**
 * The four critical values the diagram marks, in the demo's order c_loss ≤ c_sharp ≤ c_barrier ≤
 * c_max. The rules (a fallback c_barrier = c_max counted as censored above c_max) live once in
 * core/phase/summary.ts; this module only names them for the diagram and its table.
 */
import {
  COLUMN_CRITICALS,
  seedValue,
  summarizeCritical,
  type ColumnCritical,
  type CriticalFields,
  type CriticalSummary,
  type SeedValue,
} from '../../../core/phase/summary';

export type DiagramKind = ColumnCritical;

export const DIAGRAM_KINDS: readonly DiagramKind[] = COLUMN_CRITICALS;

/** A seed's value of any of the four kinds. */
export function diagramSeedValue(column: CriticalFields, kind: DiagramKind): SeedValue {
  return seedValue(column, kind);
}

/** ⟨kind⟩ over the given columns (one architecture's seeds), censored seeds counted. */
export function summarizeKind(
  columns: readonly CriticalFields[],
  kind: DiagramKind,
): CriticalSummary {
  return summarizeCritical(columns, kind);
}

/** True when any column carries a c_barrier (records from before it was measured do not). */
export function hasBarrierValues(
  columns: readonly Partial<Pick<CriticalFields, 'c_barrier'>>[],
): boolean {
  return columns.some((c) => c.c_barrier !== undefined && c.c_barrier !== null);
}
