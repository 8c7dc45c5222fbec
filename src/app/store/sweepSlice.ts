import type { StateCreator } from 'zustand';
import { columnId, runId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import type { AppState, LiveRun, SweepSlice, SweepStatus } from './types';

const ACTIVE: ReadonlySet<SweepStatus> = new Set(['starting', 'running', 'stopping']);

/**
 * Whether a sweep is under way, paused included: from Run until it is done, stopped or failed.
 * While it is, the settings, presets and imports are locked and live cells are kept.
 */
export function sweepInProgress(status: SweepStatus): boolean {
  return (
    status === 'starting' || status === 'running' || status === 'paused' || status === 'stopping'
  );
}

function byId<T>(items: readonly T[], id: (t: T) => string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const it of items) out[id(it)] = it;
  return out;
}

/** Accumulated active time: the clock runs while a sweep is starting, running or stopping. */
function clock(
  st: Pick<SweepSlice, 'activeMs' | 'activeSince'>,
  status: SweepStatus,
  nowMs: number,
): Pick<SweepSlice, 'activeMs' | 'activeSince'> {
  const activeMs = st.activeSince === null ? st.activeMs : st.activeMs + (nowMs - st.activeSince);
  return { activeMs, activeSince: ACTIVE.has(status) ? nowMs : null };
}

export const createSweepSlice: StateCreator<AppState, [], [], SweepSlice> = (set) => ({
  status: 'idle',
  sweepId: null,
  resultsKey: null,
  runs: {},
  columns: {},
  columnStarts: {},
  live: {},
  lastRunId: null,
  computedRuns: 0,
  restoredRuns: 0,
  sweepComputed: 0,
  activeMs: 0,
  activeSince: null,
  statusMessage: null,
  error: null,
  imported: null,
  restarts: [],

  beginSweep: (sweepId, nowMs) =>
    set((st) => ({
      sweepId,
      status: 'starting',
      live: {},
      error: null,
      statusMessage: 'Starting…',
      // A fresh sweep measures its own rate; a restart after a backend failure keeps counting.
      ...(st.status === 'starting' || st.status === 'running' || st.status === 'paused'
        ? clock(st, 'starting', nowMs)
        : { sweepComputed: 0, activeMs: 0, activeSince: nowMs }),
    })),

  setSweepStatus: (status, nowMs) =>
    set((st) => ({
      status,
      ...clock(st, status, nowMs),
      ...(sweepInProgress(status) ? {} : { live: {}, statusMessage: null }),
    })),

  applyWorkerEvents: (events, nowMs) =>
    set((st) => {
      let runs = st.runs;
      let columns = st.columns;
      let columnStarts = st.columnStarts;
      let live = st.live;
      let status = st.status;
      let lastRunId = st.lastRunId;
      let { computedRuns, sweepComputed, statusMessage } = st;
      const copy = <T>(cur: T, orig: T): T => (cur === orig ? { ...cur } : cur);
      for (const e of events) {
        switch (e.type) {
          case 'status':
            statusMessage = e.message;
            break;
          case 'column-start':
            columnStarts = copy(columnStarts, st.columnStarts);
            columnStarts[columnId(e)] = { lambda0: e.lambda0, loss0: e.loss0 };
            statusMessage = null;
            if (status === 'starting') status = 'running';
            break;
          case 'steps':
            live = copy(live, st.live);
            for (const u of e.updates) {
              const id = runId(u);
              const run: LiveRun = { id, ...u };
              live[id] = run;
            }
            if (status === 'starting') status = 'running';
            break;
          case 'run': {
            runs = copy(runs, st.runs);
            const id = runId(e.record);
            runs[id] = e.record;
            lastRunId = id;
            if (live[id]) {
              live = copy(live, st.live);
              delete live[id];
            }
            computedRuns++;
            sweepComputed++;
            statusMessage = null;
            if (status === 'starting') status = 'running';
            break;
          }
          case 'run-dropped': {
            // A speculative run of the pool that will not be recorded: no longer running.
            const id = runId(e);
            if (live[id]) {
              live = copy(live, st.live);
              delete live[id];
            }
            break;
          }
          case 'column':
            columns = copy(columns, st.columns);
            columns[columnId(e.record)] = e.record;
            break;
          case 'paused':
            if (status === 'running' || status === 'paused' || status === 'starting')
              status = e.paused ? 'paused' : 'running';
            break;
          case 'done':
            status = e.cancelled ? 'stopped' : 'done';
            live = {};
            statusMessage = null;
            break;
          default:
            break;
        }
      }
      return {
        runs,
        columns,
        columnStarts,
        live,
        lastRunId,
        computedRuns,
        sweepComputed,
        statusMessage,
        status,
        ...(status !== st.status ? clock(st, status, nowMs) : {}),
      };
    }),

  setResults: (key, runs, columns) =>
    set((st) => ({
      // New settings start from a clean slate unless a sweep is under way.
      ...(ACTIVE.has(st.status) || st.status === 'paused'
        ? {}
        : {
            status: 'idle' as const,
            error: null,
            sweepComputed: 0,
            activeMs: 0,
            activeSince: null,
          }),
      resultsKey: key,
      runs: byId<RunRecord>(runs, runId),
      columns: byId<ColumnRecord>(columns, columnId),
      columnStarts: {},
      live: {},
      lastRunId: null,
      restoredRuns: runs.length,
      imported: null,
      selected: new Set(),
      focusedId: null,
      anchorId: null,
      hovered: null,
    })),

  setImported: (imported, runs, columns) =>
    set({
      imported,
      resultsKey: null,
      runs: byId<RunRecord>(runs, runId),
      columns: byId<ColumnRecord>(columns, columnId),
      columnStarts: {},
      live: {},
      lastRunId: null,
      restoredRuns: 0,
      selected: new Set(),
      focusedId: null,
      anchorId: null,
      hovered: null,
    }),

  setError: (error) => set({ error }),
  noteRestart: (reason) => set((st) => ({ restarts: [...st.restarts, reason] })),
});
