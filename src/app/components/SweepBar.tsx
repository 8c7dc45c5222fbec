import { useEffect, useMemo, useState } from 'react';
import {
  CONFIRM_ABOVE_S,
  etaOf,
  measuredRate,
  plannedWork,
  readMeasuredRate,
  typicalRate,
  writeMeasuredRate,
  type Rate,
} from '../eta';
import {
  loadPrecomputedIndex,
  precomputedAlternative,
  type PrecomputedEntry,
} from '../precomputed';
import { presetById } from '../presets';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import { formatDuration, progressOf, rateAndEta } from '../sweep/progress';
import { PoolControl } from './PoolControl';
import { isSoftwareAdapter } from '../sweep/poolSize';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const STATUS_TEXT = {
  idle: 'Ready',
  starting: 'Starting',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping',
  done: 'Finished',
  stopped: 'Stopped',
  error: 'Stopped by an error',
} as const;

/** Run / Pause / Stop with progress: cells done of total, cells per minute and the time left. */
export function SweepBar() {
  const { controller, clearResults, reloadResults, runStore, store } = useServices();
  /** What Clear results removed, until the next sweep or settings change (for Undo). */
  const [cleared, setCleared] = useState<{
    key: string;
    runs: RunRecord[];
    columns: ColumnRecord[];
  } | null>(null);
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const runs = useApp((s) => s.runs);
  const columns = useApp((s) => s.columns);
  const sweepComputed = useApp((s) => s.sweepComputed);
  const activeMs = useApp((s) => s.activeMs);
  const activeSince = useApp((s) => s.activeSince);
  const message = useApp((s) => s.statusMessage);
  const error = useApp((s) => s.error);
  const imported = useApp((s) => s.imported);
  const importedRuns = Object.keys(runs).length;
  // Results from a link or shipped with the app give way to Run; an imported file does not.
  const shownOnly = imported !== null && (imported.source ?? 'file') !== 'file';
  /** Asking before a long sweep starts (the estimate is over CONFIRM_ABOVE_S). */
  const [confirming, setConfirming] = useState(false);
  const start = (): void => {
    setConfirming(false);
    if (!shownOnly) controller.start();
    else void reloadResults().then(() => controller.start());
  };
  const [shipped, setShipped] = useState<PrecomputedEntry[]>([]);
  useEffect(() => {
    let live = true;
    void loadPrecomputedIndex().then((index) => live && setShipped(index));
    return () => {
      live = false;
    };
  }, []);
  const workerState = useApp((s) => s.workerState);
  const persistence = useApp((s) => s.persistence);
  const restored = useApp((s) => s.restoredRuns);
  // Step of the running cell: long runs (hundreds of steps) show their own progress.
  const liveStep = useApp((s) => {
    const cells = Object.values(s.live);
    return cells.length > 0 ? Math.max(...cells.map((c) => c.step)) : null;
  });
  const [now, setNow] = useState(() => performance.now());
  const resultsKey = useApp((s) => s.resultsKey);
  const fieldErrors = useApp((s) => s.fieldErrors);
  const badFields = Object.values(fieldErrors);
  // Undo is offered for the results it removed only: gone once they are replaced.
  useEffect(() => {
    if (cleared && (resultsKey !== cleared.key || status !== 'idle')) setCleared(null);
  }, [cleared, resultsKey, status]);

  const clear = async (): Promise<void> => {
    const st = store.getState();
    const key = st.resultsKey;
    const snapshot = { runs: Object.values(st.runs), columns: Object.values(st.columns) };
    await clearResults();
    if (key !== null) setCleared({ key, ...snapshot });
  };
  const undoClear = async (): Promise<void> => {
    if (!cleared) return;
    const rs = await runStore;
    try {
      for (const r of cleared.runs) await rs.putRun(cleared.key, r);
      for (const c of cleared.columns) await rs.putColumn(cleared.key, c);
    } catch {
      store.getState().setPersistence('failed');
    }
    if (store.getState().resultsKey === cleared.key)
      store.getState().setResults(cleared.key, cleared.runs, cleared.columns);
    setCleared(null);
  };

  // Tick once a second while active, for the rate and ETA.
  useEffect(() => {
    if (activeSince === null) return;
    const t = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(t);
  }, [activeSince]);

  const active = sweepInProgress(status);

  // The estimate before Run: what it would compute (everything, when the results on screen are
  // a link's or shipped ones) at this backend's rate, measured here once a sweep has run.
  const backend = useApp((s) => s.backend);
  const [measured, setMeasured] = useState<number | null>(() =>
    backend ? readMeasuredRate(safeStorage(), backend.name) : null,
  );
  useEffect(() => {
    setMeasured(backend ? readMeasuredRate(safeStorage(), backend.name) : null);
  }, [backend]);
  // When a sweep ends (or pauses), its runs over its active time are this backend's rate here.
  useEffect(() => {
    if (status !== 'done' && status !== 'stopped' && status !== 'paused') return;
    const st = store.getState();
    if (!st.backend) return;
    const gflops = measuredRate(st.settings, st.sweepComputed, st.activeMs);
    if (gflops === null) return;
    writeMeasuredRate(safeStorage(), st.backend.name, gflops);
    setMeasured(gflops);
  }, [status, store]);
  const eta = useMemo(() => {
    if (!backend) return null;
    const rate: Rate =
      measured !== null
        ? { gflops: measured, source: 'measured' }
        : typicalRate(backend.name, isSoftwareAdapter(backend.adapter));
    const planned = shownOnly
      ? plannedWork(settings, {}, {})
      : plannedWork(settings, runs, columns);
    return etaOf(planned, settings, backend.name, rate);
  }, [backend, measured, settings, runs, columns, shownOnly]);
  const alternative = useMemo(() => {
    const alt = precomputedAlternative(shipped, settings);
    return alt ? { ...alt, preset: presetById(alt.entry.preset) } : null;
  }, [shipped, settings]);
  // A settings change or a sweep starting answers the question.
  useEffect(() => setConfirming(false), [settings, active]);
  const run = (): void => {
    if (eta !== null && eta.seconds !== null && eta.seconds > CONFIRM_ABOVE_S) setConfirming(true);
    else start();
  };
  const { done, total } = progressOf(settings, runs, columns);
  const elapsed = activeMs + (activeSince !== null ? Math.max(0, now - activeSince) : 0);
  const remaining = total === null ? null : Math.max(0, total - done);
  const { perMinute, etaMs } = rateAndEta(sweepComputed, elapsed, remaining);
  const fraction = imported ? 1 : total ? Math.min(1, done / total) : 0;
  const complete = total !== null && total > 0 && done >= total;

  return (
    <section className="sweep-bar" aria-label="Sweep control">
      <div className="sweep-buttons">
        <button
          type="button"
          className="primary"
          disabled={
            active ||
            (imported !== null && !shownOnly) ||
            workerState !== 'ready' ||
            badFields.length > 0
          }
          aria-describedby={badFields.length > 0 ? 'run-blocked' : eta ? 'run-eta' : undefined}
          onClick={run}
          title={
            complete
              ? 'Every cell is computed; Run checks again and finishes at once.'
              : 'Compute the missing cells'
          }
        >
          Run
        </button>
        {status === 'paused' ? (
          <button type="button" onClick={() => controller.resume()}>
            Resume
          </button>
        ) : (
          <button
            type="button"
            disabled={status !== 'running' && status !== 'starting'}
            onClick={() => controller.pause()}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          disabled={!active || status === 'stopping'}
          onClick={() => controller.stop()}
        >
          Stop
        </button>
        <button
          type="button"
          className="secondary"
          disabled={active || imported !== null || done === 0}
          onClick={() => void clear()}
          title="Forget the stored cells of these settings so that Run computes them again"
        >
          Clear results
        </button>
        <PoolControl />
      </div>
      {eta && !active && !(imported !== null && !shownOnly) && eta.runs > 0 ? (
        <span
          className="run-eta"
          id="run-eta"
          data-testid="run-eta"
          title={
            settings.search === 'bisect'
              ? 'The most runs bisection may take (it usually takes fewer), at the speed measured by this browser’s last sweep on this backend, or a typical one before it has run.'
              : 'The most runs the grid may take (a column stops at its first divergence), at the speed measured by this browser’s last sweep on this backend, or a typical one before it has run.'
          }
        >
          {settings.search === 'bisect' ? 'at most ' : ''}
          {eta.runs} {eta.runs === 1 ? 'run' : 'runs'} · {eta.words}
        </span>
      ) : null}
      {confirming && eta !== null && eta.seconds !== null ? (
        <div
          className="run-confirm"
          role="alertdialog"
          aria-labelledby="run-confirm-text"
          data-testid="run-confirm"
        >
          <p id="run-confirm-text">
            This sweep would take {settings.search === 'bisect' ? 'at most ' : ''}
            {eta.words} ({eta.runs} runs). The tab must stay open; finished cells are kept if it
            closes.
            {alternative?.exact && shownOnly
              ? ' Its precomputed result is on screen now.'
              : alternative?.preset
                ? ` A precomputed result of “${alternative.preset.label}” opens at once instead.`
                : ''}
          </p>
          <div className="run-confirm-buttons">
            <button type="button" className="primary" onClick={start}>
              Run anyway
            </button>
            {alternative?.preset && !(alternative.exact && shownOnly) ? (
              <button
                type="button"
                onClick={() => {
                  const p = alternative.preset!;
                  const st = store.getState();
                  st.replaceSettings(p.settings);
                  st.setRawSharpness(p.view?.rawSharpness ?? false);
                  st.setLogY(p.view?.logY ?? false);
                  setConfirming(false);
                }}
              >
                Open the precomputed result
              </button>
            ) : null}
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {alternative?.exact && shownOnly ? 'Keep the precomputed result' : 'Cancel'}
            </button>
          </div>
        </div>
      ) : null}
      <div className="sweep-progress">
        <div
          className="progress-track"
          role="progressbar"
          aria-label="Cells done"
          aria-valuemin={0}
          aria-valuemax={total ?? undefined}
          aria-valuenow={done}
        >
          <div className="progress-fill" style={{ transform: `scaleX(${fraction.toFixed(3)})` }} />
        </div>
        <p className="sweep-stats" aria-live="polite">
          <span className={`sweep-status status-${status}`} data-testid="sweep-status">
            {STATUS_TEXT[status]}
          </span>
          {imported ? (
            <span data-testid="cells-done">{importedRuns} runs imported</span>
          ) : (
            <span data-testid="cells-done">
              {done}
              {total !== null ? ` / ${total}` : ''} cells
            </span>
          )}
          {active && liveStep !== null && settings.steps >= 50 ? (
            <span>
              step {liveStep} / {settings.steps}
            </span>
          ) : null}
          {perMinute !== null ? (
            <span>{perMinute >= 10 ? perMinute.toFixed(0) : perMinute.toFixed(1)} cells/min</span>
          ) : null}
          {cleared ? (
            <button type="button" className="link-button" onClick={() => void undoClear()}>
              Undo clear ({cleared.runs.length} cells)
            </button>
          ) : null}
          {/* Paused: no time passes for the sweep, so no countdown either. */}
          {active && status !== 'paused' && etaMs !== null && remaining ? (
            <span>about {formatDuration(etaMs)} left</span>
          ) : null}
          {restored > 0 && !imported ? (
            <span title="Cells restored from this browser's storage">{restored} restored</span>
          ) : null}
        </p>
        {message ? <p className="sweep-message">{message}</p> : null}
        {badFields.length > 0 && !active ? (
          <p className="sweep-message warn" id="run-blocked" data-testid="run-blocked">
            Run waits for {badFields.length === 1 ? 'a field' : `${badFields.length} fields`} in
            red: {badFields[0]}
          </p>
        ) : null}
        {persistence === 'unavailable' || persistence === 'failed' ? (
          <p className="sweep-message warn" role="status" data-testid="persistence-warning">
            Storage is unavailable here: finished cells will not survive a reload.
          </p>
        ) : persistence === 'full' ? (
          <p className="sweep-message warn" role="status" data-testid="persistence-warning">
            This browser&apos;s storage is full: cells finished from now on will not survive a
            reload (those stored before stay).
          </p>
        ) : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  );
}
