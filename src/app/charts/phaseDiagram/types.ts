/** The phase diagram's public data and options (see index.ts for the whole picture). */
import type { DiagramAxis } from '../../../core/settings/schema';
import type { ColumnRecord, RunRecord } from '../../../core/sweep/records';

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

export interface PhaseDiagramData {
  runs: readonly RunRecord[];
  columns: readonly ColumnRecord[];
  running?: RunningCell | null | undefined;
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
