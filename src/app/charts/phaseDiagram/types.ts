/** The phase diagram's public data and options (see index.ts for the whole picture). */
import type { DiagramAxis } from '../../../core/settings/schema';
import type { ColumnKey, ColumnRecord, RunRecord } from '../../../core/sweep/records';

export type SelectMode = 'replace' | 'toggle' | 'range';
export type SeedMode = 'mean' | 'all';

/** The run in progress, drawn as a dashed outline. */
export interface RunningCell {
  depth: number;
  width: number;
  seed: number;
  orderSeed: number;
  c: number;
}

/**
 * What the settings will run, so the axes show the grid before any result: every planned column
 * gets its place on the x axis and the c axis spans `cs` while a column is still to run.
 */
export interface PlannedGrid {
  /** The columns a sweep of the settings computes (depth, width, seed). */
  columns: readonly ColumnKey[];
  /** The c values of the settings' grid (any order; for bisection, the range searched). */
  cs: readonly number[];
  /**
   * Draw an empty outline for each planned (column, c) not run yet: true for a full grid; false
   * for bisection, whose c values are not known in advance.
   */
  outlines: boolean;
}

export interface PhaseDiagramData {
  runs: readonly RunRecord[];
  columns: readonly ColumnRecord[];
  running?: RunningCell | null | undefined;
  /**
   * The settings' plan. Ignored when a result lies outside it (results of other settings, e.g.
   * an import): the diagram then shows the results alone.
   */
  planned?: PlannedGrid | null | undefined;
}

export interface PhaseDiagramOptions {
  axis: DiagramAxis;
  /** Size of the whole svg in px (legend included). */
  width: number;
  height: number;
  /** Selected run ids (`runId`). */
  selected: ReadonlySet<string>;
  /**
   * The cell with the focus ring. When given (not undefined) it overrides the chart's own notion
   * on every render, so pass it together with `onFocusChange`; leave it undefined to let the chart
   * track focus itself (click, Tab, arrow keys). It never moves DOM focus.
   */
  focusedId?: string | null | undefined;
  /** click: 'replace'; shift-click or Shift+Enter: 'range'; ctrl/cmd-click or Ctrl+Enter: 'toggle'. */
  onSelect?: ((id: string, mode: SelectMode) => void) | undefined;
  /** Pointer over or focus on a cell (its element, to anchor a tooltip); null when it leaves. */
  onHover?: ((run: RunRecord | null, cell: SVGRectElement | null) => void) | undefined;
  /** The focused cell changed (DOM focus moved to a cell, by Tab, click or arrow keys). */
  onFocusChange?: ((id: string | null) => void) | undefined;
  seedMode?: SeedMode | undefined;
}
