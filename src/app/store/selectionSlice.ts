import type { StateCreator } from 'zustand';
import type { DiagramAxis } from '../../core/settings/schema';
import type { RunRecord } from '../../core/sweep/records';
import { runId } from '../../core/sweep/records';
import type { AppState, SelectionSlice } from './types';

/** Horizontal position of a run's column on the diagram for this axis. */
export function axisValue(axis: DiagramAxis, r: { depth: number; width: number }): number {
  switch (axis) {
    case 'd/w':
      return r.depth / r.width;
    case '1/w':
      return 1 / r.width;
    case 'd':
      return r.depth;
    case 'w':
      return r.width;
  }
}

/** Runs in the rectangle spanned by two runs in (axis value, c). */
export function runsBetween(
  runs: Iterable<RunRecord>,
  axis: DiagramAxis,
  a: RunRecord,
  b: RunRecord,
): string[] {
  const [x0, x1] = [axisValue(axis, a), axisValue(axis, b)].sort((p, q) => p - q) as [
    number,
    number,
  ];
  const [c0, c1] = [a.c, b.c].sort((p, q) => p - q) as [number, number];
  const eps = 1e-12;
  const out: string[] = [];
  for (const r of runs) {
    const x = axisValue(axis, r);
    if (x >= x0 - eps && x <= x1 + eps && r.c >= c0 * (1 - eps) && r.c <= c1 * (1 + eps))
      out.push(runId(r));
  }
  return out;
}

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set) => ({
  selected: new Set(),
  focusedId: null,
  anchorId: null,
  hovered: null,
  select: (id, mode) =>
    set((st) => {
      if (mode === 'toggle') {
        const next = new Set(st.selected);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return { selected: next, focusedId: id, anchorId: id };
      }
      if (mode === 'range') {
        const a = st.anchorId !== null ? st.runs[st.anchorId] : undefined;
        const b = st.runs[id];
        if (a && b) {
          const ids = runsBetween(Object.values(st.runs), st.settings.axis, a, b);
          return { selected: new Set([...st.selected, ...ids]), focusedId: id };
        }
      }
      return { selected: new Set([id]), focusedId: id, anchorId: id };
    }),
  setSelection: (ids) =>
    set({
      selected: new Set(ids),
      focusedId: ids[ids.length - 1] ?? null,
      anchorId: ids[0] ?? null,
    }),
  clearSelection: () => set({ selected: new Set(), anchorId: null }),
  setHovered: (hovered) => set({ hovered }),
});
