import { useEffect, useMemo, useRef, useState } from 'react';
import { compareRuns } from '../../core/sweep/order';
import { columnId, type RunRecord } from '../../core/sweep/records';
import { REGIME_COLORS, seriesColor } from '../charts/palette';
import { columnLabel, runLabel, seriesOfRun, typicalCells } from '../charts/runSeries';
import { BAND_NAMES, BAND_NUMERALS, BAND_RULES } from '../charts/regimeBands';
import {
  multiplesGrid,
  renderSmallMultiples,
  type MultipleCell,
  type MultiplesHit,
  type MultiplesLayout,
} from '../charts/smallMultiples';
import { LONG_RUN_STEPS, compactNumber } from '../charts/stepAxis';
import {
  renderTrajectories,
  trajectoryLegendHeight,
  type TrajectoryLayout,
  type TrajectorySeries,
} from '../charts/trajectories';
import { richestColumn } from '../charts/typicalRuns';
import { useElementSize } from '../hooks/useElementSize';
import { useServices } from '../services';
import type { LiveRun } from '../store/types';
import { useApp } from '../store/store';

export const TRAJECTORY_SVG_ID = 'trajectories-svg';

/** At most this many runs are overlaid (a range selection can pick hundreds). */
const MAX_SERIES = 24;
/** At most this many runs are listed in the hover readout. */
const READOUT_MAX = 6;

type View = 'typical' | 'overlay';

function fromArray(a: Float64Array, scale = 1): (number | null)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v * scale : null));
}

