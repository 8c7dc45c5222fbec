import { useEffect, useMemo, useRef } from 'react';
import type { RunRecord } from '../../core/sweep/records';
import {
  curveOfRun,
  interpolationEmptyText,
  pickInterpolationRuns,
  renderInterpolation,
  type InterpolationCurve,
} from '../charts/interpolation';
import { useElementSize } from '../hooks/useElementSize';
import { useApp } from '../store/store';
import { usePanelOpen } from '../hooks/usePanelOpen';

export const INTERPOLATION_SVG_ID = 'interpolation-svg';

/** At most this many curves are drawn (a range selection can pick hundreds). */
const MAX_CURVES = 24;

/**
 * The loss along θ₀ → θ_T of the selected runs (or, with nothing selected, the runs around a
 * column's c_barrier, else one typical run per regime): where a loss barrier appears. Collapsible,
 * below the diagram.
 */
export function InterpolationPanel() {
  const runsById = useApp((s) => s.runs);
  const columnsById = useApp((s) => s.columns);
  const selected = useApp((s) => s.selected);
  const barrierOn = useApp((s) => s.settings.barrier);
  const lecture = useApp((s) => s.lecture);
  const [open, setOpen] = usePanelOpen('interpolation', true);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width } = useElementSize(boxRef);
  const height = Math.round(Math.min(440, Math.max(280, width * 0.55)) * (lecture ? 1.15 : 1));

  const pick = useMemo(() => {
    const all = Object.values(runsById);
    const chosen = [...selected]
      .map((id) => runsById[id])
      .filter((r): r is RunRecord => r !== undefined);
    return pickInterpolationRuns(all, Object.values(columnsById), chosen, MAX_CURVES);
  }, [runsById, columnsById, selected]);

  const curves = useMemo(() => {
    // A tag only when the curves come from more than one column.
    const many = new Set(pick.runs.map((r) => `${r.depth}/${r.width}/${r.seed}`)).size > 1;
    const seeds = new Set(pick.runs.map((r) => r.seed)).size > 1;
    return pick.runs
      .map((r) =>
        curveOfRun(r, many ? `d=${r.depth} w=${r.width}${seeds ? ` s=${r.seed}` : ''}` : undefined),
      )
      .filter((c): c is InterpolationCurve => c !== null);
  }, [pick]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!open || !svg || width < 50) return;
    renderInterpolation(svg, { curves }, { width, height, fontScale: lecture ? 1.3 : 1 });
  }, [open, curves, width, height, lecture]);

  const withBarrier = curves.filter((c) => c.heightRatio > 0).length;
  return (
    <details
      className="panel collapsible-panel interpolation-panel"
      open={open}
      onToggle={(e) => {
        if (e.currentTarget.open !== open) setOpen(e.currentTarget.open);
      }}
      data-testid="interpolation-panel"
    >
      <summary>
        <h2 id="interpolation-title">Interpolation curves</h2>
        <span className="summary-note">loss along θ₀ → θ_T: loss barriers, c_barrier</span>
      </summary>
      <div className="chart-box interpolation-box" ref={boxRef}>
        <svg
          id={INTERPOLATION_SVG_ID}
          ref={svgRef}
          width={width}
          height={height}
          aria-labelledby="interpolation-title"
          data-testid="interpolation"
        />
        {pick.empty !== null ? (
          <p className="chart-empty" data-testid="interpolation-empty">
            {interpolationEmptyText(pick.empty)}
          </p>
        ) : null}
      </div>
      <p className="hint" data-testid="interpolation-caption">
        {pick.source === 'selection'
          ? `${curves.length} selected run${curves.length === 1 ? '' : 's'}${pick.left > 0 ? ` (${pick.left} without a curve or not drawn)` : ''}. `
          : pick.source === 'barrier'
            ? `Nothing selected: the runs around c_barrier of d = ${pick.runs[0]?.depth} w = ${pick.runs[0]?.width}, in their regime colours. `
            : pick.source === 'typical'
              ? 'Nothing selected and no barrier seen: one typical run per phase, in its regime colour. '
              : ''}
        {curves.length > 0
          ? `${withBarrier} of ${curves.length} cross${curves.length === 1 ? 'es' : ''} a barrier (the loss rises above L₀ on the line); τ* marks the top.`
          : ''}
        {!barrierOn
          ? ' Barrier measurement is off for new sweeps (the “Loss barrier” setting).'
          : ''}
      </p>
    </details>
  );
}
