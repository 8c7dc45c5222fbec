/**
 * The four critical values the diagram marks: core's c_loss, c_sharp and c_max, and c_barrier,
 * which core keeps apart (it is a column record field, not a core critical kind) because its
 * "censored" case is the demo's fallback c_barrier = c_max rather than a missing event.
 */
import {
  seedValue,
  summarizeCritical,
  type CriticalKind,
  type CriticalSummary,
  type SeedValue,
} from '../../../core/phase/summary';
import type { ColumnRecord } from '../../../core/sweep/records';

export type DiagramKind = CriticalKind | 'c_barrier';

/** In the demo's order, c_loss ≤ c_sharp ≤ c_barrier ≤ c_max: legends and tables list them so. */
export const DIAGRAM_KINDS: readonly DiagramKind[] = ['c_loss', 'c_sharp', 'c_barrier', 'c_max'];

type BarrierFields = Pick<ColumnRecord, CriticalKind | 'c_barrier' | 'barrierFallback'>;

/**
 * One seed's c_barrier: `seen` when a trainable run crossed a barrier; `censored` above c_max when
 * none did (the record's `barrierFallback`: c_barrier = c_max by the demo's rule, so the true onset
 * lies above the trainable range); `unknown` when the barrier was not measured or c_max is unknown.
 */
export function barrierSeedValue(column: Partial<BarrierFields>): SeedValue {
  const v = column.c_barrier;
  if (v === null || v === undefined || !Number.isFinite(v)) return { kind: 'unknown' };
  if (column.barrierFallback === true) return { kind: 'censored', above: v };
  return { kind: 'seen', c: v };
}

/** A seed's value of any of the four kinds. */
export function diagramSeedValue(column: BarrierFields, kind: DiagramKind): SeedValue {
  return kind === 'c_barrier' ? barrierSeedValue(column) : seedValue(column, kind);
}

/**
 * ⟨kind⟩ over the given columns (one architecture's seeds), censored seeds counted: for
 * c_barrier the fallback seeds are the censored ones, bounded by their c_max.
 */
export function summarizeKind(
  columns: readonly BarrierFields[],
  kind: DiagramKind,
): CriticalSummary {
  if (kind !== 'c_barrier') return summarizeCritical(columns, kind);
  // Recast each seed as a c_loss-shaped record whose value and bound are its c_barrier's, so the
  // one censored-summary rule of core/phase serves here too.
  const recast = columns.map((col) => {
    const v = barrierSeedValue(col);
    return {
      c_loss: v.kind === 'seen' ? v.c : null,
      c_sharp: null,
      c_max: v.kind === 'censored' ? v.above : null,
    };
  });
  return summarizeCritical(recast, 'c_loss');
}

/** True when any column carries a c_barrier (records from before it was measured do not). */
export function hasBarrierValues(columns: readonly Partial<BarrierFields>[]): boolean {
  return columns.some((c) => c.c_barrier !== undefined && c.c_barrier !== null);
}
