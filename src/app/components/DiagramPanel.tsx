import { useEffect, useMemo, useRef, useState } from 'react';
import { expandCGrid } from '../../core/settings/codec';
import { rowFor } from '../../core/settings/schema';
import { bisectRange, planColumns } from '../../core/sweep/plan';
import { columnId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import {
  CRITICAL_LABELS,
  columnCriticalWords,
  formatC,
  renderPhaseDiagram,
  type PlannedGrid,
  type RunningCell,
  type SeedMode,
} from '../charts/phaseDiagram';
import { REGIME_NAMES } from '../charts/palette';
import { useElementSize } from '../hooks/useElementSize';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { SettingField } from './SettingField';

export const DIAGRAM_SVG_ID = 'phase-diagram-svg';

function fmt(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return Number(v.toPrecision(digits)).toString();
}

function RunDetails({ run, column }: { run: RunRecord; column: ColumnRecord | undefined }) {
  return (
    <dl className="run-details">
      <div>
        <dt>Run</dt>
        <dd>
          d = {run.depth}, w = {run.width}, seed {run.seed}
        </dd>
      </div>
      <div>
        <dt>c</dt>
        <dd>
          {formatC(run.c)} (η = {fmt(run.eta, 3)})
        </dd>
      </div>
      <div>
        <dt>Regime</dt>
        <dd>{REGIME_NAMES[run.regime]}</dd>
      </div>
      <div>
        <dt>λ₀, L₀</dt>
        <dd>
          {fmt(run.lambda0, 3)}, {fmt(run.loss0, 3)}
        </dd>
      </div>
      <div>
        <dt>max L/L₀</dt>
        <dd>{fmt(run.lossRatioMax, 3)}</dd>
      </div>
      <div>
        <dt>max λ/λ₀</dt>
        <dd>{fmt(run.sharpRatioMax, 3)}</dd>
      </div>
      <div>
        <dt>λ_T/λ₀</dt>
        <dd>
          {run.diverged ? `diverged at step ${run.divergedAt ?? '?'}` : fmt(run.sharpRatioFinal, 3)}
        </dd>
      </div>
      {column
        ? // The run's column: its critical values, c_barrier's fallback and censored ones in words.
          columnCriticalWords(column).map(({ kind, text }) => (
            <div key={kind} data-testid={`readout-${kind}`}>
              <dt title={CRITICAL_LABELS[kind]}>{kind}</dt>
              <dd>{text}</dd>
            </div>
          ))
        : null}
    </dl>
  );
}

/**
 * Height for a given width: the legend sits to the right from about 650 px on (the chart's own
 * rule), and below the plot on narrower screens, where it needs about 320 px of its own.
 */
export function diagramHeight(width: number): number {
  if (width >= 650) return Math.round(Math.min(640, Math.max(380, width * 0.55)));
  // The legend below holds up to about 20 rows (c_barrier and fit notes included, long ones wrapped).
  return Math.round(Math.max(260, width * 0.6) + 330);
}

/** The phase diagram: c (log2) against d/w, cells coloured by regime, filled as runs finish. */
export function DiagramPanel() {
  const { store } = useServices();
  const runsById = useApp((s) => s.runs);
  const columnsById = useApp((s) => s.columns);
  const axis = useApp((s) => s.settings.axis);
  const selected = useApp((s) => s.selected);
  const focusedId = useApp((s) => s.focusedId);
  const hovered = useApp((s) => s.hovered);
  const [seedMode, setSeedMode] = useState<SeedMode>('mean');
  const [anchor, setAnchor] = useState<{ x: number; y: number; boxWidth: number } | null>(null);
  const lecture = useApp((s) => s.lecture);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width } = useElementSize(boxRef);
  const height = diagramHeight(width);

  const runs = useMemo(() => Object.values(runsById), [runsById]);
  // (Init seed, order seed) pairs present in the results (imported files carry their own).
  const seeds = useMemo(() => new Set(runs.map((r) => `${r.seed}/${r.orderSeed}`)).size, [runs]);
  const columns = useMemo(() => Object.values(columnsById), [columnsById]);
  // Steps of the running cell arrive many times a second; the diagram only cares which cell it is.
  const runningKey = useApp((s) => {
    const cells = Object.values(s.live);
    const last = cells[cells.length - 1];
    return last ? `${last.depth}/${last.width}/${last.seed}/${last.orderSeed}/${last.c}` : '';
  });
  const running: RunningCell | null = useMemo(() => {
    if (!runningKey) return null;
    const [depth, width, seed, orderSeed, c] = runningKey.split('/').map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return { depth, width, seed, orderSeed, c };
  }, [runningKey]);

  // The settings' plan, so the axes show the grid (and empty cells) before any run.
  const planSettings = useApp((s) => s.settings);
  const planned: PlannedGrid = useMemo(() => {
    const grid = planSettings.search === 'grid';
    const range = bisectRange(planSettings);
    return {
      columns: planColumns(planSettings),
      cs: grid ? expandCGrid(planSettings.cGrid) : [2 ** range.start, 2 ** range.stop],
      outlines: grid,
    };
  }, [planSettings]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || width < 50) return;
    renderPhaseDiagram(
      svg,
      { runs, columns, running, planned },
      {
        axis,
        width,
        height,
        selected,
        focusedId,
        seedMode: seeds > 1 ? seedMode : 'all',
        onSelect: (id, mode) => store.getState().select(id, mode),
        onHover: (run, el) => {
          store.getState().setHovered(run);
          // Where the readout goes in lecture mode: beside the cell, inside the chart box.
          const box = boxRef.current?.getBoundingClientRect();
          const at = el?.getBoundingClientRect();
          setAnchor(
            run && box && at
              ? { x: at.right - box.left + 8, y: at.top - box.top, boxWidth: box.width }
              : null,
          );
        },
        onFocusChange: (id) => store.setState({ focusedId: id }),
      },
    );
  }, [
    runs,
    columns,
    running,
    planned,
    axis,
    width,
    height,
    selected,
    focusedId,
    seedMode,
    seeds,
    store,
  ]);

  const focusedRun = focusedId ? runsById[focusedId] : undefined;
  const shown = hovered ?? focusedRun ?? null;
  const setting = useApp((s) => s.settings);

  return (
    <section className="panel diagram-panel" aria-labelledby="diagram-title">
      <div className="panel-head">
        <h2 id="diagram-title">Phase diagram</h2>
        <div className="panel-tools">
          <SettingField
            row={rowFor('axis')}
            value={setting.axis}
            disabled={false}
            onCommit={(v) => {
              store.getState().setSetting('axis', v as typeof setting.axis);
              return null;
            }}
          />
          {seeds > 1 ? (
            <label className="inline-check">
              <input
                type="checkbox"
                checked={seedMode === 'all'}
                onChange={(e) => setSeedMode(e.target.checked ? 'all' : 'mean')}
              />
              Show every seed
            </label>
          ) : null}
        </div>
      </div>
      <div
        className="chart-box diagram-box"
        ref={boxRef}
        onKeyDown={(e) => {
          // Escape clears the selection (the focused cell keeps focus, for the arrow keys).
          if (e.key === 'Escape' && store.getState().selected.size > 0) {
            e.preventDefault();
            store.getState().clearSelection();
          }
        }}
      >
        <svg
          id={DIAGRAM_SVG_ID}
          ref={svgRef}
          width={width}
          height={height}
          data-testid="phase-diagram"
        />
        {lecture && hovered && anchor ? (
          // Lecture mode: the numbers next to the cursor, rounded, large enough for a projector.
          <div
            className="hover-float"
            data-testid="hover-float"
            style={
              anchor.x + 260 > anchor.boxWidth
                ? { right: anchor.boxWidth - anchor.x + 24, top: anchor.y }
                : { left: anchor.x, top: anchor.y }
            }
          >
            <strong>{REGIME_NAMES[hovered.regime]}</strong>
            <span>
              d = {hovered.depth}, w = {hovered.width}, c = {formatC(hovered.c)}
            </span>
            <span>
              max L/L₀ {fmt(hovered.lossRatioMax, 3)}
              {hovered.diverged
                ? `, diverged at step ${hovered.divergedAt ?? '?'}`
                : `, λ_T/λ₀ ${fmt(hovered.sharpRatioFinal, 2)}`}
            </span>
          </div>
        ) : null}
      </div>
      <div className="hover-card" aria-live="off">
        {shown ? (
          <RunDetails run={shown} column={columnsById[columnId(shown)]} />
        ) : (
          <p className="hint">
            Hover or focus a cell for its numbers. Click to select, shift-click for a range,
            Ctrl-click to add; arrow keys move between cells, Escape clears the selection.
          </p>
        )}
      </div>
    </section>
  );
}
