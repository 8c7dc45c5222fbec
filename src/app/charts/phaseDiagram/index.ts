/**
 * The phase diagram: one cell per run at (x, c), x = d/w, 1/w, d or w (log scale), c = η·λ₀ on a
 * log₂ scale, coloured by regime, with the critical values of each column (c_loss, c_sharp,
 * c_barrier, c_max) and their fits across columns (linear in d/w or 1/w, and power laws; the
 * legend hides or shows each kind's lines). Before a run, the settings' planned grid gives the
 * axes and empty cell outlines. A plain d3 render function: the host owns the <svg> and calls
 * `renderPhaseDiagram` again whenever data or options change; cells are joined by run id, so a
 * re-render updates in place and keeps keyboard focus.
 *
 * Geometry. Columns with the same x share one slot; the slot boundaries lie halfway (in log x)
 * between neighbouring slots, so the cells tile the plane (for log-uniform x they are centred on
 * their x). Inside a slot the sub-columns (one per (depth, width, seed) with seedMode 'all', one
 * per (depth, width) with seedMode 'mean') sit side by side. Within a sub-column each cell spans
 * halfway (in log₂ c) to its neighbours, at most one octave either way, so a bisection sweep's
 * uneven c values tile too. seedMode 'mean' draws the cells of the smallest seed of each
 * (depth, width) only, and the markers at the seed mean of c_loss / c_sharp / c_max with a whisker
 * over the seeds' range; 'all' (the default) draws every seed in its own sub-column.
 */
export type {
  PhaseDiagramData,
  PhaseDiagramOptions,
  PlannedGrid,
  RunningCell,
  SeedMode,
  SelectMode,
} from './types';
export { CRITICAL_KINDS, type CriticalKind } from '../../../core/phase/summary';
export {
  DIAGRAM_KINDS,
  diagramSeedValue,
  hasBarrierValues,
  summarizeKind,
  type DiagramKind,
} from './kinds';
export {
  axisValue,
  boxesOverlap,
  layoutPhaseDiagram,
  type Box,
  type CellGeom,
  type FitGeom,
  type LegendLayout,
  type MarkerGeom,
  type PhaseDiagramLayout,
  type PlannedCellGeom,
  type RefLabelGeom,
  type SlotTick,
  type SubColumn,
} from './layout';
export {
  AXIS_TITLES,
  BARRIER_FALLBACK_TEXT,
  CRITICAL_LABELS,
  Y_TITLE,
  cellAriaLabel,
  cellTitle,
  columnCriticalWords,
  formatC,
} from './words';
export { neighbourCell } from './interaction';
export { renderPhaseDiagram } from './render';
