import { useEffect, useMemo, useRef } from 'react';
import { compareRuns } from '../../core/sweep/order';
import { columnId, type RunRecord } from '../../core/sweep/records';
import { REGIME_COLORS, REGIME_NAMES } from '../charts/palette';
import { renderTrajectories, type TrajectorySeries } from '../charts/trajectories';
import { typicalRuns } from '../charts/typicalRuns';
import { useElementSize } from '../hooks/useElementSize';
import { useServices } from '../services';
import type { LiveRun } from '../store/types';
import { useApp } from '../store/store';

export const TRAJECTORY_SVG_ID = 'trajectories-svg';

/** At most this many runs are overlaid (a range selection can pick hundreds). */
const MAX_SERIES = 24;

function fmtC(c: number): string {
  return Number(c.toPrecision(3)).toString();
}

function label(
  r: { depth: number; width: number; seed: number; orderSeed: number; c: number },
  seeds: boolean,
): string {
  // The order seed J is named when it is not 0, as in column ids.
  const j = r.orderSeed !== 0 ? ` j=${r.orderSeed}` : '';
  return `d=${r.depth} w=${r.width}${seeds ? ` s=${r.seed}` : ''}${j} c=${fmtC(r.c)}`;
}

function ratio(values: readonly (number | null)[], ref: number): (number | null)[] {
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : v / ref));
}

function fromArray(a: Float64Array, scale = 1): (number | null)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v * scale : null));
}

export function seriesOfRun(r: RunRecord, seeds: boolean): TrajectorySeries {
  return {
    id: `${columnId(r)}-c${r.c}`,
    label: label(r, seeds),
    loss: ratio(r.loss, r.loss0),
    sharp: ratio(r.sharpness, r.lambda0),
    sharpRaw: r.sharpness,
    eta: r.eta,
  };
}

function seriesOfLive(l: LiveRun, lambda0: number | undefined, seeds: boolean): TrajectorySeries {
  const s: TrajectorySeries = {
    id: l.id,
    label: label(l, seeds),
    loss: fromArray(l.lossRatio),
    sharp: fromArray(l.sharpRatio),
    live: true,
  };
  if (lambda0 !== undefined) {
    s.sharpRaw = fromArray(l.sharpRatio, lambda0);
    s.eta = l.c / lambda0;
  }
  return s;
}

/** Loss and sharpness against step for the selected runs, plus the running cell, live. */
export function TrajectoryPanel() {
  const { store } = useServices();
  const runs = useApp((s) => s.runs);
  const live = useApp((s) => s.live);
  const columnStarts = useApp((s) => s.columnStarts);
  const selected = useApp((s) => s.selected);
  const lastRunId = useApp((s) => s.lastRunId);
  const steps = useApp((s) => s.settings.steps);
  const manySeeds = useApp((s) => s.settings.seeds.length > 1);
  const logY = useApp((s) => s.logY);
  const raw = useApp((s) => s.rawSharpness);
  const imported = useApp((s) => s.imported !== null);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width } = useElementSize(boxRef);
  const height = Math.round(Math.min(560, Math.max(340, width * 0.6)));

  const { series, hidden, source } = useMemo(() => {
    const chosen = [...selected]
      .map((id) => runs[id])
      .filter((r): r is RunRecord => r !== undefined);
    let source: 'selection' | 'latest' | 'typical' | 'none' =
      chosen.length > 0 ? 'selection' : 'none';
    const liveSeries = Object.values(live).map((l) =>
      seriesOfLive(l, columnStarts[columnId(l)]?.lambda0, manySeeds),
    );
    if (chosen.length === 0 && liveSeries.length === 0) {
      // Nothing picked and nothing running: one typical run per phase, in the regime colours
      // (not the last run, which after a sweep is usually a diverged one).
      const typical = typicalRuns(Object.values(runs));
      if (typical.length > 0)
        return {
          series: typical.map((r) => ({
            ...seriesOfRun(r, manySeeds),
            label: `${REGIME_NAMES[r.regime]}: ${label(r, manySeeds)}`,
            color: REGIME_COLORS[r.regime],
          })),
          hidden: 0,
          source: 'typical' as const,
        };
      if (lastRunId && runs[lastRunId]) {
        chosen.push(runs[lastRunId]);
        source = 'latest';
      }
    }
    chosen.sort(compareRuns);
    const all = [...chosen.map((r) => seriesOfRun(r, manySeeds)), ...liveSeries];
    return {
      series: all.slice(0, MAX_SERIES),
      hidden: Math.max(0, all.length - MAX_SERIES),
      source,
    };
  }, [selected, runs, live, columnStarts, lastRunId, manySeeds]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || width < 50) return;
    renderTrajectories(
      svg,
      { series },
      { width, height, logY, rawSharpness: raw, ...(imported ? {} : { steps }) },
    );
  }, [series, width, height, logY, raw, steps, imported]);

  return (
    <section className="panel trajectory-panel" aria-labelledby="trajectory-title">
      <div className="panel-head">
        <h2 id="trajectory-title">Trajectories</h2>
        <div className="panel-tools">
          <label className="inline-check">
            <input
              type="checkbox"
              checked={logY}
              onChange={(e) => store.getState().setLogY(e.target.checked)}
            />
            Log y
          </label>
          <label
            className="inline-check"
            title="Plot λ_t itself with each run's 2/η (edge of stability) line"
          >
            <input
              type="checkbox"
              checked={raw}
              onChange={(e) => store.getState().setRawSharpness(e.target.checked)}
            />
            Raw λ with 2/η
          </label>
        </div>
      </div>
      <div className="chart-box trajectory-box" ref={boxRef}>
        <svg
          id={TRAJECTORY_SVG_ID}
          ref={svgRef}
          width={width}
          height={height}
          data-testid="trajectories"
        />
        {series.length === 0 ? (
          <p className="chart-empty">
            Click a cell to see its loss and sharpness; the running cell is drawn live.
          </p>
        ) : null}
      </div>
      <p className="hint" data-testid="trajectory-caption">
        {source === 'typical'
          ? 'Nothing selected: one typical run per phase, in its regime colour. '
          : source === 'latest'
            ? 'Showing the latest run. '
            : source === 'selection'
              ? `${selected.size} selected${hidden > 0 ? ` (${hidden} not drawn)` : ''}. `
              : ''}
        {series.some((x) => x.live) ? 'Dashed: still running.' : ''}
      </p>
    </section>
  );
}