function seriesOfLive(l: LiveRun, lambda0: number | undefined, seeds: boolean): TrajectorySeries {
  const s: TrajectorySeries = {
    id: l.id,
    label: runLabel(l, seeds),
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

/** A value for the readout: three significant digits, compact when large. */
function fmtValue(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : compactNumber(v, 3);
}

interface ReadoutRow {
  key: string;
  color: string;
  name: string;
  text: string;
}

interface Readout {
  x: number;
  y: number;
  boxWidth: number;
  title: string;
  rows: ReadoutRow[];
}

function readoutRow(s: TrajectorySeries, step: number, raw: boolean, color: string): ReadoutRow {
  const diverged = s.divergedAt !== undefined && s.divergedAt !== null && step >= s.divergedAt;
  const loss = s.loss[step];
  const sharp = raw ? s.sharpRaw?.[step] : s.sharp[step];
  const parts = [
    `L/L₀ ${fmtValue(loss)}`,
    raw ? `λ ${fmtValue(sharp)}` : `λ/λ₀ ${fmtValue(sharp)}`,
  ];
  if (raw && s.eta !== undefined && s.eta > 0) parts.push(`2/η ${fmtValue(2 / s.eta)}`);
  const past = step >= Math.max(s.loss.length, s.sharp.length);
  return {
    key: s.id,
    color,
    name: s.label,
    text: past ? 'no step here' : `${parts.join(' · ')}${diverged ? ' (diverged)' : ''}`,
  };
}

/**
 * Loss and sharpness against step: a typical run per phase as small multiples, or the selected
 * runs overlaid (plus the running cell, live). Long runs get a log step axis and regime bands.
 */
export function TrajectoryPanel() {
  const { store } = useServices();
  const runs = useApp((s) => s.runs);
  const live = useApp((s) => s.live);
  const columnStarts = useApp((s) => s.columnStarts);
  const selected = useApp((s) => s.selected);
  const lastRunId = useApp((s) => s.lastRunId);
  const steps = useApp((s) => s.settings.steps);
  const divergenceLoss = useApp((s) => s.settings.divergenceLoss);
  const manySeeds = useApp((s) => s.settings.seeds.length > 1);
  const logY = useApp((s) => s.logY);
  const raw = useApp((s) => s.rawSharpness);
  const imported = useApp((s) => s.imported !== null);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const overlayLayout = useRef<TrajectoryLayout | null>(null);
  const multiplesLayout = useRef<MultiplesLayout | null>(null);
  const { width } = useElementSize(boxRef);
  const baseHeight = Math.round(Math.min(560, Math.max(340, width * 0.6)));

  // 'auto' follows the selection (a click shows the clicked runs; clearing it shows the typical
  // runs again); the toggle picks a view until the selection next changes.
  const [view, setView] = useState<View | 'auto'>('auto');
  useEffect(() => setView('auto'), [selected]);
  const [column, setColumn] = useState<string>('auto');
  const [logStepsChoice, setLogStepsChoice] = useState<boolean | null>(null);
  const [readout, setReadout] = useState<Readout | null>(null);

  const allRuns = useMemo(() => Object.values(runs), [runs]);
  const columns = useMemo(() => {
    const seen = new Map<string, RunRecord>();
    for (const r of allRuns) if (!seen.has(columnId(r))) seen.set(columnId(r), r);
    return [...seen.entries()].sort(([, a], [, b]) => compareRuns(a, b));
  }, [allRuns]);
  const chosenColumn = column !== 'auto' && columns.some(([id]) => id === column) ? column : null;

  const typicalCellsShown: MultipleCell[] = useMemo(
    () =>
      typicalCells(allRuns, {
        column: chosenColumn ?? undefined,
        seeds: manySeeds,
        divergenceLoss,
      }),
    [allRuns, chosenColumn, manySeeds, divergenceLoss],
  );
  const liveSeries = useMemo(
    () =>
      Object.values(live).map((l) =>
        seriesOfLive(l, columnStarts[columnId(l)]?.lambda0, manySeeds),
      ),
    [live, columnStarts, manySeeds],
  );

  // Automatically, the multiples need two phases to compare (one run, such as the long
  // "Four regimes" run, is better shown with its bands); and while a cell runs with nothing
  // selected, its live curve is worth more than they are.
  const autoView: View =
    selected.size === 0 && liveSeries.length === 0 && typicalCellsShown.length >= 2
      ? 'typical'
      : 'overlay';
  const shown: View =
    view === 'auto'
      ? autoView
      : view === 'typical' && typicalCellsShown.length > 0
        ? 'typical'
        : 'overlay';

  const { series, hidden, source } = useMemo(() => {
    const chosen = [...selected]
      .map((id) => runs[id])
      .filter((r): r is RunRecord => r !== undefined);
    let source: 'selection' | 'latest' | 'none' = chosen.length > 0 ? 'selection' : 'none';
    if (chosen.length === 0 && liveSeries.length === 0) {
      // Nothing picked: the latest run that did not diverge (after a sweep the very last run is
      // usually the column's divergence, whose curve says little).
      const last = lastRunId ? runs[lastRunId] : undefined;
      const calm =
        last && !last.diverged
          ? last
          : [...allRuns]
              .filter((r) => !r.diverged)
              .sort(compareRuns)
              .at(-1);
      const pick = calm ?? last;
      if (pick) {
        chosen.push(pick);
        source = 'latest';
      }
    }
    chosen.sort(compareRuns);
    const all = [...chosen.map((r) => seriesOfRun(r, manySeeds, divergenceLoss)), ...liveSeries];
    return {
      series: all.slice(0, MAX_SERIES),
      hidden: Math.max(0, all.length - MAX_SERIES),
      source,
    };
  }, [selected, runs, allRuns, liveSeries, lastRunId, manySeeds, divergenceLoss]);

  const shownSeries = shown === 'typical' ? typicalCellsShown.map((c) => c.series) : series;
  const maxLen = Math.max(0, ...shownSeries.map((s) => s.loss.length));
  const lastStep = imported ? maxLen - 1 : Math.max(steps, maxLen - 1);
  const longRun = lastStep >= LONG_RUN_STEPS;
  const logSteps = logStepsChoice ?? longRun;

  const height =
    shown === 'typical'
      ? multiplesGrid(typicalCellsShown.length, width).height
      : baseHeight + trajectoryLegendHeight(series, width);

  const [bandsShown, setBandsShown] = useState(false);
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || width < 50) return;
    setReadout(null);
    const stepOpt = imported ? {} : { steps };
    if (shown === 'typical') {
      overlayLayout.current = null;
      multiplesLayout.current = renderSmallMultiples(svg, typicalCellsShown, {
        width,
        logY,
        rawSharpness: raw,
        logSteps,
        ...stepOpt,
      });
      setBandsShown(false);
    } else {
      multiplesLayout.current = null;
      overlayLayout.current = renderTrajectories(
        svg,
        { series },
        {
          width,
          height: baseHeight,
          logY,
          rawSharpness: raw,
          logSteps,
          bands: longRun,
          emptyText: 'Click a cell to see its loss and sharpness; the running cell is drawn live.',
          ...stepOpt,
        },
      );
      setBandsShown(overlayLayout.current.bands.length > 0);
    }
  }, [
    shown,
    typicalCellsShown,
    series,
    width,
    baseHeight,
    logY,
    raw,
    steps,
    imported,
    logSteps,
    longRun,
  ]);

  const onPointer = (e: React.PointerEvent<SVGSVGElement>): void => {
    const svg = svgRef.current;
    const box = boxRef.current;
    if (!svg || !box) return;
    const at = svg.getBoundingClientRect();
    const px = e.clientX - at.left;
    const py = e.clientY - at.top;
    const place = (title: string, rows: ReadoutRow[]): void => {
      const b = box.getBoundingClientRect();
      setReadout({ x: e.clientX - b.left, y: e.clientY - b.top, boxWidth: b.width, title, rows });
    };
    if (multiplesLayout.current) {
      const hit: MultiplesHit | null = multiplesLayout.current.hit(px, py);
      multiplesLayout.current.setHover(hit);
      const cell = hit ? typicalCellsShown[hit.index] : undefined;
      if (!hit || !cell) return setReadout(null);
      place(`${cell.title} · step ${hit.step}`, [
        {
          ...readoutRow(cell.series, hit.step, raw, REGIME_COLORS[cell.regime]),
          name: cell.subtitle,
        },
      ]);
      return;
    }
    const layout = overlayLayout.current;
    if (!layout) return;
    const step = layout.stepAt(px, py);
    layout.setHover(step);
    if (step === null || series.length === 0) return setReadout(null);
    const rows = series
      .slice(0, READOUT_MAX)
      .map((s, i) => readoutRow(s, step, raw, s.color ?? seriesColor(i)));
    if (series.length > READOUT_MAX)
      rows.push({
        key: 'more',
        color: 'transparent',
        name: '',
        text: `and ${series.length - READOUT_MAX} more`,
      });
    place(`step ${step}`, rows);
  };
  const onLeave = (): void => {
    overlayLayout.current?.setHover(null);
    multiplesLayout.current?.setHover(null);
    setReadout(null);
  };

  const selectedRun = series.length === 1 && source !== 'none' ? series[0] : undefined;
  const selectedRecord =
    selectedRun && shown === 'overlay'
      ? allRuns.find((r) => `${columnId(r)}-c${r.c}` === selectedRun.id)
      : undefined;

  return (
    <section className="panel trajectory-panel" aria-labelledby="trajectory-title">
      <div className="panel-head">
        <h2 id="trajectory-title">Trajectories</h2>
        <div className="panel-tools">
          <div className="inline-check" role="group" aria-label="Trajectory view">
            <label className="inline-check">
              <input
                type="radio"
                name="trajectory-view"
                checked={shown === 'typical'}
                disabled={typicalCellsShown.length === 0}
                onChange={() => setView('typical')}
              />
              Typical run per phase
            </label>
            <label className="inline-check">
              <input
                type="radio"
                name="trajectory-view"
                checked={shown === 'overlay'}
                onChange={() => setView('overlay')}
              />
              Selected runs
            </label>
          </div>
          {shown === 'typical' && columns.length > 1 ? (
            <label className="inline-check">
              Column
              <select
                value={chosenColumn ?? 'auto'}
                onChange={(e) => setColumn(e.target.value)}
                data-testid="typical-column"
              >
                <option value="auto">
                  auto ({columnLabelOf(richestColumn(allRuns), columns, manySeeds)})
                </option>
                {columns.map(([id, r]) => (
                  <option key={id} value={id}>
                    {columnLabel(r, manySeeds)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="inline-check">
            <input
              type="checkbox"
              checked={logY}
              onChange={(e) => store.getState().setLogY(e.target.checked)}
            />
            Log y
          </label>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={logSteps}
              onChange={(e) => setLogStepsChoice(e.target.checked)}
            />
            Log steps
          </label>
          <label className="inline-check">
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
          data-view={shown}
          onPointerMove={onPointer}
          onPointerLeave={onLeave}
        />
        {readout ? (
          // The numbers beside the cursor, rounded (no native tooltips with raw floats).
          <div
            className="hover-float"
            data-testid="trajectory-readout"
            style={
              readout.x + 270 > readout.boxWidth
                ? { right: readout.boxWidth - readout.x + 14, top: readout.y + 14 }
                : { left: readout.x + 14, top: readout.y + 14 }
            }
          >
            <strong>{readout.title}</strong>
            {readout.rows.map((row) => (
              <span key={row.key}>
                <span style={{ color: row.color }} aria-hidden="true">
                  ●{' '}
                </span>
                {row.name ? `${row.name}: ` : ''}
                {row.text}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      <p className="hint" data-testid="trajectory-caption">
        {shown === 'typical'
          ? `A typical run per phase (median c of each regime in ${
              chosenColumn ? 'the chosen column' : 'the column with the most regimes'
            }), in its regime colour. `
          : source === 'latest'
            ? `Showing the latest run${
                selectedRecord && !selectedRecord.diverged ? ' that did not diverge' : ''
              }. `
            : source === 'selection'
              ? `${selected.size} selected${hidden > 0 ? ` (${hidden} not drawn)` : ''}. `
              : ''}
        {shownSeries.some((s) => s.divergedAt !== undefined && s.divergedAt !== null)
          ? 'A diverged curve is cut at the top of its panel and marked where it diverged. '
          : ''}
        {shownSeries.some((x) => x.live) ? 'Dashed: still running.' : ''}
      </p>
      {bandsShown ? (
        <p className="hint" data-testid="band-help">
          Bands from this run’s own λ_t/(2/η):{' '}
          {(['transient', 'saturation', 'sharpening', 'edge'] as const)
            .map((k) => `(${BAND_NUMERALS[k]}) ${BAND_NAMES[k]}: ${BAND_RULES[k]}`)
            .join('; ')}
          .{selectedRun?.saturation ? ' Dotted line: the saturation step τ = K/c.' : ''}
        </p>
      ) : null}
    </section>
  );
}

function columnLabelOf(
  id: string | null,
  columns: readonly (readonly [string, RunRecord])[],
  seeds: boolean,
): string {
  const r = columns.find(([c]) => c === id)?.[1];
  return r ? columnLabel(r, seeds) : 'none';
}
